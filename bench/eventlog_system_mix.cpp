#include "bench/eventlog_system_mix.h"

#include <array>
#include <map>
#include <memory>

#include <rocksdb/db.h>

#include "bench/bench_util.h"
#include "bench/eventlog_measures.h"
#include "core/action_journal.h"
#include "core/agents_projection.h"
#include "core/mesos_tasks_projection.h"
#include "core/observed/observed_projection.h"
#include "core/plan/settings.h"
#include "reconcilers/runtime/live_state.h"

namespace scaleio::bench {

namespace {

// The projections a LiveState folds, in the order LiveState::load loads them.
struct DaemonProjections {
  AgentsProjection agents;
  MesosTasksProjection tasks;
  observed::ObservedProjection observed;
  ActionJournal journal;
  std::array<Projection*, 4> all() { return {&agents, &tasks, &observed, &journal}; }
};

// Raw RocksDB's floor for a replay: iterate the same values (written by
// raw_unsynced_batch_puts_per_second) with the log's read options, optionally parsing each.
double raw_iterate_per_second(const std::string& path, bool parse) {
  rocksdb::DB* raw = nullptr;
  if (!rocksdb::DB::Open(rocksdb::Options(), path, &raw).ok()) std::exit(1);
  std::unique_ptr<rocksdb::DB> db(raw);
  rocksdb::ReadOptions ro;
  ro.readahead_size = 2 << 20;
  ro.fill_cache = false;
  std::unique_ptr<rocksdb::Iterator> it(db->NewIterator(ro));
  Envelope e;
  uint64_t n = 0, bytes = 0;
  const auto start = Steady::now();
  for (it->SeekToFirst(); it->Valid(); it->Next()) {
    if (parse) {
      if (!e.ParseFromArray(it->value().data(), static_cast<int>(it->value().size()))) std::exit(1);
    }
    bytes += it->value().size();
    ++n;
  }
  const double s = seconds_since(start);
  if (bytes == 0) std::exit(1);
  return n / s;
}

nlohmann::json measure_rebuild(const std::string& root, const EventlogSizes& sizes,
                               const EventSource& source) {
  const uint64_t n = sizes.rebuild_events;
  auto log = open_log(root + "/mix-rebuild", false);
  fill_unsynced(*log, n, source, BatchStreams::kTheEvents);
  const std::string raw_path = root + "/mix-raw-rebuild";
  (void)raw_unsynced_batch_puts_per_second(raw_path, n, source);

  std::map<std::string, std::vector<double>> per_projection;
  std::vector<double> four_loads, one_scan, scan_only, raw_iter, raw_parse;
  // The same per CPU second of this thread: figures that the machine's other work does not move.
  std::vector<double> four_loads_cpu, one_scan_cpu;
  size_t agents = 0, tasks = 0;
  for (int r = 0; r < sizes.reps; ++r) {
    // As LiveState::load does without snapshots: each projection loads on its own.
    DaemonProjections d;
    double total = 0;
    double cpu = thread_cpu_seconds();
    for (Projection* p : d.all()) {
      const auto start = Steady::now();
      const ProjectionLoad load = must(load_projection(*log, *p));
      const double s = seconds_since(start);
      if (load.events_applied != n) {
        std::fprintf(stderr, "bench: %s applied %llu of %llu events\n",
                     std::string(p->name()).c_str(),
                     static_cast<unsigned long long>(load.events_applied),
                     static_cast<unsigned long long>(n));
        std::exit(1);
      }
      per_projection[std::string(p->name())].push_back(n / s);
      total += s;
    }
    four_loads.push_back(n / total);
    four_loads_cpu.push_back(n / (thread_cpu_seconds() - cpu));
    agents = d.agents.agents().size();
    tasks = d.tasks.tasks().size();

    // As LiveState::catch_up does: one scan feeds all four.
    DaemonProjections fed;
    auto start = Steady::now();
    cpu = thread_cpu_seconds();
    must(log->scan(1, n, [&](const Envelope& e) {
      for (Projection* p : fed.all()) p->apply(e);
      return true;
    }));
    one_scan.push_back(n / seconds_since(start));
    one_scan_cpu.push_back(n / (thread_cpu_seconds() - cpu));

    start = Steady::now();
    must(log->scan(1, n, [](const Envelope&) { return true; }));
    scan_only.push_back(n / seconds_since(start));

    raw_iter.push_back(raw_iterate_per_second(raw_path, false));
    raw_parse.push_back(raw_iterate_per_second(raw_path, true));
  }
  nlohmann::json projections = nlohmann::json::object();
  for (const auto& [name, rates] : per_projection) projections[name] = median(rates);
  return {{"events", n},
          {"agents_in_projection", agents},
          {"tasks_in_projection", tasks},
          {"per_projection_load_events_per_s", projections},
          {"four_projection_loads_events_per_s", median(four_loads)},
          {"four_projection_loads_events_per_cpu_s", median(four_loads_cpu)},
          {"one_scan_feeding_four_events_per_s", median(one_scan)},
          {"one_scan_feeding_four_events_per_cpu_s", median(one_scan_cpu)},
          {"scan_decode_only_events_per_s", median(scan_only)},
          {"raw_rocksdb_iterate_per_s", median(raw_iter)},
          {"raw_rocksdb_iterate_and_parse_per_s", median(raw_parse)},
          {"ratio_one_scan_feeding_four_to_raw_iterate_and_parse",
           median(one_scan) / median(raw_parse)},
          {"target_events_per_s", 1'000'000}};
}

nlohmann::json measure_startup(const std::string& root, const EventlogSizes& sizes,
                               const EventSource& source) {
  const std::string path = root + "/mix-startup";
  const plan::ClusterSettings settings;
  {
    auto log = open_log(path, false);
    fill_unsynced(*log, sizes.startup_events, source, BatchStreams::kTheEvents);
    reconcilers::LiveState live(*log, settings);
    must(live.load().status());
    must(live.save_snapshots());
    // The tail continues the mix where the snapshot left it.
    fill_unsynced(
        *log, sizes.startup_tail, [&](uint64_t i) { return source(sizes.startup_events + i); },
        BatchStreams::kTheEvents);
  }
  std::vector<double> times;
  nlohmann::json from_snapshot;
  uint64_t in_log = 0;
  for (int r = 0; r < sizes.reps; ++r) {
    const auto start = Steady::now();
    auto log = open_log(path, true);
    reconcilers::LiveState live(*log, settings);
    const reconcilers::LiveStateLoad load = must(live.load());
    times.push_back(seconds_since(start));
    from_snapshot = load.from_snapshot;
    in_log = load.last_sequence;
  }
  // Where that time goes: each projection's own load, once.
  nlohmann::json breakdown = nlohmann::json::object();
  {
    auto log = open_log(path, true);
    DaemonProjections d;
    for (Projection* p : d.all()) {
      const auto start = Steady::now();
      const double cpu = thread_cpu_seconds();
      const ProjectionLoad load = must(load_projection(*log, *p));
      breakdown[std::string(p->name())] = {{"seconds", seconds_since(start)},
                                           {"cpu_seconds", thread_cpu_seconds() - cpu},
                                           {"from_snapshot", load.from_snapshot},
                                           {"events_replayed", load.events_applied}};
    }
  }
  return {{"events_in_log", in_log},
          {"live_state_load_seconds", median(times)},
          {"projections_from_snapshot", from_snapshot},
          {"per_projection", breakdown},
          {"target_seconds", 1.0}};
}

}  // namespace

nlohmann::json measure_writes(const std::string& root, const std::string& prefix,
                              const EventlogSizes& sizes, const EventSource& source) {
  nlohmann::json out;
  // Repetitions alternate raw and ours, so that disk weather hits both alike.
  std::vector<double> raw, ours, grouped;
  {
    auto log = open_log(root + "/" + prefix + "synced", true);
    for (int r = 0; r < sizes.reps; ++r) {
      raw.push_back(raw_synced_puts_per_second(root + "/" + prefix + "raw-" + std::to_string(r),
                                               sizes.sync_seconds, source));
      ours.push_back(appends_per_second(*log, 1, sizes.sync_seconds, source));
      grouped.push_back(appends_per_second(*log, 8, sizes.sync_seconds, source));
    }
  }
  const double raw_m = median(raw), ours_m = median(ours), grouped_m = median(grouped);
  out["synced_single"] = {{"raw_rocksdb_puts_per_s", raw_m},
                          {"append_events_per_s", ours_m},
                          {"ratio_append_to_raw", ours_m / raw_m},
                          {"target_ratio", 0.8}};
  out["synced_group_commit_8_threads"] = {{"events_per_s", grouped_m},
                                          {"speedup_over_single_appender", grouped_m / ours_m},
                                          {"target_speedup", 4.0}};

  std::vector<double> rates, raw_rates;
  for (int r = 0; r < sizes.reps; ++r) {
    raw_rates.push_back(raw_unsynced_batch_puts_per_second(
        root + "/" + prefix + "raw-unsynced-" + std::to_string(r), sizes.unsynced_events, source));
    auto log = open_log(root + "/" + prefix + "unsynced-" + std::to_string(r), false);
    const auto start = Steady::now();
    fill_unsynced(*log, sizes.unsynced_events, source);
    rates.push_back(sizes.unsynced_events / seconds_since(start));
  }
  out["unsynced_batches_of_1000"] = {{"events", sizes.unsynced_events},
                                     {"events_per_s", median(rates)},
                                     {"raw_rocksdb_puts_per_s", median(raw_rates)},
                                     {"ratio_append_to_raw", median(rates) / median(raw_rates)},
                                     {"target_events_per_s", 300'000}};
  return out;
}

nlohmann::json measure_system_mix(const std::string& root, const EventlogSizes& sizes,
                                  const std::vector<Envelope>& mix) {
  const EventSource source = [&mix](uint64_t i) { return mix[i % mix.size()]; };
  nlohmann::json out = measure_writes(root, "mix-", sizes, source);
  out["projection_rebuild"] = measure_rebuild(root, sizes, source);
  out["startup_from_snapshot"] = measure_startup(root, sizes, source);
  return out;
}

}  // namespace scaleio::bench
