// The event-log benchmark over the system's real event mix (bench/system_mix.h): the same
// measurements as over the synthetic event, plus what the daemon itself folds and loads — the
// agents, mesos_tasks, scaleio-observed and action_journal projections (LiveState).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "bench/eventlog_measures.h"
#include "core/event_store.h"

namespace scaleio::bench {

struct EventlogSizes {
  int reps = 5;
  double sync_seconds = 1.0;  // per repetition of a synced measurement
  uint64_t unsynced_events = 500'000;
  uint64_t rebuild_events = 1'000'000;
  uint64_t startup_events = 5'000'000;
  uint64_t startup_tail = 10'000;
};

// The write measurements, each against raw RocksDB writing the same bytes on the same disk:
// "synced_single", "synced_group_commit_8_threads", "unsynced_batches_of_1000". Directories are
// `root`/`prefix`NAME.
nlohmann::json measure_writes(const std::string& root, const std::string& prefix,
                              const EventlogSizes& sizes, const EventSource& source);

// `mix`: the events of a real run, replayed in order, round and round, to the sizes asked for.
// Everything is written under `root`.
nlohmann::json measure_system_mix(const std::string& root, const EventlogSizes& sizes,
                                  const std::vector<Envelope>& mix);

}  // namespace scaleio::bench
