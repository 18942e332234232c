// One keep-alive HTTP/1.1 connection to a master for request/response calls (every scheduler call
// but SUBSCRIBE, and the operator API). Reconnects on demand; a request that fails on a reused
// connection is retried once on a fresh one (the master may have closed an idle connection).
// Runs on the client's io thread only.
#pragma once

#include <utility>  // Boost 1.74's awaitable.hpp uses std::exchange without including it.

#include <boost/asio/awaitable.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <chrono>
#include <map>
#include <optional>
#include <string>

#include "adapters/mesos/master_address.h"
#include "core/status.h"

namespace scaleio::mesos {

struct HttpReply {
  int status = 0;
  std::string body;
  std::string location;  // of a redirect
};

// Connects `stream` to `address` within `timeout` (kUnavailable on failure).
boost::asio::awaitable<Status> connect_stream(boost::beast::tcp_stream& stream,
                                              const MasterAddress& address,
                                              std::chrono::milliseconds timeout);

class HttpConnection {
 public:
  explicit HttpConnection(boost::asio::io_context& io) : io_(io) {}

  // POSTs `body` as application/json. kUnavailable when the master cannot be reached or does not
  // answer within `timeout`; any HTTP answer is a reply (the caller judges its status).
  boost::asio::awaitable<Result<HttpReply>> post(const MasterAddress& address,
                                                 const std::string& target,
                                                 const std::map<std::string, std::string>& headers,
                                                 const std::string& body,
                                                 std::chrono::milliseconds timeout);
  // Closes the socket so that a pending request fails now (stop()); safe while one is in flight.
  void abort();

 private:
  void close();

  boost::asio::awaitable<Result<HttpReply>> post_once(
      const std::string& target, const std::map<std::string, std::string>& headers,
      const std::string& body, std::chrono::milliseconds timeout);

  boost::asio::io_context& io_;
  std::optional<boost::beast::tcp_stream> stream_;
  std::optional<MasterAddress> connected_to_;
  boost::beast::flat_buffer buffer_;
};

}  // namespace scaleio::mesos
