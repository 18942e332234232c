// The event store port: what core/, reconcilers/ and the daemon need from the append-only log.
// eventlog/ implements it on RocksDB; the deterministic simulation may use an in-memory one.
#pragma once

#include <cstdint>
#include <functional>
#include <limits>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/clock.h"
#include "core/events.pb.h"
#include "core/status.h"

namespace scaleio {

using events::Envelope;

// What a writer believes the stream's current version is. Version 0 = the stream has no events.
class ExpectedVersion {
 public:
  static ExpectedVersion any() { return ExpectedVersion(kAny); }
  static ExpectedVersion no_stream() { return ExpectedVersion(0); }
  static ExpectedVersion exactly(uint64_t version) { return ExpectedVersion(version); }

  bool is_any() const { return value_ == kAny; }
  uint64_t value() const { return value_; }

 private:
  static constexpr uint64_t kAny = std::numeric_limits<uint64_t>::max();
  explicit ExpectedVersion(uint64_t v) : value_(v) {}
  uint64_t value_;
};

struct AppendResult {
  uint64_t first_sequence = 0;  // global sequence of the first appended event
  uint64_t last_sequence = 0;
  uint64_t stream_version = 0;  // the stream's version after the append
};

struct Snapshot {
  uint64_t sequence = 0;        // the state includes every event up to and including this one
  uint32_t format_version = 0;  // the projection's own encoding version
  std::string state;
};

// Follows the log from a starting sequence: replays, then waits for new events. Events come in
// sequence order with no gap and no duplicate.
class EventSubscription {
 public:
  virtual ~EventSubscription() = default;
  // Up to `max_events` events; waits up to `wait` when none is available yet (an empty vector then
  // means "nothing new"). An error means the log was closed or could not be read.
  virtual Result<std::vector<Envelope>> next_batch(size_t max_events, Clock::Duration wait) = 0;
  // The sequence the next returned event will have.
  virtual uint64_t next_sequence() const = 0;
};

// Called for each event of a scan; return false to stop.
using EventVisitor = std::function<bool(const Envelope&)>;

class EventStore {
 public:
  virtual ~EventStore() = default;

  // Appends `events` to `stream` atomically, all or nothing. Sequence, stream version, event type
  // and (when zero) timestamp are filled in by the store. A stream whose version differs from
  // `expected` gets kAborted and nothing is written.
  virtual Result<AppendResult> append(std::string_view stream, ExpectedVersion expected,
                                      std::vector<Envelope> events) = 0;

  // The highest durable sequence (0 for an empty log).
  virtual uint64_t last_sequence() const = 0;
  virtual Result<uint64_t> stream_version(std::string_view stream) const = 0;

  // Events with sequence >= from_sequence, at most max_events.
  virtual Result<std::vector<Envelope>> read(uint64_t from_sequence, size_t max_events) const = 0;
  // Events of one stream with stream_version >= from_version.
  virtual Result<std::vector<Envelope>> read_stream(std::string_view stream, uint64_t from_version,
                                                    size_t max_events) const = 0;
  // Events of one type (Envelope.event_type) with sequence >= from_sequence.
  virtual Result<std::vector<Envelope>> read_type(std::string_view event_type,
                                                  uint64_t from_sequence,
                                                  size_t max_events) const = 0;
  // Visits events [from_sequence, to_sequence] without materialising them all (projection rebuild).
  virtual Status scan(uint64_t from_sequence, uint64_t to_sequence,
                      const EventVisitor& visit) const = 0;

  virtual std::unique_ptr<EventSubscription> subscribe(uint64_t from_sequence) = 0;

  virtual Status save_snapshot(std::string_view projection, const Snapshot& snapshot) = 0;
  virtual Result<std::optional<Snapshot>> latest_snapshot(std::string_view projection) const = 0;
};

// The payload's message name ("AgentObserved"), or "" when the payload is not set or unknown to
// this build.
std::string payload_type_name(const Envelope& event);

}  // namespace scaleio
