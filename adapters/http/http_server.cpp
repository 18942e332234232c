#include "adapters/http/http_server.h"

#include <boost/asio/ip/address.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <deque>
#include <list>

namespace scaleio::http {

namespace net = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = net::ip::tcp;

Result<tcp::endpoint> parse_endpoint(const std::string& host_port, bool allow_non_loopback) {
  auto colon = host_port.rfind(':');
  if (colon == std::string::npos || colon == 0 || colon + 1 == host_port.size()) {
    return invalid_argument("expected HOST:PORT, got '" + host_port + "'");
  }
  std::string host = host_port.substr(0, colon);
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']') {
    host = host.substr(1, host.size() - 2);
  }
  if (host == "localhost") host = "127.0.0.1";
  boost::system::error_code ec;
  auto address = net::ip::make_address(host, ec);
  if (ec) return invalid_argument("not an IP address: '" + host + "'");
  if (!address.is_loopback() && !allow_non_loopback) {
    return invalid_argument("only loopback addresses are allowed here, not '" + host + "'");
  }
  const std::string port_text = host_port.substr(colon + 1);
  unsigned long port = 0;
  try {
    std::size_t used = 0;
    port = std::stoul(port_text, &used);
    if (used != port_text.size()) throw std::invalid_argument("trailing");
  } catch (const std::exception&) {
    return invalid_argument("not a port number: '" + port_text + "'");
  }
  if (port > 65535) return invalid_argument("port out of range: " + port_text);
  return tcp::endpoint(address, static_cast<unsigned short>(port));
}

Result<tcp::endpoint> parse_loopback_endpoint(const std::string& host_port) {
  return parse_endpoint(host_port, false);
}

namespace {

class SessionBase {
 public:
  virtual ~SessionBase() = default;
  virtual void shutdown() = 0;
};

std::string serialize_head(const HttpResponse& head) {
  std::string out = "HTTP/1.1 " + std::to_string(head.result_int()) + " ";
  out.append(head.reason().empty() ? std::string(http::obsolete_reason(head.result()))
                                   : std::string(head.reason()));
  out += "\r\n";
  for (const auto& field : head) {
    if (field.name() == http::field::content_length ||
        field.name() == http::field::transfer_encoding) {
      continue;
    }
    out.append(field.name_string().data(), field.name_string().size());
    out += ": ";
    out.append(field.value().data(), field.value().size());
    out += "\r\n";
  }
  out += "Transfer-Encoding: chunked\r\n\r\n";
  return out;
}

std::string encode_chunk(const std::string& data) {
  char size[32];
  std::snprintf(size, sizeof size, "%zx\r\n", data.size());
  return std::string(size) + data + "\r\n";
}

}  // namespace

struct HttpServer::State : std::enable_shared_from_this<HttpServer::State> {
  State(net::io_context& io_context, HttpHandler h, HttpServerOptions o,
        std::shared_ptr<net::ssl::context> t)
      : io(io_context),
        handler(std::move(h)),
        options(std::move(o)),
        tls(std::move(t)),
        acceptor(io_context) {}

  net::io_context& io;
  HttpHandler handler;
  HttpServerOptions options;
  std::shared_ptr<net::ssl::context> tls;
  tcp::acceptor acceptor;
  bool stopped = false;
  std::list<std::weak_ptr<SessionBase>> sessions;

  void accept();
  void track(const std::shared_ptr<SessionBase>& session) {
    sessions.remove_if([](const auto& weak) { return weak.expired(); });
    sessions.push_back(session);
  }
};

namespace {

template <class Stream>
class Session : public SessionBase, public std::enable_shared_from_this<Session<Stream>> {
 public:
  Session(std::shared_ptr<HttpServer::State> server, Stream stream)
      : server_(std::move(server)),
        stream_(std::move(stream)),
        stall_timer_(beast::get_lowest_layer(stream_).get_executor()) {}

  void start() {
    if constexpr (std::is_same_v<Stream, beast::ssl_stream<beast::tcp_stream>>) {
      beast::get_lowest_layer(stream_).expires_after(server_->options.idle_timeout);
      stream_.async_handshake(net::ssl::stream_base::server,
                              [self = this->shared_from_this()](beast::error_code ec) {
                                if (ec) return self->shutdown();
                                self->read_request();
                              });
    } else {
      read_request();
    }
  }

  void shutdown() override {
    if (closed_) return;
    closed_ = true;
    beast::error_code ignored;
    auto& socket = beast::get_lowest_layer(stream_).socket();
    socket.shutdown(tcp::socket::shutdown_both, ignored);
    socket.close(ignored);
    if (streaming_ && on_peer_closed_) {
      auto callback = std::move(on_peer_closed_);
      on_peer_closed_ = nullptr;
      if (!closed_by_us_) callback();
    }
  }

