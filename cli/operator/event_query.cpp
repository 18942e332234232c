#include "cli/operator/event_query.h"

#include <algorithm>
#include <charconv>

namespace scaleio::operator_daemon {

namespace {

Result<uint64_t> parse_unsigned(const std::map<std::string, std::string>& query,
                                const std::string& name, uint64_t fallback) {
  auto it = query.find(name);
  if (it == query.end() || it->second.empty()) return fallback;
  uint64_t value = 0;
  const auto [end, ec] =
      std::from_chars(it->second.data(), it->second.data() + it->second.size(), value);
  if (ec != std::errc() || end != it->second.data() + it->second.size()) {
    return invalid_argument("query parameter '" + name + "': '" + it->second +
                            "' is not a non-negative integer");
  }
  return value;
}

}  // namespace

bool EventQuery::matches(const Envelope& event) const {
  return (stream.empty() || event.stream_id() == stream) &&
         (type.empty() || event.event_type() == type);
}

Result<EventQuery> parse_event_query(const std::map<std::string, std::string>& query) {
  static const std::vector<std::string> kKnown = {"from", "limit", "stream", "type", "follow"};
  for (const auto& [key, value] : query) {
    if (std::find(kKnown.begin(), kKnown.end(), key) == kKnown.end()) {
      return invalid_argument("unknown query parameter '" + key +
                              "' (known: from, limit, stream, type, follow)");
    }
  }
  EventQuery q;
  auto from = parse_unsigned(query, "from", 1);
  if (!from.ok()) return from.status();
  q.from = std::max<uint64_t>(*from, 1);
  auto limit = parse_unsigned(query, "limit", 100);
  if (!limit.ok()) return limit.status();
  if (*limit == 0 || *limit > kMaxEventPage) {
    return invalid_argument("query parameter 'limit' must be between 1 and " +
                            std::to_string(kMaxEventPage));
  }
  q.limit = *limit;
  if (auto it = query.find("stream"); it != query.end()) q.stream = it->second;
  if (auto it = query.find("type"); it != query.end()) q.type = it->second;
  if (auto it = query.find("follow"); it != query.end()) {
    if (it->second == "" || it->second == "true" || it->second == "1") {
      q.follow = true;
    } else if (it->second != "false" && it->second != "0") {
      return invalid_argument("query parameter 'follow': use true or false");
    }
  }
  return q;
}

Result<std::vector<Envelope>> read_events(const EventStore& store, const EventQuery& query) {
  std::vector<Envelope> out;
  if (!query.stream.empty() && query.type.empty()) {
    // The stream index: a stream's events in order; those before `from` are skipped.
    uint64_t version = 1;
    while (out.size() < query.limit) {
      auto batch = store.read_stream(query.stream, version, 1024);
      if (!batch.ok()) return batch.status();
      if (batch->empty()) break;
      version = batch->back().stream_version() + 1;  // before the events are moved out
      for (auto& event : *batch) {
        if (event.sequence() >= query.from) out.push_back(std::move(event));
        if (out.size() == query.limit) break;
      }
    }
    return out;
  }
  // The type index is the narrowest read when a type is given; the stream filter is applied on
  // top. Without either, the log is read in sequence order.
  uint64_t next = query.from;
  while (out.size() < query.limit) {
    const size_t want = std::max<size_t>(query.limit, 256);
    auto batch = query.type.empty() ? store.read(next, want)
                                    : store.read_type(query.type, next, want);
    if (!batch.ok()) return batch.status();
    if (batch->empty()) break;
    next = batch->back().sequence() + 1;  // before the events are moved out
    const bool last_page = batch->size() < want;
    for (auto& event : *batch) {
      if (query.matches(event)) out.push_back(std::move(event));
      if (out.size() == query.limit) break;
    }
    if (last_page) break;
  }
  return out;
}

}  // namespace scaleio::operator_daemon
