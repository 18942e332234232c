// The real daemon's memory at scale (issue 11: "peak RSS of the daemon at 5,000 nodes < 256 MB").
// bench_convergence runs the deterministic simulation in one process, so its peak RSS includes the
// simulated Mesos master and ScaleIO world; this one runs the two real programs as production
// does — scaleio-sim --agents N and scaleio-operator against it, separate processes on loopback,
// a fresh data dir — and reads the daemon's own /proc figures. For each size it prints one JSON
// line: the wall time to converge, the daemon's peak RSS (VmHWM at the end; VmRSS sampled every
// second: max and last), its CPU seconds, the events, reconcile passes and gateway calls to
// converge and while idle (from its /metrics), the simulator's own peak RSS for contrast, and the
// load average.
//   bench_daemon [--sizes 10,100,1000,5000] [--quick] [--idle-minutes M] [--time-scale X]
//                [--timeout-minutes T] [--seed S] [--observe-interval DURATION] [--wrap CMD]
// --wrap: runs the daemon under a tool, e.g. --wrap 'heaptrack -o /tmp/daemon' (words split on
// spaces; the /proc figures are then the tool's process, its report is what counts).
// --quick: 10 agents, a short idle period and a 1s observe interval (the suite's smoke run).
// "Converged": the daemon's converged gauge is 1 with every agent's SDC connected (an empty plan
// also has no drift), then confirmed by GET /v1/drift.
#include <signal.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <optional>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include <nlohmann/json.hpp>

#include "bench/bench_util.h"
#include "tests/sim/raw_http_client.h"
#include "tests/support/child_process.h"
#include "tests/support/temp_dir.h"

using namespace std::chrono_literals;
using scaleio::bench::seconds_since;
using scaleio::bench::Steady;
using scaleio::testing::ChildProcess;
using Json = nlohmann::ordered_json;

namespace {

struct Args {
  std::vector<int> sizes = {10, 100, 1000, 5000};
  double idle_minutes = 2;
  double time_scale = 50;
  double timeout_minutes = 30;
  uint64_t seed = 1;
  std::string observe_interval;   // empty: the daemon's default (10s), as in production
  std::vector<std::string> wrap;  // a tool's command words before the daemon's (--wrap)
};

// SIGINT / SIGTERM (e.g. from `timeout`): the waits below look at this at least once a second
// (a program's first line: within its bound), so the children are stopped on this path too.
std::atomic<bool> g_interrupted{false};
extern "C" void on_stop_signal(int) {
  g_interrupted = true;
}

// --- /proc ------------------------------------------------------------------------------------

// A "Name:   123 kB" line of /proc/PID/status, in kB; -1 when the process is gone.
int64_t status_kb(pid_t pid, const std::string& field) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/status");
  for (std::string line; std::getline(in, line);) {
    if (line.rfind(field + ":", 0) == 0) return std::atoll(line.c_str() + field.size() + 1);
  }
  return -1;
}

// utime + stime of /proc/PID/stat (fields 14 and 15, counted after the parenthesised name).
double cpu_seconds(pid_t pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/stat");
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  const auto close = text.rfind(')');
  if (close == std::string::npos) return -1;
  std::istringstream fields(text.substr(close + 2));
  std::string field;
  double ticks = 0;
  for (int i = 3; i <= 15 && fields >> field; ++i) {
    if (i >= 14) ticks += std::atof(field.c_str());
  }
  return ticks / static_cast<double>(::sysconf(_SC_CLK_TCK));
}

// VmRSS of one process, sampled once a second.
struct RssTrack {
  pid_t pid = -1;
  int64_t max_kb = 0;
  int64_t last_kb = 0;
  void sample() {
    const int64_t kb = status_kb(pid, "VmRSS");
    if (kb < 0) return;
    last_kb = kb;
    max_kb = std::max(max_kb, kb);
  }
};

struct LoadTrack {
  double start = scaleio::bench::load_average();
  double max = start;
  double sum = 0;
  int samples = 0;
  void sample() {
    const double now = scaleio::bench::load_average();
    max = std::max(max, now);
    sum += now;
    ++samples;
  }
  Json json() const {
    return {{"start", start},
            {"mean", samples ? sum / samples : start},
            {"max", max},
            {"end", scaleio::bench::load_average()}};
  }
};

// --- the daemon's HTTP API --------------------------------------------------------------------

