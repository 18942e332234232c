#include "cli/scaleioctl/http_client.h"

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http.hpp>

namespace scaleio::ctl {

namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
using tcp = asio::ip::tcp;

}  // namespace

Result<HttpClient> HttpClient::create(const std::string& url, std::chrono::milliseconds timeout) {
  const std::string scheme = "http://";
  if (url.rfind("https://", 0) == 0) {
    return invalid_argument("--server '" + url +
                            "': https is not supported; reach the daemon over http (it listens "
                            "on loopback by default) or through a local proxy");
  }
  if (url.rfind(scheme, 0) != 0) {
    return invalid_argument("--server '" + url + "' must look like http://HOST:PORT");
  }
  std::string rest = url.substr(scheme.size());
  std::string prefix;
  if (const size_t slash = rest.find('/'); slash != std::string::npos) {
    prefix = rest.substr(slash);
    rest = rest.substr(0, slash);
    while (!prefix.empty() && prefix.back() == '/') prefix.pop_back();
  }
  if (rest.find('@') != std::string::npos) {
    return invalid_argument(
        "--server must not carry credentials; give the admin token with --token-file or "
        "SCALEIO_ADMIN_TOKEN");
  }
  std::string host = rest, port = "80";
  if (!rest.empty() && rest.front() == '[') {  // [::1]:9110
    const size_t close = rest.find(']');
    if (close == std::string::npos) return invalid_argument("--server '" + url + "': bad host");
    host = rest.substr(1, close - 1);
    if (close + 1 < rest.size()) {
      if (rest[close + 1] != ':') return invalid_argument("--server '" + url + "': bad host");
      port = rest.substr(close + 2);
    }
  } else if (const size_t colon = rest.rfind(':'); colon != std::string::npos) {
    host = rest.substr(0, colon);
    port = rest.substr(colon + 1);
  }
  if (host.empty() || port.empty() || port.find_first_not_of("0123456789") != std::string::npos ||
      port.size() > 5) {
    return invalid_argument("--server '" + url + "' must look like http://HOST:PORT");
  }
  return HttpClient(url, host, port, prefix, timeout);
}

Result<HttpAnswer> HttpClient::request(const std::string& method, const std::string& target,
                                       const std::string& body,
                                       const std::optional<std::string>& bearer_token) const {
  return exchange(method, target, body, bearer_token, nullptr);
}

Result<HttpAnswer> HttpClient::stream_lines(const std::string& target,
                                            const LineCallback& on_line) const {
  return exchange("GET", target, "", std::nullopt, &on_line);
}

Result<HttpAnswer> HttpClient::exchange(const std::string& method, const std::string& target,
                                        const std::string& body,
                                        const std::optional<std::string>& bearer_token,
                                        const LineCallback* on_line) const {
  asio::io_context io;
  beast::tcp_stream stream(io);
  beast::flat_buffer buffer;
  bhttp::request<bhttp::string_body> req(bhttp::string_to_verb(method), prefix_ + target, 11);
  req.set(bhttp::field::host, host_ + ":" + port_);
  req.set(bhttp::field::user_agent, "scaleioctl");
  req.set(bhttp::field::connection, "close");
  if (bearer_token) req.set(bhttp::field::authorization, "Bearer " + *bearer_token);
  if (!body.empty()) req.set(bhttp::field::content_type, "application/json");
  req.body() = body;
  req.prepare_payload();

  std::string partial_line;
  std::string error_body;
  bool stopped = false;
  bool streaming = false;
  // Beast keeps a reference to the callback: it must outlive the parser.
  auto chunk_body = [&](std::uint64_t, beast::string_view data, beast::error_code&) {
    if (!streaming) {  // a chunked error answer: keep it whole
      error_body.append(data.data(), data.size());
      return data.size();
    }
    if (stopped) return data.size();
    partial_line.append(data.data(), data.size());
    size_t newline;
    while (!stopped && (newline = partial_line.find('\n')) != std::string::npos) {
      const std::string line = partial_line.substr(0, newline);
      partial_line.erase(0, newline + 1);
      if (!line.empty() && !(*on_line)(line)) stopped = true;
    }
    return data.size();
  };
  bhttp::response_parser<bhttp::string_body> parser;
  parser.body_limit(64 * 1024 * 1024);
  if (on_line != nullptr) parser.on_chunk_body(chunk_body);

  beast::error_code failure;
  std::string failed_step;
  const auto fail = [&](const char* step, beast::error_code ec) {
    failure = ec;
    failed_step = step;
  };
  std::function<void()> read_more;
  read_more = [&] {
    if (stopped || parser.is_done()) return;
    bhttp::async_read_some(stream, buffer, parser, [&](beast::error_code ec, std::size_t) {
      if (ec) {
        if (!stopped) fail("read", ec);
        return;
      }
      read_more();
    });
  };

  tcp::resolver resolver(io);
  resolver.async_resolve(host_, port_, [&](beast::error_code ec, tcp::resolver::results_type r) {
    if (ec) return fail("resolve", ec);
    stream.expires_after(timeout_);
    stream.async_connect(r, [&](beast::error_code ec, const tcp::endpoint&) {
      if (ec) return fail("connect", ec);
      stream.expires_after(timeout_);
      bhttp::async_write(stream, req, [&](beast::error_code ec, std::size_t) {
        if (ec) return fail("write", ec);
        stream.expires_after(timeout_);
        bhttp::async_read_header(stream, buffer, parser, [&](beast::error_code ec, std::size_t) {
          if (ec) return fail("read", ec);
          streaming = on_line != nullptr && parser.get().result_int() == 200;
          // A followed stream may stay quiet for hours; a plain answer must come in time.
          if (streaming) {
            stream.expires_never();
          } else {
            stream.expires_after(timeout_);
          }
          read_more();
        });
      });
    });
  });
  io.run();

  if (failure) {
    const std::string where = "the daemon at " + url_;
    if (failure == beast::error::timeout) {
      return deadline_exceeded(where + " did not answer within " +
                               std::to_string(timeout_.count() / 1000) +
                               " s; is it overloaded? Or read the log with --data-dir DIR");
    }
    if (streaming && failure == bhttp::error::end_of_stream) return HttpAnswer{200, ""};
    return unavailable("cannot reach " + where + " (" + failed_step + ": " + failure.message() +
                       "); is it running, and is --server right? Or read the log with "
                       "--data-dir DIR");
  }
  HttpAnswer answer;
  answer.status = parser.get().result_int();
  if (!streaming) answer.body = error_body.empty() ? parser.get().body() : error_body;
  return answer;
}

}  // namespace scaleio::ctl
