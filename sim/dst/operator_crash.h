// A crash of the operator process in the middle of its work. The simulation arms a CrashPoint with
// a count of I/O operations (gateway requests, Mesos calls, status updates); the operation that
// reaches it throws OperatorCrash, which is deliberately NOT a std::exception: the reconcile loop
// catches std::exception (a reconciler bug must not take the other loops down), but a crash must
// unwind through the runtime like a killed process, leaving intents without their outcome.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

namespace scaleio::dst {

struct OperatorCrash {
  std::string where;  // "gateway request (after it was applied)", "mesos launch", ...
};

class CrashPoint {
 public:
  // Crash at the `n`-th I/O operation from now (1 = the next one).
  void arm(uint64_t n) { remaining_ = n; }
  void disarm() { remaining_.reset(); }
  bool armed() const { return remaining_.has_value(); }

  // Called by every simulated I/O operation at the moment named by `where`.
  void io(const char* where) {
    if (!remaining_) return;
    if (--*remaining_ == 0) {
      remaining_.reset();
      throw OperatorCrash{where};
    }
  }

 private:
  std::optional<uint64_t> remaining_;
};

}  // namespace scaleio::dst
