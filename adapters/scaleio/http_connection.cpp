#include "adapters/scaleio/http_connection.h"

#include <openssl/ssl.h>
#include <openssl/x509v3.h>

#include <boost/asio/connect.hpp>
#include <boost/asio/ip/address.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/beast/core/error.hpp>

namespace scaleio::gateway {

namespace net = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using boost::system::error_code;

namespace {

// A gateway's full inventory of a large cluster runs to a few MB; leave ample room.
constexpr uint64_t kBodyLimit = 64ull * 1024 * 1024;

bool is_ip_literal(const std::string& host) {
  error_code ec;
  net::ip::make_address(host, ec);
  return !ec;
}

// The peer closed a kept-alive connection we believed open.
bool looks_closed_by_peer(const error_code& ec) {
  return ec == http::error::end_of_stream || ec == net::error::eof ||
         ec == net::error::connection_reset || ec == net::error::broken_pipe ||
         ec == net::ssl::error::stream_truncated;
}

}  // namespace

Result<std::unique_ptr<HttpConnection>> HttpConnection::create(const GatewayUrl& url,
                                                               const TlsOptions& tls) {
  std::shared_ptr<net::ssl::context> ssl;
  if (url.tls) {
    ssl = std::make_shared<net::ssl::context>(net::ssl::context::tls_client);
    ssl->set_options(net::ssl::context::default_workarounds | net::ssl::context::no_sslv2 |
                     net::ssl::context::no_sslv3 | net::ssl::context::no_tlsv1 |
                     net::ssl::context::no_tlsv1_1);
    error_code ec;
    if (tls.insecure_skip_verify) {
      ssl->set_verify_mode(net::ssl::verify_none);
    } else {
      ssl->set_verify_mode(net::ssl::verify_peer);
      if (!tls.ca_file.empty()) {
        ssl->load_verify_file(tls.ca_file, ec);
        if (ec) {
          return invalid_argument("cannot load the gateway CA file " + tls.ca_file + ": " +
                                  ec.message());
        }
      }
      if (!tls.ca_pem.empty()) {
        ssl->add_certificate_authority(net::buffer(tls.ca_pem), ec);
        if (ec) return invalid_argument("cannot load the gateway CA certificate: " + ec.message());
      }
      if (tls.ca_file.empty() && tls.ca_pem.empty()) {
        ssl->set_default_verify_paths(ec);
        if (ec) return internal_error("cannot load the system's CA certificates: " + ec.message());
      }
    }
  }
  return std::unique_ptr<HttpConnection>(new HttpConnection(url, std::move(ssl)));
}

HttpConnection::HttpConnection(GatewayUrl url, std::shared_ptr<net::ssl::context> ssl)
    : url_(std::move(url)), ssl_(std::move(ssl)) {}

HttpConnection::~HttpConnection() {
  close();
}

beast::tcp_stream& HttpConnection::tcp() {
  return secure_ ? secure_->next_layer() : *plain_;
}

void HttpConnection::close() {
  if (secure_) {
    // No TLS close_notify exchange: it could block on a dead peer, and the gateway does not
    // need it.
    error_code ec;
    secure_->next_layer().socket().close(ec);
  }
  if (plain_) {
    error_code ec;
    plain_->socket().close(ec);
  }
  secure_.reset();
  plain_.reset();
  buffer_.clear();
  open_ = false;
}

Status HttpConnection::open(std::chrono::milliseconds timeout) {
  close();
  tls_verify_error_.clear();
  if (ssl_) {
    secure_.emplace(io_, *ssl_);
  } else {
    plain_.emplace(io_);
  }
  const std::string where = url_.origin();

  // Resolve under a timer too: a hung resolver must not hang the reconcilers.
  net::ip::tcp::resolver resolver(io_);
  net::steady_timer timer(io_);
  error_code resolve_ec;
  net::ip::tcp::resolver::results_type endpoints;
  bool timed_out = false;
  timer.expires_after(timeout);
  timer.async_wait([&](error_code ec) {
    if (!ec) {
      timed_out = true;
      resolver.cancel();
    }
  });
  resolver.async_resolve(url_.host, std::to_string(url_.port),
                         [&](error_code ec, net::ip::tcp::resolver::results_type results) {
                           resolve_ec = ec;
                           endpoints = std::move(results);
                           timer.cancel();
                         });
  io_.restart();
  io_.run();
  if (timed_out)
    return deadline_exceeded("cannot resolve " + url_.host + " within " +
                             std::to_string(timeout.count()) + " ms");
  if (resolve_ec) return unavailable("cannot resolve " + url_.host + ": " + resolve_ec.message());

  error_code ec;
  tcp().expires_after(timeout);
  tcp().async_connect(endpoints, [&](error_code e, const auto&) { ec = e; });
  io_.restart();
  io_.run();
  if (ec == beast::error::timeout) {
    return deadline_exceeded("cannot connect to " + where + " within " +
                             std::to_string(timeout.count()) + " ms");
  }
  if (ec) return unavailable("cannot connect to " + where + ": " + ec.message());

  if (secure_) {
    SSL* native = secure_->native_handle();
    if (!is_ip_literal(url_.host)) SSL_set_tlsext_host_name(native, url_.host.c_str());
    // Check the certificate names this host (IP SAN for an address, DNS name otherwise).
    X509_VERIFY_PARAM* param = SSL_get0_param(native);
    if (is_ip_literal(url_.host)) {
      X509_VERIFY_PARAM_set1_ip_asc(param, url_.host.c_str());
    } else {
      X509_VERIFY_PARAM_set1_host(param, url_.host.c_str(), 0);
    }
    tcp().expires_after(timeout);
    secure_->async_handshake(net::ssl::stream_base::client, [&](error_code e) { ec = e; });
    io_.restart();
    io_.run();
    if (ec == beast::error::timeout) {
      close();
      return deadline_exceeded("TLS handshake with " + where + " took longer than " +
                               std::to_string(timeout.count()) + " ms");
    }
    if (ec) {
      const long verify = SSL_get_verify_result(native);
      std::string reason = ec.message();
      const bool refused = verify != X509_V_OK;
      if (refused) reason = X509_verify_cert_error_string(verify);
      close();
      if (refused) {
        return failed_precondition("TLS: the certificate of " + where + " could not be verified: " +
                                   reason + " (give the gateway's CA file)");
      }
      return unavailable("TLS handshake with " + where + " failed: " + reason);
    }
  }
  open_ = true;
  ++connections_opened_;
  return Status();
}

std::optional<HttpConnection::Failure> HttpConnection::exchange(const HttpRequestMessage& request,
                                                                std::chrono::milliseconds timeout,
                                                                HttpReply* reply) {
  error_code ec;
  tcp().expires_after(timeout);
  auto on_done = [&](error_code e, std::size_t) { ec = e; };
  if (secure_) {
    http::async_write(*secure_, request, on_done);
  } else {
    http::async_write(*plain_, request, on_done);
  }
  io_.restart();
  io_.run();
  if (ec) return Failure{Stage::kWrite, ec, false};

  http::response_parser<http::string_body> parser;
  parser.body_limit(kBodyLimit);
  tcp().expires_after(timeout);
  if (secure_) {
    http::async_read(*secure_, buffer_, parser, on_done);
  } else {
    http::async_read(*plain_, buffer_, parser, on_done);
  }
  io_.restart();
  io_.run();
  if (ec) return Failure{Stage::kRead, ec, parser.got_some()};
  auto response = parser.release();
  reply->status = static_cast<int>(response.result_int());
  reply->body = std::move(response.body());
  if (!response.keep_alive()) close();
  return std::nullopt;
}

Status HttpConnection::to_status(const Failure& failure, std::chrono::milliseconds timeout) const {
  const std::string where = url_.origin();
  if (failure.ec == beast::error::timeout) {
    return deadline_exceeded("no answer from " + where + " within " +
                             std::to_string(timeout.count()) + " ms");
  }
  const char* stage = failure.stage == Stage::kWrite ? "sending to " : "reading from ";
  return unavailable(std::string(stage) + where + " failed: " + failure.ec.message());
}

Result<HttpReply> HttpConnection::round_trip(const HttpRequestMessage& request,
                                             std::chrono::milliseconds timeout, bool may_resend) {
  const bool reused = open_;
  if (!open_) {
    if (Status s = open(timeout); !s.ok()) return s;
  }
  HttpReply reply;
  auto failure = exchange(request, timeout, &reply);
  if (!failure) return reply;
  close();
  // A kept-alive connection closed by the server while idle: the request never got there.
  const bool stale = reused && looks_closed_by_peer(failure->ec) && !failure->got_some &&
                     (failure->stage == Stage::kWrite || may_resend);
  if (!stale) return to_status(*failure, timeout);
  if (Status s = open(timeout); !s.ok()) return s;
  failure = exchange(request, timeout, &reply);
  if (!failure) return reply;
  close();
  return to_status(*failure, timeout);
}

}  // namespace scaleio::gateway
