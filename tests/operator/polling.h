// Timing helpers of the end-to-end tests: how long a phase took, and waiting for a condition that
// another process makes true, with a deadline (never a bare sleep).
#pragma once

#include <chrono>
#include <thread>

namespace scaleio::testing {

struct Stopwatch {
  std::chrono::steady_clock::time_point start = std::chrono::steady_clock::now();
  double seconds() const {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  }
};

// Polls `ready` every 100 ms until it holds or the deadline passes.
template <class Predicate>
bool eventually(Predicate ready, std::chrono::milliseconds deadline) {
  const auto until = std::chrono::steady_clock::now() + deadline;
  for (;;) {
    if (ready()) return true;
    if (std::chrono::steady_clock::now() >= until) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
}

}  // namespace scaleio::testing
