// The event log as the daemon's components see it: the real store, with every append timed into
// eventlog_append_duration_seconds. Everything else passes straight through.
#pragma once

#include <chrono>

#include "adapters/metrics/operator_metrics.h"
#include "core/event_store.h"

namespace scaleio::operator_daemon {

class TimedEventStore final : public EventStore {
 public:
  TimedEventStore(EventStore& inner, metrics::OperatorMetrics& metrics)
      : inner_(inner), metrics_(metrics) {}

  Result<AppendResult> append(std::string_view stream, ExpectedVersion expected,
                              std::vector<Envelope> events) override {
    const auto start = std::chrono::steady_clock::now();
    auto result = inner_.append(stream, expected, std::move(events));
    metrics_.eventlog_append_done(
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
    if (result.ok()) metrics_.set_eventlog_last_sequence(result->last_sequence);
    return result;
  }
  uint64_t last_sequence() const override { return inner_.last_sequence(); }
  Result<uint64_t> stream_version(std::string_view stream) const override {
    return inner_.stream_version(stream);
  }
  Result<std::vector<Envelope>> read(uint64_t from, size_t max) const override {
    return inner_.read(from, max);
  }
  Result<std::vector<Envelope>> read_stream(std::string_view stream, uint64_t from,
                                            size_t max) const override {
    return inner_.read_stream(stream, from, max);
  }
  Result<std::vector<Envelope>> read_type(std::string_view type, uint64_t from,
                                          size_t max) const override {
    return inner_.read_type(type, from, max);
  }
  Status scan(uint64_t from, uint64_t to, const EventVisitor& visit) const override {
    return inner_.scan(from, to, visit);
  }
  std::unique_ptr<EventSubscription> subscribe(uint64_t from) override {
    return inner_.subscribe(from);
  }
  Status save_snapshot(std::string_view projection, const Snapshot& snapshot) override {
    return inner_.save_snapshot(projection, snapshot);
  }
  Result<std::optional<Snapshot>> latest_snapshot(std::string_view projection) const override {
    return inner_.latest_snapshot(projection);
  }

 private:
  EventStore& inner_;
  metrics::OperatorMetrics& metrics_;
};

}  // namespace scaleio::operator_daemon
