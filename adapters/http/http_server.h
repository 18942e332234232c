#pragma once
// The project's one HTTP/1.1 server, on Asio/Beast: the simulator's endpoints and the operator's
// admin API (see router.h) both run on it. Keep-alive, header and body limits (431/413), idle,
// request and write timeouts, optional TLS, and long-lived chunked responses for streaming calls.
// Handlers run on the io_context the server is given; with one thread running it (the simulator,
// the daemon's admin listener) handlers and what they touch need no locks.
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/context.hpp>
#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "adapters/http/chunk_sink.h"
#include "adapters/http/http_types.h"
#include "core/status.h"

namespace scaleio::http {

// One request waiting for its answer. A handler answers now or later (latency, timeouts) by
// calling respond() or start_stream() exactly once; dropping the last reference without an
// answer closes the connection, which is how a "hanging" endpoint ends.
class HttpExchange {
 public:
  virtual ~HttpExchange() = default;
  virtual const HttpRequest& request() const = 0;
  virtual void respond(HttpResponse response) = 0;
  // Writes `head` (status and headers; body ignored) with chunked transfer encoding and returns the
  // sink for the chunks. The connection carries nothing else afterwards.
  virtual std::shared_ptr<ChunkSink> start_stream(HttpResponse head) = 0;
  virtual bool answered() const = 0;
};

using HttpHandler = std::function<void(std::shared_ptr<HttpExchange>)>;

struct HttpServerOptions {
  std::size_t header_limit = 16 * 1024;      // larger headers: 431, then close
  std::size_t body_limit = 4 * 1024 * 1024;  // larger bodies: 413, then close
  // A keep-alive connection with no request in flight is closed after this long.
  std::chrono::milliseconds idle_timeout{60'000};
  // From a request's first byte to its last: a client that sends headers (or a body) slowly
  // holds a connection no longer than this, however steadily it trickles.
  std::chrono::milliseconds request_timeout{10'000};
  // A streaming peer that stops reading is dropped once a write has been stuck this long.
  std::chrono::milliseconds write_timeout{30'000};
  std::string server_name = "scaleio";
  // Off: listen() accepts loopback addresses only (the simulator must never be reachable from
  // another machine). On: any local IPv4/IPv6 address or 0.0.0.0, for the daemon's listener that
  // agents fetch the artifact from.
  bool allow_non_loopback = false;
};

class HttpServer {
 public:
  // `tls` set = HTTPS on every connection.
  HttpServer(boost::asio::io_context& io, HttpHandler handler, HttpServerOptions options = {},
             std::shared_ptr<boost::asio::ssl::context> tls = nullptr);
  ~HttpServer();
  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;

  // Binds "HOST:PORT" (port 0 = any free port); HOST is an IP address or "localhost", and must be
  // loopback unless options.allow_non_loopback. InvalidArgument for a refused or malformed
  // address, Unavailable when the bind fails (port taken).
  Status listen(const std::string& host_port);
  boost::asio::ip::tcp::endpoint local_endpoint() const;
  std::string address() const;  // "127.0.0.1:PORT" (the bound address: "0.0.0.0:PORT" too)
  // Stops accepting and closes every open connection (streams included).
  void stop();

  // Shared with the connections, which may outlive the server object by a few callbacks.
  struct State;

 private:
  std::shared_ptr<State> state_;
};

// "127.0.0.1:5050", "localhost:5050", "0.0.0.0:9110", "[::1]:80" → endpoint. InvalidArgument for
// malformed input, a host name other than localhost, or (unless allowed) a non-loopback address.
Result<boost::asio::ip::tcp::endpoint> parse_endpoint(const std::string& host_port,
                                                      bool allow_non_loopback);
// parse_endpoint(host_port, false): what the simulator's flags accept.
Result<boost::asio::ip::tcp::endpoint> parse_loopback_endpoint(const std::string& host_port);

}  // namespace scaleio::http
