#include "reconcilers/runtime/observation_refresher.h"

namespace scaleio::reconcilers {

ObservationRefresher::ObservationRefresher(std::function<Status()> poll) : poll_(std::move(poll)) {}

ObservationRefresher::Ticket ObservationRefresher::ticket() {
  std::lock_guard lock(mu_);
  // The poll under way (if any) may have read the gateway before the caller's change.
  return started_ + 1;
}

Status ObservationRefresher::refresh(Ticket ticket) {
  if (!poll_) return Status();
  std::unique_lock lock(mu_);
  for (;;) {
    if (fresh_up_to_ >= ticket) return Status();
    if (!in_flight_) break;
    const uint64_t awaited = started_;
    ++waiting_;
    done_.wait(lock, [&] { return !in_flight_ || started_ != awaited; });
    --waiting_;
    // The poll waited for failed and it was fresh enough: its error is the answer (no retry
    // storm from every waiting loop; each asks again before its next pass).
    if (awaited >= ticket && failed_ == awaited && fresh_up_to_ < ticket) return failure_;
  }
  const uint64_t number = ++started_;
  in_flight_ = true;
  lock.unlock();
  Status polled;
  try {
    polled = poll_();
  } catch (...) {
    lock.lock();
    in_flight_ = false;
    done_.notify_all();
    throw;
  }
  lock.lock();
  in_flight_ = false;
  if (polled.ok()) {
    fresh_up_to_ = number;
  } else {
    failed_ = number;
    failure_ = polled;
  }
  done_.notify_all();
  return polled;
}

uint64_t ObservationRefresher::polls() const {
  std::lock_guard lock(mu_);
  return started_;
}

size_t ObservationRefresher::waiting() const {
  std::lock_guard lock(mu_);
  return waiting_;
}

}  // namespace scaleio::reconcilers
