#include "cli/operator/snapshot_keeper.h"

#include <string>
#include <utility>

namespace scaleio::operator_daemon {

namespace {

std::string joined(const std::vector<std::string>& names) {
  if (names.empty()) return "none";
  std::string out;
  for (const std::string& n : names) out += (out.empty() ? "" : ",") + n;
  return out;
}

}  // namespace

SnapshotKeeper::SnapshotKeeper(EventStore& store, reconcilers::LiveState& state,
                               std::mutex& state_mu, Logger& log, const Clock& clock,
                               SnapshotKeeperOptions options)
    : store_(store),
      state_(state),
      state_mu_(state_mu),
      log_(log),
      clock_(clock),
      options_(std::move(options)) {}

SnapshotKeeper::~SnapshotKeeper() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void SnapshotKeeper::start(const reconcilers::LiveStateLoad& load) {
  log_.info("eventlog", "loaded",
            {{"last_sequence", std::to_string(load.last_sequence)},
             {"from_snapshot", joined(load.from_snapshot)},
             {"replayed_from", std::to_string(load.replayed_from)},
             {"events_replayed", std::to_string(load.events_replayed)}});
  for (const std::string& problem : load.snapshot_problems) {
    log_.warn("eventlog", "snapshot not used: rebuilt from the log instead",
              {{"problem", problem}});
  }
  {
    std::lock_guard lock(state_mu_);
    saved_at_ = load.replayed_from;
  }
  save_if_due(options_.at_start_after_events, /*force=*/false);
  thread_ = std::thread([this] { run(); });
}

void SnapshotKeeper::stop_and_save() {
  {
    std::lock_guard lock(mu_);
    if (stopping_) return;
    stopping_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
  save_if_due(0, /*force=*/true);
}

void SnapshotKeeper::run() {
  std::unique_lock lock(mu_);
  while (!wake_.wait_for(lock, options_.check_every, [this] { return stopping_; })) {
    lock.unlock();
    save_if_due(options_.every_events, /*force=*/false);
    lock.lock();
  }
}

void SnapshotKeeper::save_if_due(uint64_t due_after, bool force) {
  std::lock_guard lock(state_mu_);
  const uint64_t end = store_.last_sequence();
  if (end <= saved_at_) return;
  if (end - saved_at_ < due_after) return;
  if (!force && retry_at_ && clock_.now() < *retry_at_) return;
  Result<uint64_t> caught = state_.catch_up();
  Status saved = caught.ok() ? state_.save_snapshots() : caught.status();
  state_.release_projections();
  if (saved.ok()) {
    saved_at_ = state_.last_sequence();
    retry_at_.reset();
    log_.info("eventlog", failing_ ? "snapshots saved again" : "snapshots saved",
              {{"sequence", std::to_string(saved_at_)}});
    failing_ = false;
    return;
  }
  retry_at_ = clock_.now() + options_.retry_after_failure;
  if (!failing_) {
    log_.warn("eventlog",
              "cannot save snapshots: not needed for correctness, but until a save works each "
              "start replays more of the log",
              {{"error", saved.to_string()}});
  }
  failing_ = true;
}

}  // namespace scaleio::operator_daemon
