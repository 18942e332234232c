#include "tests/mesos/sim_fixture.h"

namespace scaleio::mesos::test {

namespace {

sim::SimulatorOptions master_options(const std::function<void(sim::SimulatorOptions&)>& tweak) {
  sim::SimulatorOptions options = sim::test::test_options(3, 7);
  options.gateway_listen = "";
  options.control_listen = "";
  if (tweak) tweak(options);
  return options;
}

}  // namespace

SimMaster::SimMaster(const std::function<void(sim::SimulatorOptions&)>& tweak)
    : SimHarness(master_options(tweak)) {}

nlohmann::json world_task(SimMaster& sim, const std::string& task_id) {
  const nlohmann::json world = sim.world();  // the loop must not run over a destroyed temporary
  for (const auto& t : world["tasks"]) {
    if (t["task_id"] == task_id) return t;
  }
  return nullptr;
}

TaskLaunch install_task(const Offer& offer, const std::string& task_id) {
  TaskLaunch task;
  task.task_id = task_id;
  task.name = "scaleio-node " + offer.hostname;
  task.agent_id = offer.agent_id;
  task.cpus = 0.5;
  task.mem_mb = 256;
  task.command = "./scaleio-node";
  task.arguments = {"./scaleio-node", "install", "--roles", "sds"};
  return task;
}

void RecordingListener::subscribed(const std::string& framework_id) {
  std::lock_guard lock(mu_);
  subscriptions_.push_back(framework_id);
}

void RecordingListener::offers(const std::vector<Offer>& offers) {
  {
    std::lock_guard lock(mu_);
    offers_.insert(offers_.end(), offers.begin(), offers.end());
  }
  if (on_offers) on_offers(offers);
}

void RecordingListener::rescinded(const std::string&) {}

void RecordingListener::status_update(const TaskStatus& status) {
  std::lock_guard lock(mu_);
  statuses_.push_back(status);
}

void RecordingListener::reconciled() {
  std::lock_guard lock(mu_);
  ++reconciled_;
}

void RecordingListener::error(const std::string& message) {
  std::lock_guard lock(mu_);
  errors_.push_back(message);
}

void RecordingListener::disconnected(const std::string& reason) {
  std::lock_guard lock(mu_);
  disconnects_.push_back(reason);
}

std::vector<std::string> RecordingListener::subscriptions() const {
  std::lock_guard lock(mu_);
  return subscriptions_;
}
std::vector<Offer> RecordingListener::all_offers() const {
  std::lock_guard lock(mu_);
  return offers_;
}
std::vector<TaskStatus> RecordingListener::statuses() const {
  std::lock_guard lock(mu_);
  return statuses_;
}
std::vector<std::string> RecordingListener::errors() const {
  std::lock_guard lock(mu_);
  return errors_;
}
std::vector<std::string> RecordingListener::disconnects() const {
  std::lock_guard lock(mu_);
  return disconnects_;
}
int RecordingListener::reconciled_count() const {
  std::lock_guard lock(mu_);
  return reconciled_;
}

bool eventually(const std::function<bool()>& condition, std::chrono::milliseconds timeout,
                const std::function<void()>& between) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    if (condition()) return true;
    if (between) between();
    std::this_thread::sleep_for(std::chrono::milliseconds(5));  // poll interval, not a sync
  }
  return condition();
}

SchedulerOptions fast_options(const std::vector<std::string>& masters) {
  SchedulerOptions options;
  options.masters = masters;
  options.framework.name = "scaleio-test";
  options.reconnect = {std::chrono::milliseconds(20), std::chrono::milliseconds(200)};
  options.reconcile = {std::chrono::milliseconds(100), std::chrono::milliseconds(400)};
  options.request_timeout = std::chrono::seconds(3);
  options.agents_poll_interval = std::chrono::milliseconds(100);
  options.random = [] { return 0.5; };
  // Default log: stderr, which ctest shows for a failing test (Catch's INFO is not thread-safe).
  return options;
}

std::unique_ptr<eventlog::RocksEventLog> open_log(const testing::TempDir& dir) {
  auto log = eventlog::RocksEventLog::open(dir.sub("log"));
  if (!log.ok()) throw std::runtime_error("cannot open the log: " + log.status().to_string());
  return std::move(log.value());
}

std::vector<Envelope> events_of_type(const EventStore& store, const std::string& type) {
  auto events = store.read_type(type, 1, 100000);
  if (!events.ok()) throw std::runtime_error(events.status().to_string());
  return std::move(events.value());
}

}  // namespace scaleio::mesos::test
