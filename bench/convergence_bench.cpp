// Convergence-at-scale benchmark: the deterministic simulation (sim/dst) with no faults, from an
// empty cluster of N agents to the plan, then ten simulated minutes of nothing to do. Prints one
// JSON object per size (one line each) with the figures of docs/performance.md.
//   bench_convergence [--sizes 10,100,1000] [--quick] [--seed S] [--idle-minutes M]
// --quick runs 10 and 100 agents only (the suite checks that the benchmark still runs).
// Each size runs in a child process so that its peak RSS is its own (wait4's ru_maxrss).
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "sim/dst/simulation.h"

using scaleio::dst::SimulationOptions;
using scaleio::dst::SimulationResult;
using Steady = std::chrono::steady_clock;

namespace {

struct Args {
  std::vector<int> sizes = {10, 100, 1000};
  uint64_t seed = 1;
  int idle_minutes = 10;
  int settle_minutes = 600;  // simulated; the DST default (60) is for clusters of 4 to 8 agents
};

double load_average() {
  double one_minute = -1;
  if (FILE* f = std::fopen("/proc/loadavg", "r")) {
    if (std::fscanf(f, "%lf", &one_minute) != 1) one_minute = -1;
    std::fclose(f);
  }
  return one_minute;
}

double seconds_of(scaleio::Clock::Duration d) {
  return std::chrono::duration<double>(d).count();
}

// One size, in this process: the JSON object without the peak RSS (the parent adds it).
nlohmann::json measure(int agents, const Args& args) {
  SimulationOptions options;
  options.faults = {};
  options.min_faults = 0;
  options.max_faults = 0;
  options.fault_window = scaleio::Clock::Duration::zero();
  options.min_agents = agents;
  options.max_agents = agents;
  options.idle_after = std::chrono::minutes(args.idle_minutes);
  options.settle_bound = std::chrono::minutes(args.settle_minutes);
  // The full projection rebuild is an invariant check, not operator work: only at the end.
  options.projection_check_every = 0;
  const auto start = Steady::now();
  const SimulationResult r = scaleio::dst::run_seed(args.seed, options);
  const double wall = std::chrono::duration<double>(Steady::now() - start).count();

  nlohmann::json out;
  out["agents"] = r.agents;
  out["seed"] = r.seed;
  out["converged"] = r.passed();
  if (!r.passed()) out["failure"] = r.summary();
  out["wall_seconds"] = wall;
  out["simulated_seconds_to_converge"] = seconds_of(r.settle_time);
  out["steps"] = r.steps;
  out["reconcile_passes"] = r.passes - r.idle.passes;
  out["events_appended"] = r.events - r.idle.events;
  out["observations"] = r.observations;
  uint64_t gateway_total = 0;
  for (const auto& [_, n] : r.gateway_by_request) gateway_total += n;
  out["gateway_calls"] = gateway_total;
  out["gateway_calls_by_type"] = r.gateway_by_request;
  out["mesos_calls"] = r.mesos_calls;

  nlohmann::json idle;
  idle["simulated_seconds"] = args.idle_minutes * 60;
  idle["events_appended"] = r.idle.events;
  idle["reconcile_passes"] = r.idle.passes;
  idle["observations"] = r.idle.observations;
  idle["gateway_calls"] = r.idle.gateway_requests;
  idle["gateway_calls_by_type"] = r.idle.gateway_by_request;
  idle["mesos_calls"] = r.idle.mesos_calls;
  // Target: at most one list call per object type per observation pass, nothing else.
  const double polls = static_cast<double>(std::max<uint64_t>(1, r.idle.observations));
  double worst = 0;
  bool only_reads = true;
  nlohmann::json per_pass = nlohmann::json::object();
  for (const auto& [kind, n] : r.idle.gateway_by_request) {
    per_pass[kind] = static_cast<double>(n) / polls;
    // querySelected* are reads sent as POSTs.
    if (kind.rfind("GET ", 0) == 0 || kind.find("/action/querySelected") != std::string::npos) {
      worst = std::max(worst, static_cast<double>(n) / polls);
    } else {
      only_reads = false;
    }
  }
  idle["gateway_calls_per_observation"] = per_pass;
  idle["gateway_calls_per_observation_total"] =
      static_cast<double>(r.idle.gateway_requests) / polls;
  idle["target_no_events_met"] = r.idle.events == 0;
  idle["target_one_list_per_type_per_pass_met"] = only_reads && worst <= 1.0;
  out["idle"] = idle;
  out["load_average"] = load_average();
  return out;
}

// Runs `agents` in a child; returns its JSON with "peak_rss_kb" added.
nlohmann::json measure_in_child(int agents, const Args& args) {
  int fds[2];
  if (::pipe(fds) != 0) return {{"agents", agents}, {"error", "pipe failed"}};
  const pid_t pid = ::fork();
  if (pid == 0) {
    ::close(fds[0]);
    std::string text;
    try {
      text = measure(agents, args).dump();
    } catch (const std::exception& e) {
      text = nlohmann::json{{"agents", agents}, {"error", e.what()}}.dump();
    }
    size_t written = 0;
    while (written < text.size()) {
      const ssize_t n = ::write(fds[1], text.data() + written, text.size() - written);
      if (n <= 0) break;
      written += static_cast<size_t>(n);
    }
    ::close(fds[1]);
    ::_exit(0);
  }
  ::close(fds[1]);
  std::string text;
  char buf[65536];
  for (;;) {
    const ssize_t n = ::read(fds[0], buf, sizeof buf);
    if (n <= 0) break;
    text.append(buf, static_cast<size_t>(n));
  }
  ::close(fds[0]);
  int status = 0;
  struct rusage usage {};
  ::wait4(pid, &status, 0, &usage);
  nlohmann::json out = nlohmann::json::parse(text, nullptr, false);
  if (out.is_discarded()) out = {{"agents", agents}, {"error", "the child printed no result"}};
  out["peak_rss_kb"] = usage.ru_maxrss;
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
    out["error"] = "the child did not exit cleanly";
  return out;
}

std::vector<int> parse_sizes(const std::string& text) {
  std::vector<int> sizes;
  size_t start = 0;
  while (start <= text.size()) {
    const size_t comma = text.find(',', start);
    const std::string item = text.substr(start, comma == std::string::npos ? comma : comma - start);
    if (!item.empty()) sizes.push_back(std::atoi(item.c_str()));
    if (comma == std::string::npos) break;
    start = comma + 1;
  }
  return sizes;
}

}  // namespace

int main(int argc, char** argv) {
  Args args;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    if (a == "--quick") {
      args.sizes = {10, 100};
    } else if (a == "--sizes" && i + 1 < argc) {
      args.sizes = parse_sizes(argv[++i]);
    } else if (a == "--seed" && i + 1 < argc) {
      args.seed = std::strtoull(argv[++i], nullptr, 10);
    } else if (a == "--settle-minutes" && i + 1 < argc) {
      args.settle_minutes = std::atoi(argv[++i]);
    } else if (a == "--idle-minutes" && i + 1 < argc) {
      args.idle_minutes = std::atoi(argv[++i]);
    } else {
      std::fprintf(stderr,
                   "usage: bench_convergence [--sizes 10,100,1000] [--quick] [--seed S] "
                   "[--idle-minutes M] [--settle-minutes M]\n");
      return 2;
    }
  }
  int failed = 0;
  for (int agents : args.sizes) {
    const nlohmann::json result = measure_in_child(agents, args);
    std::printf("%s\n", result.dump().c_str());
    std::fflush(stdout);
    if (result.contains("error") || !result.value("converged", false)) ++failed;
  }
  return failed == 0 ? 0 : 1;
}
