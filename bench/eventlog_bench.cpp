// Event-log benchmark: prints one JSON document with the figures of docs/performance.md.
// Every comparison is made in this one run, on the same disk (the --dir given, default $TMPDIR).
//   bench_eventlog [--dir DIR] [--quick] [--reps N] [--mix-agents N] [--mix-seed S] [--mix-faults]
//                  [--no-mix]
// The top-level sections measure one synthetic event (an AgentObserved of ~150 bytes). The
// "system_mix" section repeats them over the events a real run of the whole operator appended
// (bench/system_mix.h: the deterministic simulation converging --mix-agents agents) and adds the
// projections and start-up of the daemon's LiveState.
// --quick shrinks every size so the suite can check that the benchmark still runs.
#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <thread>
#include <vector>

#include <nlohmann/json.hpp>

#include "bench/bench_util.h"
#include "bench/eventlog_measures.h"
#include "bench/eventlog_system_mix.h"
#include "bench/system_mix.h"
#include "core/agents_projection.h"
#include "eventlog/rocks_event_log.h"

using scaleio::Envelope;
using namespace scaleio::bench;
namespace fs = std::filesystem;

namespace {

// A realistic observation event (~150 bytes serialised).
Envelope sample_event(uint64_t i) {
  Envelope e;
  e.set_source(scaleio::events::SOURCE_OBSERVER);
  e.set_correlation_id("pass-" + std::to_string(i / 100));
  auto* a = e.mutable_agent_observed();
  a->set_hostname("node-" + std::to_string(i % 5000) + ".dc1.example.com");
  a->set_agent_id("2c6a4b1e-8f31-4c1b-9b1a-2f0c1d6e7a55-S" + std::to_string(i % 97));
  a->set_ip("10.0." + std::to_string((i / 256) % 256) + "." + std::to_string(i % 256));
  a->set_active(true);
  for (const char* name : {"scaleio-persona", "scaleio-sds-domains", "scaleio-sds-pd1"}) {
    auto* attr = a->add_attributes();
    attr->set_name(name);
    attr->set_type(scaleio::events::Attribute::TEXT);
    attr->set_text("data");
  }
  return e;
}

}  // namespace

int main(int argc, char** argv) {
  EventlogSizes sizes;
  SystemMixOptions mix_options;
  bool with_mix = true;
  std::string base = fs::temp_directory_path().string();
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    if (a == "--quick") {
      sizes = EventlogSizes{1, 0.1, 5'000, 10'000, 20'000, 1'000};
      mix_options.agents = 10;
    } else if (a == "--dir" && i + 1 < argc) {
      base = argv[++i];
    } else if (a == "--reps" && i + 1 < argc) {
      sizes.reps = std::max(1, std::atoi(argv[++i]));
    } else if (a == "--mix-agents" && i + 1 < argc) {
      mix_options.agents = std::max(1, std::atoi(argv[++i]));
    } else if (a == "--mix-seed" && i + 1 < argc) {
      mix_options.seed = std::strtoull(argv[++i], nullptr, 10);
    } else if (a == "--mix-faults") {
      mix_options.faults = true;
    } else if (a == "--no-mix") {
      with_mix = false;
    } else {
      std::fprintf(stderr,
                   "usage: bench_eventlog [--dir DIR] [--quick] [--reps N] [--mix-agents N] "
                   "[--mix-seed S] [--mix-faults] [--no-mix]\n");
      return 2;
    }
  }
  std::string root = base + "/scaleio-bench-XXXXXX";
  if (::mkdtemp(root.data()) == nullptr) {
    std::fprintf(stderr, "bench: cannot create a directory under %s\n", base.c_str());
    return 1;
  }
  nlohmann::json out;
  out["benchmark"] = "eventlog";
  out["dir"] = root;
  out["reps"] = sizes.reps;
  out["hardware_threads"] = std::thread::hardware_concurrency();
  out["load_average_1m_at_start"] = load_average();

  // 1. Synced single and grouped writes, 2. unsynced batches of 1,000: against raw RocksDB.
  out.update(measure_writes(root, "", sizes, sample_event));

  // 3. Rebuilding a projection from the whole log.
  {
    auto log = open_log(root + "/rebuild", false);
    fill_unsynced(*log, sizes.rebuild_events, sample_event);
    std::vector<double> rates;
    size_t agents = 0;
    for (int r = 0; r < sizes.reps; ++r) {
      scaleio::AgentsProjection p;
      auto start = Steady::now();
      auto load = scaleio::load_projection(*log, p);
      must(load.status());
      rates.push_back(load->events_applied / seconds_since(start));
      agents = p.agents().size();
    }
    out["projection_rebuild"] = {{"events", sizes.rebuild_events},
                                 {"events_per_s", median(rates)},
                                 {"agents_in_projection", agents},
                                 {"target_events_per_s", 1'000'000}};
  }

  // 4. Start-up: open a log of millions of events, restore the snapshot, replay the tail.
  {
    std::string path = root + "/startup";
    {
      auto log = open_log(path, false);
      fill_unsynced(*log, sizes.startup_events, sample_event);
      scaleio::AgentsProjection p;
      must(scaleio::load_projection(*log, p).status());
      must(scaleio::save_projection_snapshot(*log, p, log->last_sequence()));
      fill_unsynced(*log, sizes.startup_tail, sample_event);
    }
    std::vector<double> times;
    uint64_t applied = 0;
    for (int r = 0; r < sizes.reps; ++r) {
      auto start = Steady::now();
      auto log = open_log(path, true);
      scaleio::AgentsProjection p;
      auto load = scaleio::load_projection(*log, p);
      must(load.status());
      if (!load->from_snapshot) {
        std::fprintf(stderr, "bench: start-up did not use the snapshot: %s\n",
                     load->snapshot_problem.c_str());
        return 1;
      }
      times.push_back(seconds_since(start));
      applied = load->events_applied;
    }
    out["startup_from_snapshot"] = {{"events_in_log", sizes.startup_events + sizes.startup_tail},
                                    {"tail_events_replayed", applied},
                                    {"seconds", median(times)},
                                    {"target_seconds", 1.0}};
  }

  // 5. The same over the events a real run of the whole operator appended.
  if (with_mix) {
    const auto start = Steady::now();
    const SystemMix mix = must(capture_system_mix(mix_options));
    nlohmann::json section;
    section["source"] = {{"run", "sim/dst, converging from empty"},
                         {"agents", mix_options.agents},
                         {"seed", mix_options.seed},
                         {"faults", mix_options.faults},
                         {"converged", mix.converged},
                         {"summary", mix.run_summary},
                         {"seconds_to_capture", seconds_since(start)}};
    section["mix"] = describe_mix(mix.events);
    section.update(measure_system_mix(root, sizes, mix.events));
    out["system_mix"] = section;
  }

  out["load_average_1m_at_end"] = load_average();
  std::error_code ec;
  fs::remove_all(root, ec);
  std::printf("%s\n", out.dump(2).c_str());
  return 0;
}