std::optional<std::string> get(const std::string& host_port, const std::string& target) {
  scaleio::sim::test::RawConnection connection(host_port);
  if (!connection.connected()) return std::nullopt;
  connection.send_request("GET", target, {}, "");
  auto response = connection.read_response(30s);
  if (!response || response->status != 200) return std::nullopt;
  return response->body;
}

// The sum of every sample of `name` (all label sets); nullopt when the family has none.
std::optional<double> metric_sum(const std::string& text, const std::string& name) {
  std::istringstream in(text);
  std::optional<double> sum;
  for (std::string line; std::getline(in, line);) {
    if (line.empty() || line[0] == '#' || line.rfind(name, 0) != 0) continue;
    const char next = line.size() > name.size() ? line[name.size()] : ' ';
    if (next != ' ' && next != '{') continue;
    sum = sum.value_or(0) + std::atof(line.c_str() + line.rfind(' ') + 1);
  }
  return sum;
}

// The daemon's counters at one moment.
struct Counters {
  double events = 0;  // the log's last sequence: events appended since the empty start
  double passes = 0;
  double gateway_calls = 0;
  bool converged_gauge = false;
  double sdc_connected = 0;
};

std::optional<Counters> read_counters(const std::string& api) {
  auto text = get(api, "/metrics");
  if (!text) return std::nullopt;
  Counters c;
  c.events = metric_sum(*text, "scaleio_operator_eventlog_last_sequence").value_or(0);
  c.passes = metric_sum(*text, "scaleio_operator_reconcile_total").value_or(0);
  c.gateway_calls = metric_sum(*text, "scaleio_operator_gateway_requests_total").value_or(0);
  c.converged_gauge = metric_sum(*text, "scaleio_operator_converged").value_or(0) == 1.0;
  c.sdc_connected = metric_sum(*text, "scaleio_operator_sdc_connected").value_or(0);
  return c;
}

bool drift_says_converged(const std::string& api) {
  auto body = get(api, "/v1/drift");
  if (!body) return false;
  const auto j = nlohmann::json::parse(*body, nullptr, false);
  return !j.is_discarded() && j.value("converged", false);
}

// --- the two programs ---------------------------------------------------------------------------

// Through `sh -c exec` so that stderr goes to a file and the pid is still the program's own.
std::unique_ptr<ChildProcess> start_logged(std::vector<std::string> argv, const std::string& log) {
  argv.insert(argv.begin(), {"/bin/sh", "-c", "exec \"$0\" \"$@\" 2>'" + log + "'"});
  return std::make_unique<ChildProcess>(argv);
}

// SIGTERM, then SIGKILL when it has not stopped in time; the exit code (128+signal if killed).
int stop(ChildProcess& child, std::chrono::milliseconds grace) {
  child.kill(SIGTERM);
  int code = child.wait(grace);
  if (code == -1) {
    child.kill(SIGKILL);
    code = child.wait(10s);
  }
  return code;
}

std::string tail_of(const std::string& path, int lines) {
  std::ifstream in(path);
  std::vector<std::string> all;
  for (std::string line; std::getline(in, line);) all.push_back(line);
  std::string out;
  for (size_t i = all.size() > static_cast<size_t>(lines) ? all.size() - lines : 0; i < all.size();
       ++i) {
    out += all[i] + "\n";
  }
  return out;
}

std::string json_field(const std::string& line, const char* name) {
  const auto j = nlohmann::json::parse(line, nullptr, false);
  if (j.is_discarded() || !j.contains(name) || !j[name].is_string()) return "";
  std::string value = j[name].get<std::string>();
  const auto scheme = value.find("://");
  return scheme == std::string::npos ? value : value.substr(scheme + 3);
}

// Waits about a second (less when interrupted), sampling every process first.
void tick(RssTrack& daemon, RssTrack& sim, LoadTrack& load) {
  daemon.sample();
  sim.sample();
  load.sample();
  for (int i = 0; i < 10 && !g_interrupted; ++i) std::this_thread::sleep_for(100ms);
}

