#include "reconcilers/runtime/backoff.h"

#include <algorithm>

namespace scaleio::reconcilers {

Clock::Duration backoff_delay(const BackoffPolicy& policy, uint32_t attempt, double uniform01) {
  Clock::Duration delay = policy.base;
  // Doubling stops at the cap, so a target failing for days cannot overflow.
  for (uint32_t i = 1; i < attempt && delay < policy.cap; ++i) delay *= 2;
  delay = std::min(delay, policy.cap);
  const double u = std::clamp(uniform01, 0.0, 1.0);
  const double factor = policy.jitter_min + (policy.jitter_max - policy.jitter_min) * u;
  return std::chrono::duration_cast<Clock::Duration>(
      std::chrono::duration<double, Clock::Duration::period>(static_cast<double>(delay.count()) *
                                                             factor));
}

}  // namespace scaleio::reconcilers
