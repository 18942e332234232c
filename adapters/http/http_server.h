#pragma once
// A small HTTP/1.1 server on Asio/Beast for the simulator's endpoints: keep-alive, header and body
// limits, idle timeouts, optional TLS, and long-lived chunked responses for streaming calls.
// Everything runs on the io_context the server is given; the simulator uses a single thread, so
// handlers and the world model need no locks.
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
  std::size_t header_limit = 16 * 1024;
  std::size_t body_limit = 4 * 1024 * 1024;
  // A keep-alive connection with no request in flight is closed after this long.
  std::chrono::milliseconds idle_timeout{60'000};
  // A streaming peer that stops reading is dropped once a write has been stuck this long.
  std::chrono::milliseconds write_timeout{30'000};
  std::string server_name = "scaleio-sim";
};

class HttpServer {
 public:
  // `tls` set = HTTPS on every connection.
  HttpServer(boost::asio::io_context& io, HttpHandler handler, HttpServerOptions options = {},
             std::shared_ptr<boost::asio::ssl::context> tls = nullptr);
  ~HttpServer();
  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;

  // Binds "127.0.0.1:PORT" (port 0 = any free port). Only loopback addresses are accepted: the
  // simulator must never be reachable from another machine.
  Status listen(const std::string& host_port);
  boost::asio::ip::tcp::endpoint local_endpoint() const;
  std::string address() const;  // "127.0.0.1:PORT"
  // Stops accepting and closes every open connection (streams included).
  void stop();

  // Shared with the connections, which may outlive the server object by a few callbacks.
  struct State;

 private:
  std::shared_ptr<State> state_;
};

// "127.0.0.1:5050" → endpoint; rejects non-loopback hosts and malformed ports.
Result<boost::asio::ip::tcp::endpoint> parse_loopback_endpoint(const std::string& host_port);

}  // namespace scaleio::http