  // --- called by the exchange ---
  void respond(const HttpRequest& request, HttpResponse response) {
    if (closed_) return;
    response.version(11);
    if (!response.count(http::field::server)) {
      response.set(http::field::server, server_->options.server_name);
    }
    const bool keep_alive = request.keep_alive() && response.keep_alive();
    response.keep_alive(keep_alive);
    response.prepare_payload();
    auto owned = std::make_shared<HttpResponse>(std::move(response));
    beast::get_lowest_layer(stream_).expires_after(server_->options.write_timeout);
    http::async_write(
        stream_, *owned,
        [self = this->shared_from_this(), owned, keep_alive](beast::error_code ec, std::size_t) {
          if (ec || !keep_alive) return self->shutdown();
          self->read_request();
        });
  }

  void start_stream(const HttpResponse& head) {
    streaming_ = true;
    beast::get_lowest_layer(stream_).expires_never();
    enqueue(serialize_head(head));
    watch_peer();
  }

  void enqueue(std::string bytes) {
    if (closed_ || stream_finished_) return;
    outbox_.push_back(std::move(bytes));
    if (!writing_) write_next();
  }

  void finish_stream() {
    if (closed_ || stream_finished_) return;
    closed_by_us_ = true;
    outbox_.push_back("0\r\n\r\n");
    stream_finished_ = true;
    if (!writing_) write_next();
  }

  void set_on_peer_closed(std::function<void()> callback) { on_peer_closed_ = std::move(callback); }
  bool stream_open() const { return !closed_ && !stream_finished_; }
  void drop_unanswered() {
    // The handler gave up on the request without an answer: the peer sees the connection close.
    shutdown();
  }

 private:
  // Two clocks: idle_timeout while no byte of the next request has come, then request_timeout
  // (an absolute deadline, not per read) for the whole request, so trickling bytes buys nothing.
  void read_request() {
    if (closed_) return;
    parser_.emplace();
    parser_->header_limit(static_cast<std::uint32_t>(server_->options.header_limit));
    parser_->body_limit(server_->options.body_limit);
    if (buffer_.size() > 0) return read_message();  // pipelined: the request has begun
    beast::get_lowest_layer(stream_).expires_after(server_->options.idle_timeout);
    stream_.async_read_some(buffer_.prepare(kFirstRead),
                            [self = this->shared_from_this()](beast::error_code ec, std::size_t n) {
                              if (self->closed_) return;
                              if (ec) return self->shutdown();
                              self->buffer_.commit(n);
                              self->read_message();
                            });
  }

  void read_message() {
    beast::get_lowest_layer(stream_).expires_after(server_->options.request_timeout);
    http::async_read(stream_, buffer_, *parser_,
                     [self = this->shared_from_this()](beast::error_code ec, std::size_t) {
                       self->on_request(ec);
                     });
  }

  static constexpr std::size_t kFirstRead = 4096;

  void on_request(beast::error_code ec);

  void watch_peer() {
    // A subscriber never sends anything after its request; any read completion means it left
    // (or broke the protocol), which ends the stream.
    stream_.async_read_some(net::buffer(scratch_),
                            [self = this->shared_from_this()](beast::error_code ec, std::size_t) {
                              if (!ec && !self->closed_) return self->watch_peer();
                              self->shutdown();
                            });
  }

  void write_next() {
    if (closed_ || outbox_.empty()) {
      writing_ = false;
      return;
    }
    writing_ = true;
    auto bytes = std::make_shared<std::string>(std::move(outbox_.front()));
    outbox_.pop_front();
    // Not the stream's own timer: on a streaming connection it would also time out the read that
    // watches for the peer leaving, and drop a healthy stream every write_timeout.
    stall_timer_.expires_after(server_->options.write_timeout);
    stall_timer_.async_wait([self = this->shared_from_this()](beast::error_code ec) {
      if (!ec && self->writing_) self->shutdown();  // the peer stopped reading
    });
    net::async_write(stream_, net::buffer(*bytes),
                     [self = this->shared_from_this(), bytes](beast::error_code ec, std::size_t) {
                       self->stall_timer_.cancel();
                       if (self->closed_) return;
                       if (ec) return self->shutdown();
                       if (self->outbox_.empty()) {
                         self->writing_ = false;
                         if (self->stream_finished_) self->shutdown();
                         return;
                       }
                       self->write_next();
                     });
  }

  std::shared_ptr<HttpServer::State> server_;
  Stream stream_;
  beast::flat_buffer buffer_;
  std::optional<http::request_parser<http::string_body>> parser_;
  std::deque<std::string> outbox_;
  std::array<char, 512> scratch_{};
  net::steady_timer stall_timer_;
  std::function<void()> on_peer_closed_;
  bool writing_ = false;
  bool streaming_ = false;
  bool stream_finished_ = false;
  bool closed_by_us_ = false;
  bool closed_ = false;
};

template <class Stream>
class StreamSinkImpl final : public ChunkSink {
 public:
  explicit StreamSinkImpl(std::weak_ptr<Session<Stream>> session) : session_(std::move(session)) {}
  void write_chunk(std::string data) override {
    if (data.empty()) return;
    if (auto s = session_.lock()) s->enqueue(encode_chunk(data));
  }
  void close() override {
    if (auto s = session_.lock()) s->finish_stream();
  }
  bool is_open() const override {
    auto s = session_.lock();
    return s && s->stream_open();
  }
  void set_on_peer_closed(std::function<void()> callback) override {
    if (auto s = session_.lock()) s->set_on_peer_closed(std::move(callback));
  }

