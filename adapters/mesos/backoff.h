// Capped exponential backoff with "equal jitter": half the delay is fixed, half is random, so
// many schedulers reconnecting after one master failover do not arrive in lockstep, yet each
// still waits at least half the nominal delay.
#pragma once

#include <algorithm>
#include <chrono>
#include <cmath>

namespace scaleio::mesos {

struct BackoffPolicy {
  std::chrono::milliseconds initial{500};
  std::chrono::milliseconds max{15'000};
};

// `attempt` counts from 0; `unit_random` is uniform in [0, 1) (injected for tests).
inline std::chrono::milliseconds backoff_delay(const BackoffPolicy& policy, int attempt,
                                               double unit_random) {
  const double nominal =
      std::min(static_cast<double>(policy.max.count()),
               static_cast<double>(policy.initial.count()) * std::pow(2.0, std::min(attempt, 30)));
  const double jitter = std::clamp(unit_random, 0.0, 1.0);
  return std::chrono::milliseconds(static_cast<int64_t>(nominal * (0.5 + 0.5 * jitter)));
}

}  // namespace scaleio::mesos
