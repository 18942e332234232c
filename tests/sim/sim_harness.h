#pragma once
// Runs a Simulator in-process on loopback port 0, on its own io_context thread, with a ManualClock
// the test moves. World reads and ticks are posted to the io thread, so the single-threaded world
// model is never touched from the test thread.
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <future>
#include <memory>
#include <nlohmann/json.hpp>
#include <thread>

#include "core/clock.h"
#include "raw_http_client.h"
#include "sim/simulator.h"

namespace scaleio::sim::test {

SimulatorOptions test_options(int agents = 3, uint64_t seed = 7);

class SimHarness {
 public:
  explicit SimHarness(SimulatorOptions options = test_options());
  ~SimHarness();

  std::string mesos() const { return addresses_["mesos"].get<std::string>(); }
  std::string standby() const { return addresses_["mesos_standby"].get<std::string>(); }
  std::string control() const { return addresses_["control"].get<std::string>(); }
  std::string gateway() const { return addresses_.value("gateway", std::string()); }

  // Runs `f` on the io thread and returns its result (bounded wait).
  template <class F>
  auto on_io(F f) -> decltype(f()) {
    std::packaged_task<decltype(f())()> task(std::move(f));
    auto future = task.get_future();
    boost::asio::post(io_, [&task] { task(); });
    if (future.wait_for(std::chrono::seconds(10)) != std::future_status::ready) {
      throw std::runtime_error("io thread did not answer within 10 s");
    }
    return future.get();
  }

  // Moves simulated time and processes what became due.
  void advance(Clock::Duration d);
  nlohmann::json world();
  Simulator& simulator() { return *simulator_; }
  ManualClock& clock() { return clock_; }

 private:
  ManualClock clock_;
  boost::asio::io_context io_;
  std::unique_ptr<Simulator> simulator_;
  nlohmann::json addresses_;
  std::thread thread_;
};

// A scheduler's subscription, read the way a correct client must: RecordIO across chunks.
class Subscription {
 public:
  Subscription(const std::string& mesos, const nlohmann::json& call,
               const std::map<std::string, std::string>& extra_headers = {});
  bool ok() const { return response_ && response_->status == 200; }
  const RawResponse& response() const { return *response_; }
  std::string stream_id() const { return response_->header("mesos-stream-id"); }
  // The next event, or null on timeout/close.
  nlohmann::json next_event(std::chrono::milliseconds timeout = 3s);
  // Skips events until one of `type` arrives (null if none within the timeout).
  nlohmann::json next_of_type(const std::string& type, std::chrono::milliseconds timeout = 3s);
  bool closed(std::chrono::milliseconds timeout = 3s) { return connection_.wait_closed(timeout); }
  const std::vector<std::string>& chunks() const { return chunks_; }
  RawConnection& connection() { return connection_; }
  std::string framework_id;

 private:
  RawConnection connection_;
  std::optional<RawResponse> response_;
  RecordIoReader reader_;
  std::vector<std::string> chunks_;
};

nlohmann::json subscribe_call(const std::string& name = "scaleio-test",
                              std::optional<std::string> framework_id = std::nullopt,
                              bool partition_aware = false, double failover_timeout = 3600);

// ACCEPT of `offer` launching one scaleio-node task with `arguments` (after the program name).
nlohmann::json launch_call(const std::string& framework_id, const nlohmann::json& offer,
                           const std::string& task_id, const std::vector<std::string>& arguments,
                           double cpus = 1.0, double refuse_seconds = -1);
nlohmann::json simple_call(const std::string& type, const std::string& framework_id,
                           const char* payload_key = nullptr,
                           nlohmann::json payload = nlohmann::json::object());

// POST /api/v1/scheduler with JSON, the framework's stream id.
std::optional<RawResponse> scheduler_call(const std::string& mesos, const nlohmann::json& call,
                                          const std::string& stream_id);

}  // namespace scaleio::sim::test
