// Capped exponential backoff with jitter. Randomness and sleeping are injected so tests run
// the retry paths without waiting and with known delays.
#pragma once

#include <chrono>
#include <functional>
#include <random>

namespace scaleio::gateway {

struct RetryPolicy {
  int max_attempts = 4;  // first try included; 1 = no retries
  std::chrono::milliseconds initial_backoff{200};
  std::chrono::milliseconds max_backoff{5'000};
  double multiplier = 2.0;
  // Each delay is drawn uniformly from [(1 - jitter) * d, d]: spreads clients that failed together.
  double jitter = 0.5;
};

// Returns a number in [0, 1).
using UniformRandom = std::function<double()>;
using Sleeper = std::function<void(std::chrono::milliseconds)>;

// The delay before attempt `retry` + 1 (retry = 1 for the first retry).
std::chrono::milliseconds backoff_delay(const RetryPolicy& policy, int retry, double random01);

// A seeded engine behind a UniformRandom (the default when none is injected).
UniformRandom seeded_uniform(uint64_t seed);
Sleeper thread_sleeper();

}  // namespace scaleio::gateway
