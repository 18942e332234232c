// GET /v1/events: the query (from, limit, stream, type) checked once, then answered from the log
// as a page or followed as a stream of NDJSON lines.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "core/event_store.h"

namespace scaleio::operator_daemon {

struct EventQuery {
  uint64_t from = 1;
  size_t limit = 100;
  std::string stream;  // "" = every stream
  std::string type;    // "" = every type
  bool follow = false;

  bool matches(const Envelope& event) const;
};

inline constexpr size_t kMaxEventPage = 10'000;

// InvalidArgument naming the parameter for a bad value.
Result<EventQuery> parse_event_query(const std::map<std::string, std::string>& query);

// One page: events matching the query with sequence >= from, at most limit.
Result<std::vector<Envelope>> read_events(const EventStore& store, const EventQuery& query);

}  // namespace scaleio::operator_daemon
