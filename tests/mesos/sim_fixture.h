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
#include "tests/sim/sim_harness.h"
#include "tests/support/temp_dir.h"

namespace scaleio::mesos::test {

// The sim tests' harness with only the two Mesos endpoints (no gateway, no control API).
class SimMaster : public sim::test::SimHarness {
 public:
  explicit SimMaster(const std::function<void(sim::SimulatorOptions&)>& tweak = {});

  std::string leader() const { return mesos(); }
  sim::MesosMaster& master() { return simulator().master(); }
};

// The simulated master's view of one task (null when it has none).
nlohmann::json world_task(SimMaster& sim, const std::string& task_id);
// A long-running `scaleio-node install --roles sds` task on `offer`.
TaskLaunch install_task(const Offer& offer, const std::string& task_id);

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
