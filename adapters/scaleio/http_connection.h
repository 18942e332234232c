// One keep-alive HTTP/1.1 connection to the gateway, plain or TLS, with a deadline on every
// step. Calls look synchronous: each runs the connection's own io_context until the operation
// completes or its timer fires (Beast's timeouts apply only to asynchronous operations).
// Not thread-safe; the session above serialises requests.
#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>
#include <chrono>
#include <memory>
#include <optional>
#include <string>

#include "adapters/scaleio/gateway_url.h"
#include "adapters/scaleio/http_transport.h"
#include "core/status.h"

namespace scaleio::gateway {

struct TlsOptions {
  // PEM CAs to trust instead of the system's: a file, or the PEM text itself.
  std::string ca_file;
  std::string ca_pem;
  // Verification is on unless this is set explicitly; the name says what it costs.
  bool insecure_skip_verify = false;
};

class HttpConnection final : public HttpTransport {
 public:
  // Fails when the CA file or PEM cannot be loaded.
  static Result<std::unique_ptr<HttpConnection>> create(const GatewayUrl& url,
                                                        const TlsOptions& tls);
  ~HttpConnection() override;
  HttpConnection(const HttpConnection&) = delete;
  HttpConnection& operator=(const HttpConnection&) = delete;

  // Sends `request` and reads the answer, opening the connection first when needed. Each step
  // (connect, handshake, write, read) must finish within `timeout`. A kept-alive connection
  // the server has closed in the meantime is detected and reopened once, re-sending the request
  // only when nothing of an answer arrived and `may_resend` allows it (or the write failed).
  // Errors: kUnavailable (connect/IO), kDeadlineExceeded (timeout), kFailedPrecondition (TLS
  // verification refused the server).
  Result<HttpReply> round_trip(const HttpRequestMessage& request, std::chrono::milliseconds timeout,
                               bool may_resend) override;
  void close() override;
  bool is_open() const { return open_; }
  // How many times a connection was opened (keep-alive reuse is visible in tests).
  int connections_opened() const override { return connections_opened_; }

 private:
  HttpConnection(GatewayUrl url, std::shared_ptr<boost::asio::ssl::context> ssl);

  enum class Stage { kConnect, kWrite, kRead };
  struct Failure {
    Stage stage;
    boost::system::error_code ec;
    bool got_some = false;
  };
  Status open(std::chrono::milliseconds timeout);
  std::optional<Failure> exchange(const HttpRequestMessage& request,
                                  std::chrono::milliseconds timeout, HttpReply* reply);
  Status to_status(const Failure& failure, std::chrono::milliseconds timeout) const;
  boost::beast::tcp_stream& tcp();

  GatewayUrl url_;
  std::shared_ptr<boost::asio::ssl::context> ssl_;
  boost::asio::io_context io_;
  std::optional<boost::beast::tcp_stream> plain_;
  std::optional<boost::beast::ssl_stream<boost::beast::tcp_stream>> secure_;
  boost::beast::flat_buffer buffer_;
  bool open_ = false;
  int connections_opened_ = 0;
  std::string tls_verify_error_;
};

}  // namespace scaleio::gateway
