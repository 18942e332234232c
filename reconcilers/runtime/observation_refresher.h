// Fresh observation for every loop at the cost of one poll per wave of passes.
//
// A pass that acted must not act again on an observation that may predate its actions, so before
// its next pass it needs an observation that STARTED after them (one already under way may have
// read the gateway before the change). Any such observation serves every loop that acted before
// it started: a loop takes a ticket when its pass ends, and refresh(ticket) polls only when no
// observation fresh for that ticket has completed. Loops that acted while a poll was under way
// (threads) or one after another (the deterministic runtime) share the next poll instead of
// polling once each: the gateway's full listing (GET /api/instances) and its parse are the
// operator's largest cost at scale (docs/performance.md, "Profile").
//
// Thread-safe: the ThreadedRuntime's loops call it from their own threads.
#pragma once

#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <mutex>

#include "core/status.h"

namespace scaleio::reconcilers {

class ObservationRefresher {
 public:
  using Ticket = uint64_t;

  // `poll` observes once and returns once its events are in the log (RuntimeOptions::
  // refresh_observation); null = there is nothing to refresh and refresh() succeeds at once.
  explicit ObservationRefresher(std::function<Status()> poll);
  ObservationRefresher(const ObservationRefresher&) = delete;
  ObservationRefresher& operator=(const ObservationRefresher&) = delete;

  // What the caller did before this call is seen by any observation that starts after it.
  Ticket ticket();
  // Returns once an observation fresh for `ticket` has completed: at once when one has; else it
  // waits for the one under way if that one started after the ticket; else it polls (loops that
  // ask meanwhile wait for this poll). An error is the failed poll's: the caller's actions may
  // not be observed yet, so it asks again with the same ticket.
  Status refresh(Ticket ticket);

  // Polls started so far, and callers waiting for one (for tests and benchmarks).
  uint64_t polls() const;
  size_t waiting() const;

 private:
  const std::function<Status()> poll_;
  mutable std::mutex mu_;
  std::condition_variable done_;
  uint64_t started_ = 0;    // number of the latest poll started
  bool in_flight_ = false;  // poll number started_ is under way
  size_t waiting_ = 0;
  uint64_t fresh_up_to_ = 0;  // the latest poll that completed successfully
  uint64_t failed_ = 0;       // the latest poll that failed, with its error
  Status failure_;
};

}  // namespace scaleio::reconcilers
