#include "adapters/scaleio/backoff.h"

#include <algorithm>
#include <cmath>
#include <memory>
#include <mutex>
#include <thread>

namespace scaleio::gateway {

std::chrono::milliseconds backoff_delay(const RetryPolicy& policy, int retry, double random01) {
  const double base = static_cast<double>(policy.initial_backoff.count()) *
                      std::pow(policy.multiplier, std::max(0, retry - 1));
  const double capped = std::min(base, static_cast<double>(policy.max_backoff.count()));
  const double jitter = std::clamp(policy.jitter, 0.0, 1.0);
  const double r = std::clamp(random01, 0.0, 1.0);
  return std::chrono::milliseconds(static_cast<int64_t>(capped * (1.0 - jitter * r)));
}

UniformRandom seeded_uniform(uint64_t seed) {
  struct State {
    std::mutex mu;
    std::mt19937_64 engine;
    std::uniform_real_distribution<double> dist{0.0, 1.0};
  };
  auto state = std::make_shared<State>();
  state->engine.seed(seed);
  return [state] {
    std::lock_guard lock(state->mu);
    return state->dist(state->engine);
  };
}

Sleeper thread_sleeper() {
  return [](std::chrono::milliseconds d) { std::this_thread::sleep_for(d); };
}

}  // namespace scaleio::gateway
