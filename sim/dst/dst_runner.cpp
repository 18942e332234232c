// dst-runner: runs any number of deterministic simulation seeds and prints the failing ones.
//
//   dst-runner --seeds 1000 --from 1          # seeds 1..1000, every fault kind
//   dst-runner --seed 4711 --trace            # replay one seed, with what happened when
//   dst-runner --seeds 200 --faults agent_loss,gateway_errors --jobs 2
//
// Exit status: 0 when every seed passed, 1 when one failed, 2 on a usage error.
#include <fcntl.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <iostream>
#include <mutex>
#include <thread>
#include <vector>

#include "sim/dst/simulation.h"

using namespace scaleio::dst;

int main(int argc, char** argv) {
  CLI::App app{"Deterministic simulation of the ScaleIO operator: runs seeds, prints failures"};
  uint64_t seeds = 100;
  uint64_t from = 1;
  std::optional<uint64_t> one_seed;
  std::string faults = "all";
  bool trace = false;
  bool sim_log = false;
  bool verbose = false;
  unsigned jobs = 1;
  int window_minutes = 15;
  int settle_minutes = 60;
  app.add_option("--seeds", seeds, "How many seeds to run")
      ->check(CLI::Range(1ull, 100'000'000ull));
  app.add_option("--from", from, "The first seed");
  app.add_option("--seed", one_seed, "Run (replay) this one seed only");
  app.add_option("--faults", faults,
                 "Fault mix: all, none, or kinds separated by commas (see "
                 "docs/simulation-testing.md)");
  app.add_option("--jobs", jobs, "Seeds run at once (each run is single-threaded)")
      ->check(CLI::Range(1u, 64u));
  app.add_option("--window-minutes", window_minutes, "Simulated minutes during which faults happen")
      ->check(CLI::Range(1, 24 * 60));
  app.add_option("--settle-minutes", settle_minutes,
                 "Liveness bound: simulated minutes to converge after the faults stop")
      ->check(CLI::Range(1, 24 * 60));
  std::string log_root;
  app.add_option("--log-root", log_root,
                 "Where each run's RocksDB log directory is made (default: $TMPDIR or /tmp)");
  app.add_flag("--trace", trace, "Print what happened in each failing (or --seed) run");
  app.add_flag("--verbose", verbose, "Print a line for every seed, not only the failing ones");
  app.add_flag("--sim-log", sim_log, "Keep the simulated master's own log lines (stderr)");
  CLI11_PARSE(app, argc, argv);

  auto mix = parse_fault_mix(faults);
  if (!mix.ok()) {
    std::cerr << "--faults: " << mix.status().message() << "\n";
    return 2;
  }
  SimulationOptions options;
  options.faults = *mix;
  options.trace = trace;
  options.log_root = log_root;
  options.fault_window = std::chrono::minutes(window_minutes);
  options.settle_bound = std::chrono::minutes(settle_minutes);
  if (one_seed) {
    from = *one_seed;
    seeds = 1;
    verbose = true;
  }
  if (!sim_log) {
    // The simulated master narrates on stderr; thousands of runs make that noise.
    int null = ::open("/dev/null", O_WRONLY);
    if (null >= 0) ::dup2(null, STDERR_FILENO);
  }

  std::mutex out_mu;
  std::vector<uint64_t> failing;
  std::atomic<uint64_t> next{0};
  const auto started = std::chrono::steady_clock::now();
  auto worker = [&] {
    for (uint64_t i = next++; i < seeds; i = next++) {
      const uint64_t seed = from + i;
      SimulationResult result = run_seed(seed, options);
      std::lock_guard lock(out_mu);
      if (!result.passed()) failing.push_back(seed);
      if (!result.passed() || verbose) {
        std::cout << result.summary() << "\n";
        if (trace) {
          for (const auto& f : result.faults) std::cout << "    fault " << f << "\n";
          for (const auto& line : result.trace) std::cout << "    " << line << "\n";
        }
        std::cout.flush();
      }
    }
  };
  std::vector<std::thread> threads;
  for (unsigned j = 1; j < jobs; ++j) threads.emplace_back(worker);
  worker();
  for (auto& t : threads) t.join();
  const double elapsed =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();

  std::sort(failing.begin(), failing.end());
  std::printf("%llu seeds (%llu..%llu), %zu failed, %.1f s, %.2f seeds/s\n",
              static_cast<unsigned long long>(seeds), static_cast<unsigned long long>(from),
              static_cast<unsigned long long>(from + seeds - 1), failing.size(), elapsed,
              elapsed > 0 ? static_cast<double>(seeds) / elapsed : 0.0);
  if (!failing.empty()) {
    std::printf("failing seeds:");
    for (uint64_t s : failing) std::printf(" %llu", static_cast<unsigned long long>(s));
    std::printf("\n");
  }
  return failing.empty() ? 0 : 1;
}
