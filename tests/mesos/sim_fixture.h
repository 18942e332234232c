// The simulated Mesos master in-process on loopback port 0 with a ManualClock, plus a listener
// that records what a SchedulerClient reports, and bounded polling helpers. No sleeps as
// synchronisation: every wait polls a condition until a deadline.
#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <chrono>
#include <functional>
#include <future>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <string>
#include <thread>
#include <vector>

#include "adapters/mesos/scheduler_client.h"
#include "core/clock.h"
#include "eventlog/rocks_event_log.h"
#include "sim/simulator.h"
#include "tests/support/temp_dir.h"

namespace scaleio::mesos::test {

class SimMaster {
 public:
  explicit SimMaster(const std::function<void(sim::SimulatorOptions&)>& tweak = {});
  ~SimMaster();

  std::string leader() const { return addresses_["mesos"].get<std::string>(); }
  std::string standby() const { return addresses_["mesos_standby"].get<std::string>(); }

  template <class F>
  auto on_io(F f) -> decltype(f()) {
    std::packaged_task<decltype(f())()> task(std::move(f));
    auto future = task.get_future();
    boost::asio::post(io_, [&task] { task(); });
    if (future.wait_for(std::chrono::seconds(10)) != std::future_status::ready) {
      throw std::runtime_error("simulator io thread did not answer within 10 s");
    }
    return future.get();
  }
  // Moves simulated time and processes what became due.
  void advance(Clock::Duration d);
  nlohmann::json world();
  sim::MesosMaster& master() { return simulator_->master(); }

 private:
  ManualClock clock_;
  boost::asio::io_context io_;
  std::unique_ptr<sim::Simulator> simulator_;
  nlohmann::json addresses_;
  std::thread thread_;
};

// Records every listener call; thread-safe. `on_offers` may launch or decline from inside.
class RecordingListener final : public MesosListener {
 public:
  void subscribed(const std::string& framework_id) override;
  void offers(const std::vector<Offer>& offers) override;
  void rescinded(const std::string& offer_id) override;
  void status_update(const TaskStatus& status) override;
  void reconciled() override;
  void error(const std::string& message) override;
  void disconnected(const std::string& reason) override;

  std::function<void(const std::vector<Offer>&)> on_offers;

  std::vector<std::string> subscriptions() const;
  std::vector<Offer> all_offers() const;
  std::vector<TaskStatus> statuses() const;
  std::vector<std::string> errors() const;
  std::vector<std::string> disconnects() const;
  int reconciled_count() const;

 private:
  mutable std::mutex mu_;
  std::vector<std::string> subscriptions_;
  std::vector<Offer> offers_;
  std::vector<TaskStatus> statuses_;
  std::vector<std::string> errors_;
  std::vector<std::string> disconnects_;
  int reconciled_ = 0;
};

// Polls `condition` every few milliseconds until it holds or `timeout` passes; `between` runs
// between polls (e.g. advancing simulated time).
bool eventually(const std::function<bool()>& condition,
                std::chrono::milliseconds timeout = std::chrono::seconds(10),
                const std::function<void()>& between = {});

SchedulerOptions fast_options(const std::vector<std::string>& masters);

std::unique_ptr<eventlog::RocksEventLog> open_log(const testing::TempDir& dir);
std::vector<Envelope> events_of_type(const EventStore& store, const std::string& type);

}  // namespace scaleio::mesos::test
