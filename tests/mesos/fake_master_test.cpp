// The client against a scripted fake master speaking raw HTTP over loopback: what exactly goes on
// the wire (headers, redirects, chunk splits) where the simulator would hide it.
#include <utility>

#include <sys/socket.h>
#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <catch2/catch.hpp>
#include <fstream>

#include "core/base64.h"
#include "tests/mesos/sim_fixture.h"

using namespace scaleio;
using namespace scaleio::mesos;
using namespace scaleio::mesos::test;
using namespace std::chrono_literals;
namespace net = boost::asio;
namespace beast_http = boost::beast::http;  // not "http": that is scaleio::http here
using tcp = net::ip::tcp;

namespace {

struct Seen {
  std::string target;
  std::map<std::string, std::string> headers;
  std::string body;
};

// Accepts connections on 127.0.0.1:0; each request is handed to `handler` with the socket, which
// writes whatever answer the test scripts (blocking writes are fine: one thread per connection).
class FakeMaster {
 public:
  using Handler = std::function<void(const Seen&, tcp::socket&)>;
  explicit FakeMaster(Handler handler)
      : handler_(std::move(handler)),
        acceptor_(io_, tcp::endpoint(net::ip::make_address("127.0.0.1"), 0)) {
    accept_thread_ = std::thread([this] { accept_loop(); });
  }
  ~FakeMaster() {
    stopping_ = true;
    // shutdown() (unlike close()) wakes a thread blocked in accept() or read() on Linux.
    ::shutdown(acceptor_.native_handle(), SHUT_RDWR);
    {
      std::lock_guard lock(mu_);
      for (auto& s : sockets_) ::shutdown(s->native_handle(), SHUT_RDWR);
    }
    accept_thread_.join();
    for (auto& t : connection_threads_) t.join();
    boost::system::error_code ec;
    acceptor_.close(ec);
  }
  std::string address() const {
    return "127.0.0.1:" + std::to_string(acceptor_.local_endpoint().port());
  }
  std::vector<Seen> seen() const {
    std::lock_guard lock(mu_);
    return seen_;
  }
  bool stopping() const { return stopping_.load(); }

 private:
  void accept_loop() {
    while (!stopping_) {
      auto socket = std::make_shared<tcp::socket>(io_);
      boost::system::error_code ec;
      acceptor_.accept(*socket, ec);
      if (ec) return;
      std::lock_guard lock(mu_);
      sockets_.push_back(socket);
      connection_threads_.emplace_back([this, socket] { serve(*socket); });
    }
  }
  void serve(tcp::socket& socket) {
    boost::beast::flat_buffer buffer;
    while (!stopping_) {
      beast_http::request<beast_http::string_body> request;
      boost::system::error_code ec;
      beast_http::read(socket, buffer, request, ec);
      if (ec) return;
      Seen seen{std::string(request.target()), {}, request.body()};
      for (const auto& field : request) {
        seen.headers[std::string(field.name_string())] = std::string(field.value());
      }
      {
        std::lock_guard lock(mu_);
        seen_.push_back(seen);
      }
      handler_(seen, socket);
    }
  }

  Handler handler_;
  net::io_context io_;
  tcp::acceptor acceptor_;
  std::atomic<bool> stopping_{false};
  mutable std::mutex mu_;
  std::vector<Seen> seen_;
  std::vector<std::shared_ptr<tcp::socket>> sockets_;
  std::thread accept_thread_;
  std::vector<std::thread> connection_threads_;
};

void write_raw(tcp::socket& socket, const std::string& bytes) {
  boost::system::error_code ec;
  net::write(socket, net::buffer(bytes), ec);
}

void respond(tcp::socket& socket, int status, const std::string& extra_headers = "",
             const std::string& body = "") {
  write_raw(socket, "HTTP/1.1 " + std::to_string(status) + " X\r\nContent-Length: " +
                        std::to_string(body.size()) + "\r\n" + extra_headers + "\r\n" + body);
}

std::string record(const nlohmann::json& event) {
  const std::string text = event.dump();
  return std::to_string(text.size()) + "\n" + text;
}

std::string chunk(const std::string& data) {
  char size[32];
  std::snprintf(size, sizeof size, "%zx\r\n", data.size());
  return size + data + "\r\n";
}

}  // namespace