 private:
  std::weak_ptr<Session<Stream>> session_;
};

// Holds its connection alive until answered: nothing else does while a handler sits on a request
// (a delayed or hanging gateway answer).
template <class Stream>
class ExchangeImpl final : public HttpExchange {
 public:
  ExchangeImpl(std::shared_ptr<Session<Stream>> session, HttpRequest request)
      : session_(std::move(session)), request_(std::move(request)) {}
  ~ExchangeImpl() override {
    if (!answered_ && session_) session_->drop_unanswered();
  }
  const HttpRequest& request() const override { return request_; }
  void respond(HttpResponse response) override {
    if (answered_) return;
    answered_ = true;
    auto session = std::move(session_);
    session->respond(request_, std::move(response));
  }
  std::shared_ptr<ChunkSink> start_stream(HttpResponse head) override {
    answered_ = true;
    auto session = std::move(session_);
    session->start_stream(head);
    return std::make_shared<StreamSinkImpl<Stream>>(session);
  }
  bool answered() const override { return answered_; }

 private:
  std::shared_ptr<Session<Stream>> session_;
  HttpRequest request_;
  bool answered_ = false;
};

template <class Stream>
void Session<Stream>::on_request(beast::error_code ec) {
  if (closed_) return;
  if (ec == http::error::body_limit || ec == http::error::header_limit) {
    HttpRequest dummy;
    dummy.keep_alive(false);
    HttpResponse too_large(ec == http::error::body_limit
                               ? http::status::payload_too_large
                               : http::status::request_header_fields_too_large,
                           11);
    too_large.set(http::field::content_type, "text/plain");
    too_large.body() = ec.message() + "\n";
    return respond(dummy, std::move(too_large));
  }
  if (ec) return shutdown();
  // While the handler works (possibly holding the exchange for a simulated hang) no timer runs.
  beast::get_lowest_layer(stream_).expires_never();
  auto exchange =
      std::make_shared<ExchangeImpl<Stream>>(this->shared_from_this(), parser_->release());
  try {
    server_->handler(exchange);
  } catch (...) {
    // This is the edge exceptions stop at: one failed request must not end the io thread and
    // with it every other connection. What was thrown is not sent: it may name internals.
    if (!exchange->answered()) {
      HttpResponse failed(http::status::internal_server_error, 11);
      failed.set(http::field::content_type, "text/plain");
      failed.body() = "internal error\n";
      exchange->respond(std::move(failed));
    }
  }
}

}  // namespace

void HttpServer::State::accept() {
  acceptor.async_accept(
      net::make_strand(io), [self = shared_from_this()](beast::error_code ec, tcp::socket socket) {
        if (self->stopped) return;
        if (!ec) {
          socket.set_option(tcp::no_delay(true), ec);
          if (self->tls) {
            using TlsStream = beast::ssl_stream<beast::tcp_stream>;
            auto session = std::make_shared<Session<TlsStream>>(
                self, TlsStream(beast::tcp_stream(std::move(socket)), *self->tls));
            self->track(session);
            session->start();
          } else {
            auto session = std::make_shared<Session<beast::tcp_stream>>(
                self, beast::tcp_stream(std::move(socket)));
            self->track(session);
            session->start();
          }
        }
        self->accept();
      });
}

HttpServer::HttpServer(net::io_context& io, HttpHandler handler, HttpServerOptions options,
                       std::shared_ptr<net::ssl::context> tls)
    : state_(std::make_shared<State>(io, std::move(handler), std::move(options), std::move(tls))) {}

HttpServer::~HttpServer() {
  stop();
}

Status HttpServer::listen(const std::string& host_port) {
  auto endpoint = parse_endpoint(host_port, state_->options.allow_non_loopback);
  if (!endpoint.ok()) return endpoint.status();
  beast::error_code ec;
  state_->acceptor.open(endpoint->protocol(), ec);
  if (!ec) state_->acceptor.set_option(net::socket_base::reuse_address(true), ec);
  if (!ec) state_->acceptor.bind(*endpoint, ec);
  if (!ec) state_->acceptor.listen(net::socket_base::max_listen_connections, ec);
  if (ec) return unavailable("cannot listen on " + host_port + ": " + ec.message());
  state_->accept();
  return Status();
}

tcp::endpoint HttpServer::local_endpoint() const {
  beast::error_code ec;
  return state_->acceptor.local_endpoint(ec);
}

std::string HttpServer::address() const {
  auto endpoint = local_endpoint();
  return endpoint.address().to_string() + ":" + std::to_string(endpoint.port());
}

void HttpServer::stop() {
  if (state_->stopped) return;
  state_->stopped = true;
  beast::error_code ignored;
  state_->acceptor.close(ignored);
  for (auto& weak : state_->sessions) {
    if (auto session = weak.lock()) session->shutdown();
  }
  state_->sessions.clear();
}

}  // namespace scaleio::http
