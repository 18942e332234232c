// One deterministic simulation run: the operator's real decision-making (the four reconcilers, the
// runtime with its backoff and intents, the projections and the plan, the real gateway client and
// observer, the real RocksDB event log) against the simulated Mesos master and ScaleIO world, in
// one process, on one simulated clock. Everything that could differ between two runs — the
// cluster, the faults and their moments, latencies, lost or duplicated updates, jitter — is drawn
// from the seed, so a failing seed replays exactly (docs/simulation-testing.md).
//
// A run: faults happen at random moments during the fault window; invariants are checked after
// every step; then the faults stop (everything is restored) and the world must converge to the
// plan within the settle bound (liveness).
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "core/clock.h"
#include "reconcilers/runtime/reconciler_loop.h"
#include "sim/cluster_spec.h"
#include "sim/dst/fault_schedule.h"
#include "sim/dst/invariants.h"

namespace scaleio::dst {

struct SimulationOptions {
  uint64_t seed = 1;
  std::set<FaultKind> faults = {all_fault_kinds().begin(), all_fault_kinds().end()};
  Clock::Duration fault_window = std::chrono::minutes(15);
  // Liveness: once the faults stop, the world converges within this much simulated time.
  Clock::Duration settle_bound = std::chrono::minutes(60);
  int min_agents = 4;
  int max_agents = 8;
  int min_faults = 4;
  int max_faults = 16;
  // Projections are rebuilt from the whole log and compared every this many steps (a full
  // rebuild costs as much as the log is long), after every restart and at the end.
  int projection_check_every = 200;
  // Where the run's RocksDB log is made (a fresh directory, removed after the run). Empty = the
  // temporary directory ($TMPDIR or /tmp).
  std::string log_root;
  // Keep a line for every fault, restart and notable step (for replaying a seed).
  bool trace = false;
  // After convergence, keep running this much simulated time with nothing to do (benchmarks:
  // what an idle operator costs, SimulationResult::idle). Zero: stop at convergence.
  Clock::Duration idle_after{0};
  // Test hook: called after every step with the run; a test plants a violation here.
  std::function<void(class Simulation&)> after_step;
  // Benchmarks: told about every reconcile pass (bench/convergence_bench.cpp measures each pass's
  // CPU and requests). Not owned; outlives the run.
  reconcilers::RuntimeObserver* runtime_observer = nullptr;
};

struct SimulationResult {
  uint64_t seed = 0;
  int agents = 0;
  bool allow_removals = false;
  std::vector<Violation> violations;  // the first one ends the run
  Clock::Duration violation_at{};     // simulated time since the start
  bool converged = false;
  Clock::Duration settle_time{};  // from the end of the faults to convergence
  std::string not_converged;      // what was left when the settle bound ran out
  uint64_t steps = 0;
  uint64_t events = 0;  // in the log at the end
  uint64_t restarts = 0;
  uint64_t passes = 0;
  uint64_t gateway_requests = 0;
  std::vector<std::string> faults;  // the schedule, described
  std::vector<std::string> trace;   // with SimulationOptions::trace
  std::string log_digest;           // of every event in the log, in order (determinism)
  // Costs, for benchmarks (bench/convergence_bench.cpp), up to convergence.
  uint64_t observations = 0;  // gateway observation polls (periodic and requested by passes)
  std::map<std::string, uint64_t> gateway_by_request;  // "GET /api/types/Sds/instances" -> n
  std::map<std::string, uint64_t> mesos_calls;         // "DECLINE" -> n
  // With SimulationOptions::idle_after: what the quiet time after convergence cost.
  struct Idle {
    uint64_t events = 0;
    uint64_t passes = 0;
    uint64_t observations = 0;
    uint64_t gateway_requests = 0;
    std::map<std::string, uint64_t> gateway_by_request;
    std::map<std::string, uint64_t> mesos_calls;
  } idle;

  bool passed() const { return violations.empty() && converged; }
  // One line: "seed 17: ok (6 agents, 12 faults, 2 restarts, 1843 events, settled in 4m10s)" or
  // what failed.
  std::string summary() const;
};

class Simulation {
 public:
  explicit Simulation(SimulationOptions options);
  ~Simulation();
  Simulation(const Simulation&) = delete;
  Simulation& operator=(const Simulation&) = delete;

  SimulationResult run();

  // --- for tests that plant violations (SimulationOptions::after_step) ------------------------
  struct Parts;
  Parts& parts() { return *parts_; }

 private:
  SimulationOptions options_;
  std::unique_ptr<Parts> parts_;
};

// Runs one seed with `options` (its seed replaced).
SimulationResult run_seed(uint64_t seed, const SimulationOptions& options = {});

}  // namespace scaleio::dst
