// Per-target exponential backoff with jitter: after the n-th consecutive failure of a target,
// wait min(cap, base * 2^(n-1)), scaled by a random factor in [jitter_min, jitter_max) so that
// targets failing together do not retry in lockstep. The randomness is injected (a uniform [0,1)
// source) so tests and the simulation replay the same delays.
#pragma once

#include <chrono>
#include <cstdint>

#include "core/clock.h"

namespace scaleio::reconcilers {

struct BackoffPolicy {
  Clock::Duration base = std::chrono::seconds(2);
  Clock::Duration cap = std::chrono::minutes(5);
  double jitter_min = 0.5;
  double jitter_max = 1.5;
};

// `attempt` is 1-based (the first failure waits about `base`); `uniform01` is in [0, 1).
Clock::Duration backoff_delay(const BackoffPolicy& policy, uint32_t attempt, double uniform01);

}  // namespace scaleio::reconcilers