// One size: both programs from scratch, converge, idle, measure, stop.
Json measure(int agents, const Args& args) {
  Json out;
  out["agents"] = agents;
  out["seed"] = args.seed;
  out["time_scale"] = args.time_scale;
  out["observe_interval"] = args.observe_interval.empty() ? "10s (default)" : args.observe_interval;
  scaleio::testing::TempDir dir;
  const std::string password_file = dir.sub("gateway-password");
  std::ofstream(password_file) << "Scaleio123\n";
  const std::string sim_log = dir.sub("sim.log");
  const std::string operator_log = dir.sub("operator.log");
  auto fail = [&](const std::string& why, const std::string& log) {
    out["converged"] = false;
    out["error"] = why;
    if (!log.empty())
      std::fprintf(stderr, "--- %s (last lines)\n%s", log.c_str(), tail_of(log, 30).c_str());
    return out;
  };

  auto sim =
      start_logged({SCALEIO_SIM_BINARY, "--agents", std::to_string(agents), "--seed",
                    std::to_string(args.seed), "--time-scale", std::to_string(args.time_scale),
                    "--mesos-listen", "127.0.0.1:0", "--gateway-listen", "127.0.0.1:0",
                    "--control-listen", "127.0.0.1:0", "--gateway-password-file", password_file},
                   sim_log);
  const auto sim_line = sim->read_line(120s);
  if (!sim_line)
    return fail("scaleio-sim printed no addresses (" + sim->read_problem() + ")", sim_log);
  const std::string mesos = json_field(*sim_line, "mesos");
  const std::string gateway = json_field(*sim_line, "gateway");

  std::vector<std::string> operator_argv = {SCALEIO_OPERATOR_BINARY,
                                            "--master",
                                            mesos,
                                            "--gateway",
                                            "http://" + gateway,
                                            "--gateway-password-file",
                                            password_file,
                                            "--data-dir",
                                            dir.sub("data"),
                                            "--listen",
                                            "127.0.0.1:0",
                                            "--agent-admin-password-file",
                                            "/etc/scaleio/admin-password"};
  if (!args.observe_interval.empty()) {
    operator_argv.insert(operator_argv.end(), {"--observe-interval", args.observe_interval});
  }
  operator_argv.insert(operator_argv.begin(), args.wrap.begin(), args.wrap.end());
  const auto started = Steady::now();
  auto daemon = start_logged(operator_argv, operator_log);
  // The daemon's first line names its API; a --wrap tool may print lines of its own before it.
  std::string api;
  for (int line = 0; line < 20 && api.empty(); ++line) {
    const auto operator_line = daemon->read_line(60s);
    if (!operator_line) break;
    api = json_field(*operator_line, "api");
  }
  if (api.empty()) {
    stop(*sim, 15s);
    return fail("scaleio-operator printed no address (" + daemon->read_problem() + ")",
                operator_log);
  }

  RssTrack daemon_rss{daemon->pid()};
  RssTrack sim_rss{sim->pid()};
  LoadTrack load;
  const auto deadline =
      started + std::chrono::duration<double, std::ratio<60>>(args.timeout_minutes);
  std::optional<Counters> at_converged;
  int polls = 0;
  while (!g_interrupted && Steady::now() < deadline) {
    tick(daemon_rss, sim_rss, load);
    if (daemon->wait(0ms) != -1) break;  // the daemon ended on its own
    if (++polls % 2 != 0) continue;      // /metrics every other second
    auto c = read_counters(api);
    if (c && c->converged_gauge && c->sdc_connected >= agents && drift_says_converged(api)) {
      at_converged = c;
      break;
    }
  }
  const double seconds_to_converge = seconds_since(started);
  const double cpu_at_converged = cpu_seconds(daemon->pid());
  const int64_t rss_at_converged = status_kb(daemon->pid(), "VmRSS");

  if (at_converged) {
    const auto idle_end =
        Steady::now() + std::chrono::duration<double, std::ratio<60>>(args.idle_minutes);
    while (!g_interrupted && Steady::now() < idle_end && daemon->wait(0ms) == -1) {
      tick(daemon_rss, sim_rss, load);
    }
  }
  const auto at_end = read_counters(api);
  daemon_rss.sample();
  sim_rss.sample();
  const int64_t daemon_hwm = status_kb(daemon->pid(), "VmHWM");
  const int64_t sim_hwm = status_kb(sim->pid(), "VmHWM");
  const double daemon_cpu = cpu_seconds(daemon->pid());
  const double sim_cpu = cpu_seconds(sim->pid());
  const int daemon_exit = stop(*daemon, 30s);
  stop(*sim, 15s);

  out["converged"] = at_converged.has_value();
  if (!at_converged) {
    out["error"] = g_interrupted               ? "interrupted"
                   : Steady::now() >= deadline ? "not converged within --timeout-minutes"
                                               : "the daemon ended";
    std::fprintf(stderr, "--- %s (last lines)\n%s", operator_log.c_str(),
                 tail_of(operator_log, 30).c_str());
  }
  out["seconds_to_converge"] = seconds_to_converge;
  out["idle_seconds"] = at_converged ? args.idle_minutes * 60 : 0;
  Json d;
  d["peak_rss_kb"] = daemon_hwm;  // VmHWM: the kernel's own high-water mark
  d["rss_max_sampled_kb"] = daemon_rss.max_kb;
  d["rss_at_converged_kb"] = rss_at_converged;
  d["rss_end_kb"] = daemon_rss.last_kb;
  d["cpu_seconds_to_converge"] = cpu_at_converged;
  d["cpu_seconds_idle"] = daemon_cpu - cpu_at_converged;
  d["cpu_seconds_total"] = daemon_cpu;
  d["stopped_cleanly"] = daemon_exit == 0;
  out["daemon"] = d;
  const Counters zero;
  const Counters& conv = at_converged ? *at_converged : (at_end ? *at_end : zero);
  const Counters& end = at_end ? *at_end : conv;
  out["events_appended_to_converge"] = conv.events;
  out["events_appended_idle"] = end.events - conv.events;
  out["reconcile_passes_to_converge"] = conv.passes;
  out["reconcile_passes_idle"] = end.passes - conv.passes;
  out["gateway_calls_to_converge"] = conv.gateway_calls;
  out["gateway_calls_idle"] = end.gateway_calls - conv.gateway_calls;
  out["sim"] = {
      {"peak_rss_kb", sim_hwm}, {"rss_max_sampled_kb", sim_rss.max_kb}, {"cpu_seconds", sim_cpu}};
  out["load_average"] = load.json();
  if (args.wrap.empty()) {
    out["target_peak_rss_under_256mb_met"] = daemon_hwm >= 0 && daemon_hwm < 256 * 1024;
  } else {
    out["wrapped_by"] = args.wrap.front();  // the /proc figures above are the tool's process
  }
  return out;
}

