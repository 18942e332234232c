// The seam between the REST session and the wire: one request in, one answer out. HttpConnection
// implements it over a socket (plain or TLS); sim/in_process implements it by handing the request
// to the simulated gateway in the same process, so reconciler tests and the deterministic
// simulation exercise the very same client code (JSON, login, retries, error mapping).
#pragma once

#include <boost/beast/http/message.hpp>
#include <boost/beast/http/string_body.hpp>
#include <chrono>
#include <string>

#include "core/status.h"

namespace scaleio::gateway {

struct HttpReply {
  int status = 0;
  std::string body;
};

using HttpRequestMessage = boost::beast::http::request<boost::beast::http::string_body>;

class HttpTransport {
 public:
  virtual ~HttpTransport() = default;
  // Sends `request` and returns the answer. `timeout` bounds each step; `may_resend` allows one
  // re-send when the request provably did not reach the server. Errors: kUnavailable (no
  // answer), kDeadlineExceeded (no answer in time), kFailedPrecondition (TLS refused the server).
  virtual Result<HttpReply> round_trip(const HttpRequestMessage& request,
                                       std::chrono::milliseconds timeout, bool may_resend) = 0;
  // Drops the connection (the next request opens a new one).
  virtual void close() = 0;
  // How many times a connection was opened (keep-alive reuse is visible in tests).
  virtual int connections_opened() const = 0;
};

}  // namespace scaleio::gateway