TEST_CASE(
    "wire: redirect with a scheme-less Location, basic auth on every request, no stream id "
    "on SUBSCRIBE, records split inside their length, calls on another connection with "
    "the stream id",
    "[client][wire]") {
  std::atomic<int> subscribe_connections{0};
  FakeMaster leader([&](const Seen& seen, tcp::socket& socket) {
    auto call = nlohmann::json::parse(seen.body, nullptr, false);
    if (seen.target == "/api/v1") return respond(socket, 503, "", "recovering");
    if (call.value("type", "") != "SUBSCRIBE") return respond(socket, 202);
    ++subscribe_connections;
    write_raw(socket,
              "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nMesos-Stream-Id: "
              "stream-1\r\nTransfer-Encoding: chunked\r\n\r\n");
    const std::string wire =
        record({{"type", "SUBSCRIBED"},
                {"subscribed",
                 {{"framework_id", {{"value", "fw-1"}}}, {"heartbeat_interval_seconds", 15}}}}) +
        record({{"type", "HEARTBEAT"}}) +
        record({{"type", "OFFERS"},
                {"offers",
                 {{"offers",
                   {{{"id", {{"value", "O1"}}},
                     {"framework_id", {{"value", "fw-1"}}},
                     {"agent_id", {{"value", "S1"}}},
                     {"hostname", "node-01"},
                     {"resources", nlohmann::json::array()}}}}}}});
    // Split one byte into the first length, in the middle of a record, and in a later length.
    const size_t cuts[] = {1, 40, wire.size() - 200, wire.size()};
    size_t from = 0;
    for (size_t cut : cuts) {
      if (cut <= from) continue;
      write_raw(socket, chunk(wire.substr(from, cut - from)));
      from = cut;
    }
    // Keep the stream open (heartbeats would follow) until the fake shuts down.
    char byte;
    boost::system::error_code ec;
    socket.read_some(net::buffer(&byte, 1), ec);
  });
  FakeMaster standby([&](const Seen&, tcp::socket& socket) {
    respond(socket, 307, "Location: //" + leader.address() + "/api/v1/scheduler\r\n");
  });

  testing::TempDir dir;
  std::ofstream(dir.sub("secret")) << "s3cret\n";
  auto log = open_log(dir);
  RecordingListener listener;
  SchedulerOptions options = fast_options({standby.address()});
  options.framework.principal = "scaleio";
  options.secret_file = dir.sub("secret");
  options.decline_refuse_seconds = 42;
  SchedulerClient client(*log, listener, options);
  REQUIRE(client.start().ok());
  REQUIRE(eventually([&] { return client.subscribed(); }));
  CHECK(client.framework_id() == "fw-1");
  CHECK(client.leader() == leader.address());
  REQUIRE(eventually([&] { return listener.all_offers().size() == 1; }));

  const std::string basic = "Basic " + base64_encode("scaleio:s3cret");
  // The unused offer is declined on a separate connection, with the stream id and the filter.
  std::optional<Seen> decline;
  REQUIRE(eventually([&] {
    for (const auto& s : leader.seen()) {
      if (s.body.find("DECLINE") != std::string::npos) decline = s;
    }
    return decline.has_value();
  }));
  CHECK(decline->headers["Mesos-Stream-Id"] == "stream-1");
  CHECK(decline->headers["Authorization"] == basic);
  CHECK(decline->headers["Content-Type"] == "application/json");
  auto body = nlohmann::json::parse(decline->body);
  CHECK(body["framework_id"] == nlohmann::json{{"value", "fw-1"}});
  CHECK(body["decline"]["offer_ids"][0]["value"] == "O1");
  CHECK(body["decline"]["filters"]["refuse_seconds"] == 42.0);
  CHECK(subscribe_connections == 1);

  const auto redirected = standby.seen();
  REQUIRE(redirected.size() >= 1);
  CHECK(redirected[0].headers.at("Authorization") == basic);
  for (const auto& s : leader.seen()) {
    CHECK(s.headers.at("Authorization") == basic);
    if (s.body.find("\"SUBSCRIBE\"") != std::string::npos) {
      CHECK(s.headers.count("Mesos-Stream-Id") == 0);
      CHECK(s.headers.at("Accept") == "application/json");
    }
  }
  client.stop();
}

