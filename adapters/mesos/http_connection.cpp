#include <utility>  // before Boost 1.74 asio: awaitable.hpp needs std::exchange

#include "adapters/mesos/http_connection.h"

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/http.hpp>

namespace scaleio::mesos {

namespace net = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;

net::awaitable<Status> connect_stream(beast::tcp_stream& stream, const MasterAddress& address,
                                      std::chrono::milliseconds timeout) {
  boost::system::error_code ec;
  net::ip::tcp::resolver resolver(co_await net::this_coro::executor);
  auto endpoints = co_await resolver.async_resolve(address.host, address.port,
                                                   net::redirect_error(net::use_awaitable, ec));
  if (ec)
    co_return unavailable("cannot resolve master " + address.to_string() + ": " + ec.message());
  stream.expires_after(timeout);
  co_await stream.async_connect(endpoints, net::redirect_error(net::use_awaitable, ec));
  if (ec)
    co_return unavailable("cannot connect to master " + address.to_string() + ": " + ec.message());
  stream.socket().set_option(net::ip::tcp::no_delay(true), ec);
  co_return Status();
}

void HttpConnection::abort() {
  if (stream_) stream_->close();
}

void HttpConnection::close() {
  if (stream_) {
    boost::system::error_code ec;
    stream_->socket().shutdown(net::ip::tcp::socket::shutdown_both, ec);
    stream_->close();
  }
  stream_.reset();
  connected_to_.reset();
  buffer_.clear();
}

net::awaitable<Result<HttpReply>> HttpConnection::post(
    const MasterAddress& address, const std::string& target,
    const std::map<std::string, std::string>& headers, const std::string& body,
    std::chrono::milliseconds timeout) {
  const bool reused = stream_ && connected_to_ == address;
  if (!reused) {
    close();
    stream_.emplace(io_);
    Status connected = co_await connect_stream(*stream_, address, timeout);
    if (!connected.ok()) {
      close();
      co_return connected;
    }
    connected_to_ = address;
  }
  Result<HttpReply> reply = co_await post_once(target, headers, body, timeout);
  if (reply.ok() || !reused) co_return reply;
  // The idle keep-alive connection may have been closed by the master: once more, fresh.
  close();
  stream_.emplace(io_);
  Status connected = co_await connect_stream(*stream_, address, timeout);
  if (!connected.ok()) {
    close();
    co_return connected;
  }
  connected_to_ = address;
  co_return co_await post_once(target, headers, body, timeout);
}

net::awaitable<Result<HttpReply>> HttpConnection::post_once(
    const std::string& target, const std::map<std::string, std::string>& headers,
    const std::string& body, std::chrono::milliseconds timeout) {
  http::request<http::string_body> request(http::verb::post, target, 11);
  request.set(http::field::host, connected_to_->to_string());
  request.set(http::field::content_type, "application/json");
  request.set(http::field::accept, "application/json");
  request.keep_alive(true);
  for (const auto& [name, value] : headers) request.set(name, value);
  request.body() = body;
  request.prepare_payload();

  boost::system::error_code ec;
  stream_->expires_after(timeout);
  co_await http::async_write(*stream_, request, net::redirect_error(net::use_awaitable, ec));
  if (ec) {
    close();
    co_return unavailable("sending to the master failed: " + ec.message());
  }
  http::response_parser<http::string_body> parser;
  parser.body_limit(16 * 1024 * 1024);
  stream_->expires_after(timeout);
  co_await http::async_read(*stream_, buffer_, parser, net::redirect_error(net::use_awaitable, ec));
  if (ec) {
    close();
    co_return unavailable("reading the master's answer failed: " + ec.message());
  }
  auto& response = parser.get();
  HttpReply reply;
  reply.status = static_cast<int>(response.result_int());
  reply.body = std::move(response.body());
  if (auto it = response.find(http::field::location); it != response.end()) {
    reply.location = std::string(it->value());
  }
  if (!response.keep_alive()) close();
  co_return reply;
}

}  // namespace scaleio::mesos
