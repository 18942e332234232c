#pragma once
// An HttpServer (optionally behind a Router) on 127.0.0.1:0, on its own io thread, for tests that
// speak raw HTTP to it with tests/sim/raw_http_client.
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <future>
#include <stdexcept>
#include <string>
#include <thread>

#include "adapters/http/http_server.h"

namespace scaleio::http::test {

class ServerThread {
 public:
  explicit ServerThread(HttpHandler handler, HttpServerOptions options = {},
                        const std::string& listen = "127.0.0.1:0")
      : server_(io_, std::move(handler), std::move(options)) {
    if (Status s = server_.listen(listen); !s.ok()) throw std::runtime_error(s.to_string());
    port_ = server_.local_endpoint().port();
    thread_ = std::thread([this] { io_.run(); });
  }
  ~ServerThread() {
    boost::asio::post(io_, [this] { server_.stop(); });
    io_.stop();
    thread_.join();
  }
  ServerThread(const ServerThread&) = delete;
  ServerThread& operator=(const ServerThread&) = delete;

  // Where a client connects: loopback even when the server listens on 0.0.0.0.
  std::string address() const { return "127.0.0.1:" + std::to_string(port_); }
  boost::asio::io_context& io() { return io_; }

  // Runs `f` on the io thread and returns its result (handlers and sinks live there).
  template <class F>
  auto on_io(F f) -> decltype(f()) {
    std::packaged_task<decltype(f())()> task(std::move(f));
    auto result = task.get_future();
    boost::asio::post(io_, [&task] { task(); });
    return result.get();
  }

 private:
  boost::asio::io_context io_;
  HttpServer server_;
  unsigned short port_ = 0;
  std::thread thread_;
};

}  // namespace scaleio::http::test
