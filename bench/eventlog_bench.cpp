// Event-log benchmark: prints one JSON document with the figures of docs/performance.md.
// Every comparison is made in this one run, on the same disk (the --dir given, default $TMPDIR).
//   bench_eventlog [--dir DIR] [--quick] [--reps N]
// --quick shrinks every size so the suite can check that the benchmark still runs.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <thread>
#include <vector>

#include <rocksdb/db.h>
#include <rocksdb/write_batch.h>
#include <nlohmann/json.hpp>

#include "core/agents_projection.h"
#include "eventlog/rocks_event_log.h"

using scaleio::Envelope;
using scaleio::ExpectedVersion;
using scaleio::eventlog::EventLogOptions;
using scaleio::eventlog::RocksEventLog;
using Clock = std::chrono::steady_clock;
namespace fs = std::filesystem;

namespace {

struct Sizes {
  int reps = 5;
  double sync_seconds = 1.0;  // per repetition of a synced measurement
  uint64_t unsynced_events = 500'000;
  uint64_t rebuild_events = 1'000'000;
  uint64_t startup_events = 5'000'000;
  uint64_t startup_tail = 10'000;
};

double seconds_since(Clock::time_point t) {
  return std::chrono::duration<double>(Clock::now() - t).count();
}

// Other work on the machine skews absolute figures (ratios within one run much less): record it.
double load_average() {
  double one_minute = -1;
  if (FILE* f = std::fopen("/proc/loadavg", "r")) {
    if (std::fscanf(f, "%lf", &one_minute) != 1) one_minute = -1;
    std::fclose(f);
  }
  return one_minute;
}

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v.empty() ? 0 : v[v.size() / 2];
}

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

std::unique_ptr<RocksEventLog> open_log(const std::string& path, bool sync) {
  EventLogOptions o;
  o.sync = sync;
  auto log = RocksEventLog::open(path, o);
  if (!log.ok()) {
    std::fprintf(stderr, "bench: %s\n", log.status().to_string().c_str());
    std::exit(1);
  }
  return std::move(log).value();
}

void must(const scaleio::Status& s) {
  if (!s.ok()) {
    std::fprintf(stderr, "bench: %s\n", s.to_string().c_str());
    std::exit(1);
  }
}

// Raw RocksDB: one synced Put per event, the same value bytes our log writes.
double raw_synced_puts_per_second(const std::string& path, double seconds) {
  rocksdb::Options o;
  o.create_if_missing = true;
  rocksdb::DB* raw = nullptr;
  if (!rocksdb::DB::Open(o, path, &raw).ok()) std::exit(1);
  std::unique_ptr<rocksdb::DB> db(raw);
  rocksdb::WriteOptions wo;
  wo.sync = true;
  std::string value = sample_event(1).SerializeAsString();
  uint64_t n = 0;
  auto start = Clock::now();
  while (seconds_since(start) < seconds) {
    char key[8];
    for (int b = 0; b < 8; ++b) key[b] = static_cast<char>((n >> (56 - 8 * b)) & 0xff);
    if (!db->Put(wo, rocksdb::Slice(key, 8), value).ok()) std::exit(1);
    ++n;
  }
  return n / seconds_since(start);
}

// Raw RocksDB: WriteBatches of 1,000 Puts, unsynced.
double raw_unsynced_batch_puts_per_second(const std::string& path, uint64_t events) {
  rocksdb::Options o;
  o.create_if_missing = true;
  rocksdb::DB* raw = nullptr;
  if (!rocksdb::DB::Open(o, path, &raw).ok()) std::exit(1);
  std::unique_ptr<rocksdb::DB> db(raw);
  auto start = Clock::now();
  for (uint64_t i = 0; i < events; i += 1000) {
    rocksdb::WriteBatch batch;
    for (uint64_t k = i; k < i + 1000 && k < events; ++k) {
      char key[8];
      for (int b = 0; b < 8; ++b) key[b] = static_cast<char>((k >> (56 - 8 * b)) & 0xff);
      batch.Put(rocksdb::Slice(key, 8), sample_event(k).SerializeAsString());
    }
    if (!db->Write(rocksdb::WriteOptions(), &batch).ok()) std::exit(1);
  }
  return events / seconds_since(start);
}

