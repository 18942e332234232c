// The event log's write-side measurements, each against raw RocksDB writing the same bytes on the
// same disk. They take their events from an EventSource so that the same measurement runs over
// the synthetic event and over the system's real mix (bench/system_mix.h).
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "eventlog/rocks_event_log.h"

namespace scaleio::bench {

// The i-th event to write. An event that carries a stream id is appended to that stream.
using EventSource = std::function<Envelope(uint64_t i)>;

std::unique_ptr<eventlog::RocksEventLog> open_log(const std::string& path, bool sync);

// Raw RocksDB, one synced Put per event of the source's serialised bytes, for `seconds`.
double raw_synced_puts_per_second(const std::string& path, double seconds,
                                  const EventSource& source);
// Raw RocksDB, unsynced WriteBatches of 1,000 Puts of the source's serialised bytes.
double raw_unsynced_batch_puts_per_second(const std::string& path, uint64_t events,
                                          const EventSource& source);
// Synced single-event appends from `threads` threads for `seconds` (group commit merges them).
double appends_per_second(eventlog::RocksEventLog& log, int threads, double seconds,
                          const EventSource& source);

enum class BatchStreams {
  kOnePerBatch,  // each batch of `batch` events is one append to one stream (the measurement)
  kTheEvents,    // each batch is split into one append per stream its events name (filling a
                 // log with the daemon's own streams and stream index)
};
void fill_unsynced(eventlog::RocksEventLog& log, uint64_t events, const EventSource& source,
                   BatchStreams streams = BatchStreams::kOnePerBatch, uint64_t batch = 1000);

}  // namespace scaleio::bench
