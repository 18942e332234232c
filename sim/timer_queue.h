#pragma once
// Due-time callbacks for the world model. Nothing here reads a clock or sleeps: the owner calls
// run_due(now) from its tick, so the same model runs on wall time or on a simulated clock.
#include <cstdint>
#include <functional>
#include <map>
#include <unordered_map>
#include <utility>

#include "core/clock.h"

namespace scaleio::sim {

class TimerQueue {
 public:
  using TimerId = uint64_t;

  TimerId schedule(Clock::TimePoint due, std::function<void()> callback) {
    TimerId id = ++last_id_;
    timers_.emplace(std::make_pair(due, id), std::move(callback));
    due_by_id_.emplace(id, due);
    return id;
  }

  // By lookup, not by scanning: thousands of tasks each hold a pending timer.
  void cancel(TimerId id) {
    auto due = due_by_id_.find(id);
    if (due == due_by_id_.end()) return;
    timers_.erase(std::make_pair(due->second, id));
    due_by_id_.erase(due);
  }

  // Runs every callback due at or before `now`, earliest first (ties in scheduling order),
  // including ones that callbacks schedule for a time that is already due.
  void run_due(Clock::TimePoint now) {
    while (!timers_.empty() && timers_.begin()->first.first <= now) {
      auto callback = std::move(timers_.begin()->second);
      due_by_id_.erase(timers_.begin()->first.second);
      timers_.erase(timers_.begin());
      callback();
    }
  }

  std::size_t size() const { return timers_.size(); }

 private:
  TimerId last_id_ = 0;
  std::map<std::pair<Clock::TimePoint, TimerId>, std::function<void()>> timers_;
  std::unordered_map<TimerId, Clock::TimePoint> due_by_id_;
};

}  // namespace scaleio::sim
