#include "cli/scaleio_node/stop_signal.h"

#include <signal.h>

#include <cerrno>

namespace scaleio::node {

namespace {

sigset_t stop_signals() {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGTERM);
  sigaddset(&set, SIGINT);
  return set;
}

}  // namespace

PosixStopSignal::PosixStopSignal() {
  sigset_t set = stop_signals();
  ::sigprocmask(SIG_BLOCK, &set, nullptr);
}

bool PosixStopSignal::stop_requested() {
  return wait_for_stop(std::chrono::milliseconds(0));
}

bool PosixStopSignal::wait_for_stop(std::chrono::milliseconds timeout) {
  if (stopped_) return true;
  sigset_t set = stop_signals();
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (true) {
    auto left = std::chrono::duration_cast<std::chrono::nanoseconds>(
        deadline - std::chrono::steady_clock::now());
    if (left.count() < 0) left = std::chrono::nanoseconds(0);
    timespec ts{static_cast<time_t>(left.count() / 1'000'000'000),
                static_cast<long>(left.count() % 1'000'000'000)};
    int got = ::sigtimedwait(&set, nullptr, &ts);
    if (got == SIGTERM || got == SIGINT) {
      stopped_ = true;
      return true;
    }
    if (got < 0 && errno == EINTR) continue;
    return false;  // EAGAIN: the time passed
  }
}

}  // namespace scaleio::node