double appends_per_second(RocksEventLog& log, int threads, double seconds) {
  std::vector<uint64_t> counts(threads, 0);
  std::vector<std::thread> workers;
  auto start = Clock::now();
  for (int t = 0; t < threads; ++t) {
    workers.emplace_back([&, t] {
      std::string stream = "bench/" + std::to_string(t);
      while (seconds_since(start) < seconds) {
        std::vector<Envelope> one;
        one.push_back(sample_event(counts[t]));
        must(log.append(stream, ExpectedVersion::any(), std::move(one)).status());
        ++counts[t];
      }
    });
  }
  for (auto& w : workers) w.join();
  uint64_t total = 0;
  for (auto c : counts) total += c;
  return total / seconds_since(start);
}

void fill_unsynced(RocksEventLog& log, uint64_t events, uint64_t batch = 1000) {
  for (uint64_t i = 0; i < events; i += batch) {
    std::vector<Envelope> b;
    b.reserve(batch);
    for (uint64_t k = 0; k < batch && i + k < events; ++k) b.push_back(sample_event(i + k));
    must(
        log.append("fill/" + std::to_string((i / batch) % 64), ExpectedVersion::any(), std::move(b))
            .status());
  }
}

}  // namespace

int main(int argc, char** argv) {
  Sizes sizes;
  std::string base = fs::temp_directory_path().string();
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    if (a == "--quick") {
      sizes = Sizes{1, 0.1, 5'000, 10'000, 20'000, 1'000};
    } else if (a == "--dir" && i + 1 < argc) {
      base = argv[++i];
    } else if (a == "--reps" && i + 1 < argc) {
      sizes.reps = std::max(1, std::atoi(argv[++i]));
    } else {
      std::fprintf(stderr, "usage: bench_eventlog [--dir DIR] [--quick] [--reps N]\n");
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

  // 1. Synced single writes: raw RocksDB vs our append. Repetitions alternate so that disk
  //    weather hits both alike.
  std::vector<double> raw, ours, grouped;
  {
    auto log = open_log(root + "/synced", true);
    for (int r = 0; r < sizes.reps; ++r) {
      raw.push_back(
          raw_synced_puts_per_second(root + "/raw-" + std::to_string(r), sizes.sync_seconds));
      ours.push_back(appends_per_second(*log, 1, sizes.sync_seconds));
      grouped.push_back(appends_per_second(*log, 8, sizes.sync_seconds));
    }
  }
  double raw_m = median(raw), ours_m = median(ours), grouped_m = median(grouped);
  out["synced_single"] = {{"raw_rocksdb_puts_per_s", raw_m},
                          {"append_events_per_s", ours_m},
                          {"ratio_append_to_raw", ours_m / raw_m},
                          {"target_ratio", 0.8}};
  out["synced_group_commit_8_threads"] = {{"events_per_s", grouped_m},
                                          {"speedup_over_single_appender", grouped_m / ours_m},
                                          {"target_speedup", 4.0}};

  // 2. Unsynced batches of 1,000 events, against raw RocksDB WriteBatches of the same bytes.
  {
    std::vector<double> rates, raw_rates;
    for (int r = 0; r < sizes.reps; ++r) {
      raw_rates.push_back(raw_unsynced_batch_puts_per_second(
          root + "/raw-unsynced-" + std::to_string(r), sizes.unsynced_events));
      auto log = open_log(root + "/unsynced-" + std::to_string(r), false);
      auto start = Clock::now();
      fill_unsynced(*log, sizes.unsynced_events);
      rates.push_back(sizes.unsynced_events / seconds_since(start));
    }
    out["unsynced_batches_of_1000"] = {{"events", sizes.unsynced_events},
                                       {"events_per_s", median(rates)},
                                       {"raw_rocksdb_puts_per_s", median(raw_rates)},
                                       {"ratio_append_to_raw", median(rates) / median(raw_rates)},
                                       {"target_events_per_s", 300'000}};
  }

  // 3. Rebuilding a projection from the whole log.
  {
    auto log = open_log(root + "/rebuild", false);
    fill_unsynced(*log, sizes.rebuild_events);
    std::vector<double> rates;
    size_t agents = 0;
    for (int r = 0; r < sizes.reps; ++r) {
      scaleio::AgentsProjection p;
      auto start = Clock::now();
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
      fill_unsynced(*log, sizes.startup_events);
      scaleio::AgentsProjection p;
      must(scaleio::load_projection(*log, p).status());
      must(scaleio::save_projection_snapshot(*log, p, log->last_sequence()));
      fill_unsynced(*log, sizes.startup_tail);
    }
    std::vector<double> times;
    uint64_t applied = 0;
    for (int r = 0; r < sizes.reps; ++r) {
      auto start = Clock::now();
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

  out["load_average_1m_at_end"] = load_average();
  std::error_code ec;
  fs::remove_all(root, ec);
  std::printf("%s\n", out.dump(2).c_str());
  return 0;
}
