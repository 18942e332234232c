// The HTTP server on its own: idle timeout, TLS with the generated CA, streaming.
#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <catch2/catch.hpp>
#include <thread>

#include "adapters/http/http_server.h"
#include "raw_http_client.h"
#include "sim/gateway/tls_cert.h"

using namespace scaleio::http;
using namespace scaleio::sim;
using namespace scaleio::sim::test;
namespace net = boost::asio;
namespace http = boost::beast::http;

namespace {

// An HttpServer on its own io thread.
class ServerThread {
 public:
  ServerThread(HttpHandler handler, HttpServerOptions options = {},
               std::shared_ptr<net::ssl::context> tls = nullptr)
      : server_(io_, std::move(handler), options, std::move(tls)) {
    REQUIRE(server_.listen("127.0.0.1:0").ok());
    address_ = server_.address();
    thread_ = std::thread([this] { io_.run(); });
  }
  ~ServerThread() {
    net::post(io_, [this] { server_.stop(); });
    io_.stop();
    thread_.join();
  }
  const std::string& address() const { return address_; }

 private:
  net::io_context io_;
  HttpServer server_;
  std::string address_;
  std::thread thread_;
};

HttpHandler hello() {
  return [](std::shared_ptr<HttpExchange> exchange) {
    HttpResponse response(http::status::ok, 11);
    response.body() = "hello";
    exchange->respond(std::move(response));
  };
}

}  // namespace

TEST_CASE("the server only listens on loopback", "[http]") {
  net::io_context io;
  HttpServer server(io, hello());
  CHECK(server.listen("0.0.0.0:0").code() == scaleio::StatusCode::kInvalidArgument);
  CHECK(server.listen("192.168.1.1:80").code() == scaleio::StatusCode::kInvalidArgument);
  CHECK(server.listen("127.0.0.1:99999").code() == scaleio::StatusCode::kInvalidArgument);
  CHECK(server.listen("localhost:0").ok());
}

TEST_CASE("an idle keep-alive connection is closed after the idle timeout", "[http]") {
  HttpServerOptions options;
  options.idle_timeout = std::chrono::milliseconds(200);
  ServerThread server(hello(), options);
  RawConnection connection(server.address());
  connection.send_request("GET", "/", {}, "");
  auto response = connection.read_response();
  REQUIRE(response);
  CHECK(response->body == "hello");
  CHECK(connection.wait_closed(std::chrono::seconds(3)));
}

TEST_CASE("streams: chunks as written, then the last chunk", "[http]") {
  std::shared_ptr<ChunkSink> sink;
  ServerThread server([&sink](std::shared_ptr<HttpExchange> exchange) {
    HttpResponse head(http::status::ok, 11);
    head.set(http::field::content_type, "application/json");
    sink = exchange->start_stream(std::move(head));
    sink->write_chunk("one");
    sink->write_chunk("");  // ignored: an empty chunk would end the stream
    sink->write_chunk("two");
    sink->close();
  });
  RawConnection connection(server.address());
  connection.send_request("POST", "/", {}, "{}");
  auto response = connection.read_response();
  REQUIRE(response);
  CHECK(response->chunked);
  CHECK(connection.read_chunk() == "one");
  CHECK(connection.read_chunk() == "two");
  CHECK(!connection.read_chunk());
  CHECK(connection.saw_last_chunk());
}

TEST_CASE("TLS: a client that trusts only the generated CA completes the handshake",
          "[http][tls]") {
  auto material = generate_tls_material();
  REQUIRE(material.ok());
  auto tls = std::make_shared<net::ssl::context>(net::ssl::context::tls_server);
  tls->use_certificate_chain(net::buffer(material->chain_pem()));
  tls->use_private_key(net::buffer(material->key_pem), net::ssl::context::pem);
  ServerThread server(hello(), {}, tls);

  net::io_context io;
  net::ssl::context client_tls(net::ssl::context::tls_client);
  client_tls.add_certificate_authority(net::buffer(material->ca_pem));
  client_tls.set_verify_mode(net::ssl::verify_peer);
  boost::beast::ssl_stream<boost::beast::tcp_stream> stream(io, client_tls);
  auto endpoint = parse_loopback_endpoint(server.address());
  REQUIRE(endpoint.ok());
  boost::beast::get_lowest_layer(stream).expires_after(std::chrono::seconds(5));
  boost::beast::get_lowest_layer(stream).connect(*endpoint);
  stream.set_verify_callback(net::ssl::host_name_verification("127.0.0.1"));
  stream.handshake(net::ssl::stream_base::client);
  http::request<http::empty_body> request(http::verb::get, "/", 11);
  request.set(http::field::host, "127.0.0.1");
  http::write(stream, request);
  boost::beast::flat_buffer buffer;
  http::response<http::string_body> response;
  http::read(stream, buffer, response);
  CHECK(response.result() == http::status::ok);
  CHECK(response.body() == "hello");
}
