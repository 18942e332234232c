// A real event log (RocksDB, in a TempDir) holding a small cluster the way the daemon would have
// written it: three agents with scaleio attributes, the Mesos framework, the gateway's
// observations of a converged ScaleIO system and the storage_pools reconciler's actions. Every
// event has a timestamp one minute after the previous one, from kStartUnixMs, so tests can name
// moments. The writer stays open, as the daemon's would: scaleioctl must read beside it.
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "core/events.pb.h"
#include "eventlog/rocks_event_log.h"
#include "tests/support/temp_dir.h"

namespace scaleio::ctl::testing {

// 2026-11-25T03:00:00Z
inline constexpr int64_t kStartUnixMs = 1'795'575'600'000;

struct ClusterOptions {
  bool observe_sdc_of_host3 = true;  // false: drift (sdc/host-3 missing)
};

class ClusterLog {
 public:
  explicit ClusterLog(ClusterOptions options = {});

  const std::string& path() const { return path_; }
  eventlog::RocksEventLog& log() { return *log_; }

  // Sequences of landmarks.
  uint64_t pool_created = 0;     // the StoragePoolObserved of pd1/sp1
  uint64_t before_volume = 0;    // the last event before the volume was observed
  uint64_t volume_observed = 0;  // the VolumeObserved of data1
  uint64_t last = 0;

  // Appends one event to `stream` at the next minute; returns its sequence.
  uint64_t append(const std::string& stream, events::Envelope event);
  // Appends with an explicit timestamp.
  uint64_t append_at(const std::string& stream, events::Envelope event, int64_t unix_ms);

 private:
  scaleio::testing::TempDir dir_;
  std::string path_;
  std::unique_ptr<eventlog::RocksEventLog> log_;
  int64_t next_ms_ = kStartUnixMs;
};

// The address of host-N in the fixture.
std::string host_ip(int n);

}  // namespace scaleio::ctl::testing
