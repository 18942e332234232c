// The server's own guards, over real sockets on 127.0.0.1: where it may listen, size limits, and
// the request timeout that drops a client sending its headers slowly.
#include <boost/asio/io_context.hpp>
#include <catch2/catch.hpp>
#include <thread>

#include "adapters/http/http_server.h"
#include "tests/http/server_fixture.h"
#include "tests/sim/raw_http_client.h"

using namespace scaleio;
using namespace scaleio::http;
using scaleio::http::test::ServerThread;
using scaleio::sim::test::RawConnection;
using namespace std::chrono_literals;
namespace beast_http = boost::beast::http;

namespace {

HttpHandler hello() {
  return [](std::shared_ptr<HttpExchange> exchange) {
    HttpResponse response(beast_http::status::ok, 11);
    response.body() = "hello " + std::to_string(exchange->request().body().size());
    exchange->respond(std::move(response));
  };
}

}  // namespace

TEST_CASE("listen refuses non-loopback hosts unless allow_non_loopback is set", "[server]") {
  boost::asio::io_context io;
  SECTION("default: loopback only") {
    HttpServer server(io, hello());
    CHECK(server.listen("0.0.0.0:0").code() == StatusCode::kInvalidArgument);
    CHECK(server.listen("192.0.2.1:80").code() == StatusCode::kInvalidArgument);
    CHECK(server.listen("localhost:0").ok());
  }
  SECTION("malformed addresses are refused either way") {
    HttpServerOptions options;
    options.allow_non_loopback = true;
    HttpServer server(io, hello(), options);
    CHECK(server.listen("127.0.0.1:99999").code() == StatusCode::kInvalidArgument);
    CHECK(server.listen("127.0.0.1").code() == StatusCode::kInvalidArgument);
    CHECK(server.listen("example.org:80").code() == StatusCode::kInvalidArgument);
    CHECK(server.listen("127.0.0.1:80x").code() == StatusCode::kInvalidArgument);
  }
  CHECK(parse_endpoint("0.0.0.0:9110", false).status().code() == StatusCode::kInvalidArgument);
  auto any = parse_endpoint("0.0.0.0:9110", true);
  REQUIRE(any.ok());
  CHECK(any->port() == 9110);
  CHECK(parse_endpoint("localhost:9110", false)->address().to_string() == "127.0.0.1");
}

TEST_CASE("with allow_non_loopback the server binds 0.0.0.0 and serves loopback clients",
          "[server]") {
  HttpServerOptions options;
  options.allow_non_loopback = true;
  ServerThread server(hello(), options, "0.0.0.0:0");
  auto response = scaleio::sim::test::http_request(server.address(), "GET", "/", "", {});
  REQUIRE(response);
  CHECK(response->status == 200);
  CHECK(response->body == "hello 0");
}

TEST_CASE("a body over the limit is answered 413 and the connection closed", "[server][limits]") {
  HttpServerOptions options;
  options.body_limit = 1024;
  ServerThread server(hello(), options);
  {
    RawConnection connection(server.address());
    connection.send_request("POST", "/", {}, std::string(1024, 'x'));  // at the limit: fine
    auto response = connection.read_response();
    REQUIRE(response);
    CHECK(response->status == 200);
    CHECK(response->body == "hello 1024");
  }
  RawConnection connection(server.address());
  // Announced too large: answered as soon as the headers are read, before any body is sent.
  connection.send_raw("POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 1025\r\n\r\n");
  auto response = connection.read_response();
  REQUIRE(response);
  CHECK(response->status == 413);
  CHECK(response->header("connection") == "close");
  CHECK(connection.wait_closed(3s));
}

TEST_CASE("headers over the limit are answered 431 and the connection closed", "[server][limits]") {
  HttpServerOptions options;
  options.header_limit = 2048;
  ServerThread server(hello(), options);
  RawConnection connection(server.address());
  connection.send_raw("GET / HTTP/1.1\r\nHost: x\r\nX-Big: " + std::string(4096, 'y') + "\r\n\r\n");
  auto response = connection.read_response();
  REQUIRE(response);
  CHECK(response->status == 431);
  CHECK(connection.wait_closed(3s));

  // The server is still there for the next client.
  auto next = scaleio::sim::test::http_request(server.address(), "GET", "/", "", {});
  REQUIRE(next);
  CHECK(next->status == 200);
}

TEST_CASE("garbage instead of a request closes the connection and nothing else", "[server]") {
  ServerThread server(hello());
  RawConnection connection(server.address());
  connection.send_raw("\x16\x03\x01 this is not HTTP\r\n\r\n");
  CHECK(connection.wait_closed(3s));
  auto next = scaleio::sim::test::http_request(server.address(), "GET", "/", "", {});
  REQUIRE(next);
  CHECK(next->status == 200);
}

TEST_CASE("a client sending its headers slowly is dropped after request_timeout",
          "[server][timeout]") {
  HttpServerOptions options;
  options.request_timeout = 200ms;
  options.idle_timeout = 10s;  // far away: only the request timeout can close this connection
  ServerThread server(hello(), options);

  SECTION("headers started, then nothing") {
    RawConnection connection(server.address());
    const auto start = std::chrono::steady_clock::now();
    connection.send_raw("GET / HTTP/1.1\r\nHost: x\r\n");
    CHECK(connection.wait_closed(5s));
    CHECK(std::chrono::steady_clock::now() - start < 3s);
  }
  SECTION("headers trickled a byte at a time, each in time for a per-read timer") {
    RawConnection connection(server.address());
    const std::string header = "GET / HTTP/1.1\r\nHost: x\r\nX-Slow: " + std::string(200, 'z');
    const auto start = std::chrono::steady_clock::now();
    bool closed = false;
    for (std::size_t i = 0; i < header.size() && !closed; ++i) {
      connection.send_raw(header.substr(i, 1));
      // Paces the trickle (50 ms per byte, well inside 200 ms); also notices the close.
      closed = connection.wait_closed(50ms);
    }
    CHECK(closed);
    CHECK(std::chrono::steady_clock::now() - start < 3s);
  }
}

TEST_CASE("request_timeout does not cut an idle keep-alive connection", "[server][timeout]") {
  HttpServerOptions options;
  options.request_timeout = 200ms;
  options.idle_timeout = 10s;
  ServerThread server(hello(), options);
  RawConnection connection(server.address());
  connection.send_request("GET", "/", {}, "");
  auto first = connection.read_response();
  REQUIRE(first);
  CHECK(first->status == 200);
  // Idle for longer than the request timeout, without a byte of a next request: still open.
  CHECK(!connection.wait_closed(600ms));
  connection.send_request("GET", "/", {}, "");
  auto second = connection.read_response();
  REQUIRE(second);
  CHECK(second->status == 200);
}

TEST_CASE("a handler that throws gets a 500 from the server instead of a crash", "[server]") {
  ServerThread server([](std::shared_ptr<HttpExchange> exchange) {
    if (exchange->request().target() == "/throw") throw std::runtime_error("boom");
    HttpResponse response(beast_http::status::ok, 11);
    exchange->respond(std::move(response));
  });
  auto response = scaleio::sim::test::http_request(server.address(), "GET", "/throw", "", {});
  REQUIRE(response);
  CHECK(response->status == 500);
  CHECK(response->body.find("boom") == std::string::npos);
  auto next = scaleio::sim::test::http_request(server.address(), "GET", "/", "", {});
  REQUIRE(next);
  CHECK(next->status == 200);
}
