// Requests in flight: the tracker on its own (start/finish, concurrency, which one is oldest) and
// through the client, whose oldest_in_flight() names a request the gateway does not answer.
#include <catch2/catch.hpp>

#include <condition_variable>
#include <latch>
#include <mutex>
#include <thread>
#include <vector>

#include "adapters/scaleio/http_gateway_client.h"
#include "adapters/scaleio/in_flight_requests.h"

namespace scaleio::gateway::testing {

using namespace std::chrono_literals;

TEST_CASE("in flight: a request counts from start until its ticket ends") {
  ManualClock clock;
  InFlightRequests tracker(clock);
  CHECK_FALSE(tracker.oldest());
  CHECK(tracker.count() == 0);
  {
    auto first = tracker.start("GET", "/api/instances");
    clock.advance(3s);
    {
      auto second = tracker.start("POST", "/api/types/Volume/instances");
      clock.advance(2s);
      CHECK(tracker.count() == 2);
      auto oldest = tracker.oldest();
      REQUIRE(oldest);
      CHECK(oldest->method == "GET");
      CHECK(oldest->path == "/api/instances");
      CHECK(oldest->age == 5s);
      CHECK(oldest->started == clock.now() - 5s);
    }
    CHECK(tracker.count() == 1);
    CHECK(tracker.oldest()->path == "/api/instances");
  }
  CHECK(tracker.count() == 0);
  CHECK_FALSE(tracker.oldest());
}

TEST_CASE("in flight: the oldest is the one started first, whichever ends first") {
  ManualClock clock;
  InFlightRequests tracker(clock);
  std::optional<InFlightRequests::Ticket> a(tracker.start("GET", "/a"));
  clock.advance(1s);
  std::optional<InFlightRequests::Ticket> b(tracker.start("GET", "/b"));
  clock.advance(1s);
  std::optional<InFlightRequests::Ticket> c(tracker.start("GET", "/c"));
  b.reset();  // the middle one ends: the first is still the oldest
  CHECK(tracker.oldest()->path == "/a");
  a.reset();
  CHECK(tracker.oldest()->path == "/c");
  CHECK(tracker.oldest()->age == 0s);
  // A moved ticket ends once, when its last owner goes.
  auto moved = std::move(*c);
  c.reset();
  CHECK(tracker.count() == 1);
}

TEST_CASE("in flight: concurrent requests are each counted and all end") {
  ManualClock clock;
  InFlightRequests tracker(clock);
  constexpr int kThreads = 8;
  std::latch started(kThreads);
  std::latch release(1);
  std::vector<std::thread> threads;
  for (int i = 0; i < kThreads; ++i) {
    threads.emplace_back([&, i] {
      auto held = tracker.start("GET", "/held/" + std::to_string(i));
      started.count_down();
      // Short requests churn beside the held ones while the main thread reads.
      for (int n = 0; n < 2000; ++n) {
        auto brief = tracker.start("POST", "/brief");
      }
      release.wait();
    });
  }
  started.wait();
  for (int n = 0; n < 2000; ++n) {
    auto oldest = tracker.oldest();
    REQUIRE(oldest);
    REQUIRE(oldest->path.starts_with("/held/"));
    REQUIRE(tracker.count() >= kThreads);
  }
  release.count_down();
  for (auto& t : threads) t.join();
  CHECK(tracker.count() == 0);
  CHECK_FALSE(tracker.oldest());
}

namespace {

// A gateway that answers nothing until released: the login or the request itself hangs.
class StallingTransport final : public HttpTransport {
 public:
  explicit StallingTransport(bool stall_login) : stall_login_(stall_login) {}
  Result<HttpReply> round_trip(const HttpRequestMessage& request, std::chrono::milliseconds,
                               bool) override {
    const bool login = std::string(request.target()).ends_with("/login");
    if (login && !stall_login_) return HttpReply{200, "\"token-7f3a\""};
    std::unique_lock lock(mu_);
    ++stalled_;
    changed_.notify_all();
    changed_.wait(lock, [&] { return released_; });
    return login ? HttpReply{200, "\"token-7f3a\""} : HttpReply{200, "\"2.0.14000\""};
  }
  void close() override {}
  int connections_opened() const override { return 1; }

  bool wait_stalled(int n, std::chrono::milliseconds deadline) {
    std::unique_lock lock(mu_);
    return changed_.wait_for(lock, deadline, [&] { return stalled_ >= n; });
  }
  void release() {
    std::lock_guard lock(mu_);
    released_ = true;
    changed_.notify_all();
  }

 private:
  const bool stall_login_;
  std::mutex mu_;
  std::condition_variable changed_;
  int stalled_ = 0;
  bool released_ = false;
};

struct StalledClient {
  explicit StalledClient(bool stall_login) {
    auto owned = std::make_unique<StallingTransport>(stall_login);
    transport = owned.get();
    GatewayClientOptions options;
    options.url = parse_gateway_url("https://127.0.0.1:8443").value();
    options.credentials = {"admin", Password("pw-do-not-show-91c2")};
    options.clock = &clock;
    client = HttpGatewayClient::create_with_transport(options, std::move(owned)).value();
  }
  ManualClock clock;
  StallingTransport* transport = nullptr;
  std::unique_ptr<HttpGatewayClient> client;
};

}  // namespace

TEST_CASE("in flight: the client names the request the gateway does not answer") {
  const bool stall_login = GENERATE(false, true);
  INFO("the stalled step is " << (stall_login ? "the login" : "the request"));
  StalledClient c(stall_login);
  CHECK_FALSE(c.client->oldest_in_flight());

  Result<std::string> first = unavailable("not answered");
  Result<std::string> queued = unavailable("not answered");
  std::thread caller([&] { first = c.client->version(); });
  REQUIRE(c.transport->wait_stalled(1, 10s));
  c.clock.advance(12s);
  // A second call waits behind the stalled one on the single connection: it counts too, and the
  // stalled one stays the oldest.
  std::thread behind([&] { queued = c.client->version(); });
  const auto deadline = std::chrono::steady_clock::now() + 10s;
  while (c.client->session().requests_in_flight() < 2 &&
         std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(1ms);  // no event to await: the second call is inside the client
  }
  CHECK(c.client->session().requests_in_flight() == 2);
  auto oldest = c.client->oldest_in_flight();
  REQUIRE(oldest);
  CHECK(oldest->method == "GET");
  // The caller's request, also while the login before it hangs (never /login, which carries the
  // password).
  CHECK(oldest->path == "/api/version");
  CHECK(oldest->age == 12s);
  CHECK(oldest->path.find("pw-do-not-show") == std::string::npos);

  c.transport->release();
  caller.join();
  behind.join();
  CHECK(first.ok());
  CHECK(queued.ok());
  CHECK_FALSE(c.client->oldest_in_flight());
}

}  // namespace scaleio::gateway::testing