std::vector<int> parse_sizes(const std::string& text) {
  std::vector<int> sizes;
  std::istringstream in(text);
  for (std::string item; std::getline(in, item, ',');) {
    if (!item.empty()) sizes.push_back(std::atoi(item.c_str()));
  }
  return sizes;
}

}  // namespace

int main(int argc, char** argv) {
  Args args;
  bool quick = false;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    const bool has_value = i + 1 < argc;
    if (a == "--quick") {
      quick = true;
    } else if (a == "--sizes" && has_value) {
      args.sizes = parse_sizes(argv[++i]);
    } else if (a == "--idle-minutes" && has_value) {
      args.idle_minutes = std::atof(argv[++i]);
    } else if (a == "--time-scale" && has_value) {
      args.time_scale = std::atof(argv[++i]);
    } else if (a == "--timeout-minutes" && has_value) {
      args.timeout_minutes = std::atof(argv[++i]);
    } else if (a == "--seed" && has_value) {
      args.seed = std::strtoull(argv[++i], nullptr, 10);
    } else if (a == "--observe-interval" && has_value) {
      args.observe_interval = argv[++i];
    } else if (a == "--wrap" && has_value) {
      std::istringstream words(argv[++i]);
      for (std::string w; words >> w;) args.wrap.push_back(w);
    } else {
      std::fprintf(stderr,
                   "usage: bench_daemon [--sizes 10,100,1000,5000] [--quick] [--idle-minutes M] "
                   "[--time-scale X] [--timeout-minutes T] [--seed S] [--observe-interval D] "
                   "[--wrap CMD]\n");
      return 2;
    }
  }
  if (quick) {
    args.sizes = {10};
    args.idle_minutes = 0.25;
    args.timeout_minutes = 4;
    if (args.observe_interval.empty()) args.observe_interval = "1s";
  }
  for (int agents : args.sizes) {
    if (agents < 1) {
      std::fprintf(stderr, "bench_daemon: --sizes: %d is not a number of agents\n", agents);
      return 2;
    }
  }
  struct sigaction stop_action {};
  stop_action.sa_handler = on_stop_signal;
  ::sigaction(SIGINT, &stop_action, nullptr);
  ::sigaction(SIGTERM, &stop_action, nullptr);
  ::signal(SIGPIPE, SIG_IGN);

  int failed = 0;
  for (int agents : args.sizes) {
    Json result;
    try {
      result = measure(agents, args);
    } catch (const std::exception& e) {  // a child that could not start; the others were stopped
      result = {{"agents", agents}, {"converged", false}, {"error", e.what()}};
    }
    std::printf("%s\n", result.dump().c_str());
    std::fflush(stdout);
    if (!result.value("converged", false)) ++failed;
    if (g_interrupted) return 130;
  }
  return failed == 0 ? 0 : 1;
}
