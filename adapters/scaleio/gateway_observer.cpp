#include "adapters/scaleio/gateway_observer.h"

#include "core/observed/observation_diff.h"

namespace scaleio::gateway {

GatewayObserver::GatewayObserver(GatewayClient& client, EventStore& store, ObserverOptions options)
    : client_(client), store_(store), options_(std::move(options)) {}

GatewayObserver::~GatewayObserver() {
  stop();
}

namespace {

bool same_inventory(const sio::Inventory& a, const sio::Inventory& b) {
  return a.system == b.system && a.protection_domains == b.protection_domains &&
         a.fault_sets == b.fault_sets && a.storage_pools == b.storage_pools && a.sdss == b.sdss &&
         a.devices == b.devices && a.sdcs == b.sdcs && a.volumes == b.volumes;
}

}  // namespace

Status GatewayObserver::load() {
  std::lock_guard poll_lock(poll_mu_);
  std::lock_guard lock(mu_);
  last_inventory_.reset();
  auto loaded = load_projection(store_, projection_);
  return loaded.ok() ? Status() : loaded.status();
}

uint64_t GatewayObserver::unchanged_polls() const {
  std::lock_guard poll_lock(poll_mu_);
  return unchanged_polls_;
}

observed::ObservedState GatewayObserver::state() const {
  std::lock_guard lock(mu_);
  return projection_.state();
}

Result<size_t> GatewayObserver::append(std::vector<events::Envelope> events) {
  if (events.empty()) return size_t{0};
  for (auto& e : events) e.set_source(events::SOURCE_OBSERVER);
  // One atomic append per poll: a poll's changes land together or not at all.
  auto appended = store_.append(options_.stream, ExpectedVersion::any(), events);
  if (!appended.ok()) return appended.status();
  std::lock_guard lock(mu_);
  uint64_t sequence = appended->first_sequence;
  for (auto& e : events) {
    e.set_sequence(sequence++);
    projection_.apply(e);
  }
  return events.size();
}

Result<PollResult> GatewayObserver::poll_once() {
  std::lock_guard poll_lock(poll_mu_);
  // projection_ changes only under poll_mu_, which this poll holds: read it in place (a copy
  // of the whole observed state per poll was a tenth of the observer's cost).
  const observed::ObservedState& before = projection_.state();
  PollResult result;

  auto inventory = client_.query_instances();
  if (inventory.ok()) {
    std::map<std::string, sio::PoolStatistics> capacity;
    if (options_.read_capacity && !inventory->storage_pools.empty()) {
      // A failed statistics read keeps the capacity already known; it is not an outage.
      auto stats = client_.pool_statistics({});
      if (stats.ok()) capacity = std::move(stats).value();
    }
    if (before.reachable && last_inventory_ && capacity == last_capacity_ &&
        same_inventory(*inventory, *last_inventory_)) {
      ++unchanged_polls_;
      result.reachable = true;
      return result;
    }
    auto changes = observed::observation_changes(before, *inventory, capacity);
    if (!before.reachable) {
      events::Envelope back;
      back.mutable_gateway_reachable()->set_gateway(options_.gateway);
      if (auto version = client_.version(); version.ok()) {
        back.mutable_gateway_reachable()->set_version(*version);
      }
      changes.insert(changes.begin(), std::move(back));
    }
    auto appended = append(std::move(changes));
    if (!appended.ok()) {
      last_inventory_.reset();  // the log does not hold this listing: compare the next in full
      return appended.status();
    }
    last_inventory_ = std::move(inventory).value();
    last_capacity_ = std::move(capacity);
    result.reachable = true;
    result.events_appended = *appended;
    return result;
  }

  result.error = inventory.status();
  last_inventory_.reset();
  // Once per outage: an outage already recorded (stale_since set) appends nothing more.
  if (before.stale_since == 0) {
    events::Envelope down;
    auto* u = down.mutable_gateway_unreachable();
    u->set_gateway(options_.gateway);
    u->set_error(inventory.status().message());
    u->set_code(std::string(status_code_name(inventory.status().code())));
    auto appended = append({std::move(down)});
    if (!appended.ok()) return appended.status();
    result.events_appended = *appended;
  }
  return result;
}

void GatewayObserver::start() {
  std::lock_guard lock(loop_mu_);
  if (thread_.joinable()) return;
  stopping_ = false;
  thread_ = std::thread([this] { loop(); });
}

void GatewayObserver::poke() {
  std::lock_guard lock(loop_mu_);
  poked_ = true;
  wake_.notify_all();
}

void GatewayObserver::stop() {
  {
    std::lock_guard lock(loop_mu_);
    stopping_ = true;
    wake_.notify_all();
  }
  if (thread_.joinable()) thread_.join();
}

void GatewayObserver::loop() {
  while (true) {
    (void)poll_once();  // gateway failures are events; a log failure is retried next period
    std::unique_lock lock(loop_mu_);
    wake_.wait_for(lock, options_.period, [this] { return stopping_ || poked_; });
    if (stopping_) return;
    poked_ = false;
  }
}

}  // namespace scaleio::gateway
