#include "bench/system_mix.h"

#include <algorithm>
#include <map>

#include "sim/dst/simulation.h"
#include "sim/dst/simulation_parts.h"

namespace scaleio::bench {

Result<SystemMix> capture_system_mix(const SystemMixOptions& options) {
  dst::SimulationOptions sim;
  sim.seed = options.seed;
  sim.min_agents = options.agents;
  sim.max_agents = options.agents;
  // A whole-log rebuild every few steps is the simulation checking itself, not operator work.
  sim.projection_check_every = 0;
  // The DST's default bound is sized for 4 to 8 agents (bench_convergence uses the same).
  sim.settle_bound = std::chrono::minutes(600);
  if (!options.faults) {
    sim.faults = {};
    sim.min_faults = 0;
    sim.max_faults = 0;
    sim.fault_window = Clock::Duration::zero();
  }
  dst::Simulation run(sim);
  const dst::SimulationResult result = run.run();
  // The Simulation removes its log directory when destroyed: read the events before that.
  const auto& log = run.parts().log;
  if (!log) return unavailable("system mix: the simulation made no log: " + result.summary());
  SystemMix mix;
  mix.converged = result.passed();
  mix.run_summary = result.summary();
  mix.events.reserve(log->last_sequence());
  Status s = log->scan(1, log->last_sequence(), [&](const Envelope& e) {
    mix.events.push_back(e);
    return true;
  });
  if (!s.ok()) return s;
  if (mix.events.empty()) return unavailable("system mix: the run appended no events");
  return mix;
}

namespace {

struct Sizes {
  std::vector<size_t> bytes;
  size_t total = 0;
};

nlohmann::json percentiles(std::vector<size_t> v) {
  std::sort(v.begin(), v.end());
  auto at = [&](double q) { return v[std::min(v.size() - 1, static_cast<size_t>(q * v.size()))]; };
  return {{"p50", at(0.5)}, {"p90", at(0.9)}, {"max", v.back()}};
}

}  // namespace

nlohmann::json describe_mix(const std::vector<Envelope>& events) {
  std::map<std::string, Sizes> by_type;
  Sizes all;
  for (const auto& e : events) {
    const size_t n = e.ByteSizeLong();
    Sizes& t = by_type[e.event_type()];
    t.bytes.push_back(n);
    t.total += n;
    all.bytes.push_back(n);
    all.total += n;
  }
  nlohmann::json types = nlohmann::json::object();
  for (const auto& [type, sizes] : by_type) {
    types[type] = {{"count", sizes.bytes.size()},
                   {"share_of_events", static_cast<double>(sizes.bytes.size()) / events.size()},
                   {"share_of_bytes", static_cast<double>(sizes.total) / all.total},
                   {"mean_bytes", static_cast<double>(sizes.total) / sizes.bytes.size()},
                   {"bytes", percentiles(sizes.bytes)}};
  }
  return {{"events", events.size()},
          {"mean_bytes", events.empty() ? 0.0 : static_cast<double>(all.total) / events.size()},
          {"bytes", events.empty() ? nlohmann::json() : percentiles(all.bytes)},
          {"by_type", types}};
}

}  // namespace scaleio::bench
