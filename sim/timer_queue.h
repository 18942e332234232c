#pragma once
// Due-time callbacks for the world model. Nothing here reads a clock or sleeps: the owner calls
// run_due(now) from its tick, so the same model runs on wall time or on a simulated clock.
#include <cstdint>
#include <functional>
#include <map>
#include <utility>

#include "core/clock.h"

namespace scaleio::sim {

class TimerQueue {
 public:
  using TimerId = uint64_t;

  TimerId schedule(Clock::TimePoint due, std::function<void()> callback) {
    TimerId id = ++last_id_;
    timers_.emplace(std::make_pair(due, id), std::move(callback));
    return id;
  }

  void cancel(TimerId id) {
    for (auto it = timers_.begin(); it != timers_.end(); ++it) {
      if (it->first.second == id) {
        timers_.erase(it);
        return;
      }
    }
  }

  // Runs every callback due at or before `now`, earliest first (ties in scheduling order),
  // including ones that callbacks schedule for a time that is already due.
  void run_due(Clock::TimePoint now) {
    while (!timers_.empty() && timers_.begin()->first.first <= now) {
      auto callback = std::move(timers_.begin()->second);
      timers_.erase(timers_.begin());
      callback();
    }
  }

  std::size_t size() const { return timers_.size(); }

 private:
  TimerId last_id_ = 0;
  std::map<std::pair<Clock::TimePoint, TimerId>, std::function<void()>> timers_;
};

}  // namespace scaleio::sim