TEST_CASE("wire: 503 and 404 on SUBSCRIBE are transient and retried with backoff",
          "[client][wire]") {
  std::atomic<int> attempts{0};
  FakeMaster master([&](const Seen& seen, tcp::socket& socket) {
    if (seen.target == "/api/v1") return respond(socket, 503);
    const int n = ++attempts;
    if (n == 1) return respond(socket, 503, "", "no leader");
    if (n == 2) return respond(socket, 404);
    write_raw(socket,
              "HTTP/1.1 200 OK\r\nMesos-Stream-Id: s\r\nTransfer-Encoding: chunked\r\n\r\n" +
                  chunk(record({{"type", "SUBSCRIBED"},
                                {"subscribed", {{"framework_id", {{"value", "fw"}}}}}})));
    char byte;
    boost::system::error_code ec;
    socket.read_some(net::buffer(&byte, 1), ec);
  });
  testing::TempDir dir;
  auto log = open_log(dir);
  RecordingListener listener;
  SchedulerClient client(*log, listener, fast_options({master.address()}));
  REQUIRE(client.start().ok());
  REQUIRE(eventually([&] { return client.subscribed(); }));
  CHECK(attempts == 3);
  CHECK(listener.errors().empty());  // expected during elections: not an operator-facing error
  client.stop();
}

TEST_CASE("wire: a broken RecordIO frame drops the stream and resubscribes", "[client][wire]") {
  std::atomic<int> attempts{0};
  FakeMaster master([&](const Seen& seen, tcp::socket& socket) {
    if (seen.target == "/api/v1") return respond(socket, 503);
    auto call = nlohmann::json::parse(seen.body, nullptr, false);
    if (call.value("type", "") != "SUBSCRIBE") return respond(socket, 202);
    const int n = ++attempts;
    std::string payload =
        record({{"type", "SUBSCRIBED"}, {"subscribed", {{"framework_id", {{"value", "fw"}}}}}});
    if (n == 1) payload += "12x\n{}";  // garbage length
    write_raw(socket,
              "HTTP/1.1 200 OK\r\nMesos-Stream-Id: s\r\nTransfer-Encoding: chunked\r\n\r\n" +
                  chunk(payload));
    char byte;
    boost::system::error_code ec;
    socket.read_some(net::buffer(&byte, 1), ec);
  });
  testing::TempDir dir;
  auto log = open_log(dir);
  RecordingListener listener;
  SchedulerClient client(*log, listener, fast_options({master.address()}));
  REQUIRE(client.start().ok());
  REQUIRE(eventually([&] { return attempts >= 2 && client.subscribed(); }));
  REQUIRE_FALSE(listener.disconnects().empty());
  CHECK_THAT(listener.disconnects()[0], Catch::Contains("RecordIO"));
  // The second subscription re-used the id recorded from the first.
  auto registered = events_of_type(*log, "FrameworkRegistered");
  CHECK(registered.size() == 1);
  const auto seen = master.seen();
  bool resubscribed_with_id = false;
  for (const auto& s : seen) {
    auto call = nlohmann::json::parse(s.body, nullptr, false);
    if (call.value("type", "") == "SUBSCRIBE" && call.contains("framework_id")) {
      resubscribed_with_id = call["framework_id"]["value"] == "fw" &&
                             call["subscribe"]["framework_info"]["id"]["value"] == "fw";
    }
  }
  CHECK(resubscribed_with_id);
  client.stop();
}
