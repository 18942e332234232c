// Saves the API state's projection snapshots now and then, and once at a clean stop, so that a
// restart replays only the log's tail. Without them every start replayed the whole log (14 s at
// 5,000,000 events), and the daemon answers health checks only once started.
// Snapshots only make start-up fast: a save that fails (a full disk) is logged once and tried
// again later, never fatal. The keeper touches only the API's LiveState, under the lock the API
// takes for it; the reconciler loops own their states and never wait for it.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <optional>
#include <thread>

#include "cli/operator/logger.h"
#include "core/clock.h"
#include "core/event_store.h"
#include "reconcilers/runtime/live_state.h"

namespace scaleio::operator_daemon {

// A restart then replays at most about this many events: under a second at the one-scan load's
// measured rate over the real event mix (48 k events/s on a busy machine, far more on a quiet
// one). Each save serialises the whole state once (small next to 50,000 events' replay), so much
// more often would cost more than it saves.
inline constexpr uint64_t kSnapshotEveryEvents = 50'000;

struct SnapshotKeeperOptions {
  uint64_t every_events = kSnapshotEveryEvents;
  // At start-up a lower bar: each of the four reconciler loops loads its own state right after
  // the API's, so a replay left unsaved is done four times more; a save costs milliseconds.
  uint64_t at_start_after_events = kSnapshotEveryEvents / 10;
  // Checking is one read of the log's last sequence; saving happens only every_events.
  std::chrono::milliseconds check_every{std::chrono::seconds(5)};
  // After a failed save (a full disk), do not serialise the state every check.
  Clock::Duration retry_after_failure = std::chrono::minutes(1);
};

class SnapshotKeeper {
 public:
  // `state` is the API's LiveState, guarded by `state_mu` (Daemon::with_state holds it too).
  SnapshotKeeper(EventStore& store, reconcilers::LiveState& state, std::mutex& state_mu,
                 Logger& log, const Clock& clock, SnapshotKeeperOptions options = {});
  ~SnapshotKeeper();
  SnapshotKeeper(const SnapshotKeeper&) = delete;
  SnapshotKeeper& operator=(const SnapshotKeeper&) = delete;

  // After the state's first load: logs what the load did ("eventlog loaded"), saves at once when
  // it replayed more than at_start_after_events (so the reconciler loops, which load their own
  // states right after, start from these snapshots instead of replaying it again), then checks
  // in the background.
  void start(const reconcilers::LiveStateLoad& load);
  // Stops checking, then saves when anything was appended since the last save: after a clean
  // stop the next start replays nothing. Call once the reconcilers, observers and API have
  // stopped appending. Idempotent.
  void stop_and_save();

 private:
  // Catches the state up and saves when at least `due_after` events (and one) were appended since
  // the last save; `force` also tries during the wait after a failure (the last chance at a stop).
  void save_if_due(uint64_t due_after, bool force);
  void run();

  EventStore& store_;
  reconcilers::LiveState& state_;
  std::mutex& state_mu_;
  Logger& log_;
  const Clock& clock_;
  const SnapshotKeeperOptions options_;

  // Guarded by state_mu_.
  uint64_t saved_at_ = 0;  // every projection has a snapshot at or after this sequence
  bool failing_ = false;
  std::optional<Clock::TimePoint> retry_at_;

  std::mutex mu_;
  std::condition_variable wake_;
  bool stopping_ = false;  // guarded by mu_
  std::thread thread_;
};

}  // namespace scaleio::operator_daemon
