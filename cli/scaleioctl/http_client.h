// A small HTTP/1.1 client for scaleioctl's talk with the daemon: one connection per request,
// plain http (the daemon's API listens on loopback or behind a proxy), a deadline on every step
// (Beast's timeouts apply only to asynchronous operations, so each call runs its own io_context
// until done), and streamed responses read line by line (GET /v1/events?follow=true).
#pragma once

#include <chrono>
#include <functional>
#include <optional>
#include <string>

#include "core/status.h"

namespace scaleio::ctl {

struct HttpAnswer {
  int status = 0;
  std::string body;
};

// Called for each line of a streamed body; return false to stop reading.
using LineCallback = std::function<bool(const std::string& line)>;

class HttpClient {
 public:
  // "http://HOST:PORT" with an optional path prefix ("http://proxy/scaleio"). InvalidArgument
  // for another scheme or a malformed URL.
  static Result<HttpClient> create(const std::string& url,
                                   std::chrono::milliseconds timeout = std::chrono::seconds(10));

  const std::string& url() const { return url_; }

  // `target` is the path and query ("/v1/plan"). `bearer_token` goes in the Authorization header
  // only. Unavailable when the daemon cannot be reached, DeadlineExceeded when it does not answer
  // in time; any HTTP status is an answer.
  Result<HttpAnswer> request(const std::string& method, const std::string& target,
                             const std::string& body = "",
                             const std::optional<std::string>& bearer_token = std::nullopt) const;

  // GETs `target` and hands each line of a 200 answer to `on_line` until it returns false or the
  // server ends the stream. A non-200 answer is returned whole, as an answer.
  Result<HttpAnswer> stream_lines(const std::string& target, const LineCallback& on_line) const;

 private:
  HttpClient(std::string url, std::string host, std::string port, std::string prefix,
             std::chrono::milliseconds timeout)
      : url_(std::move(url)),
        host_(std::move(host)),
        port_(std::move(port)),
        prefix_(std::move(prefix)),
        timeout_(timeout) {}

  Result<HttpAnswer> exchange(const std::string& method, const std::string& target,
                              const std::string& body,
                              const std::optional<std::string>& bearer_token,
                              const LineCallback* on_line) const;

  std::string url_;
  std::string host_;
  std::string port_;
  std::string prefix_;
  std::chrono::milliseconds timeout_;
};

}  // namespace scaleio::ctl
