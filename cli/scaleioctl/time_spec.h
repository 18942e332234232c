// The ways a person names a moment on the command line: an event sequence ("412"), an RFC 3339
// time ("2026-11-25T03:12:00Z", "2026-11-25T04:12:00+01:00") or a duration ago ("2h", "1h30m",
// "90s"). A point in time maps to an event by binary search over the log's timestamps, which the
// log assigns at append and which therefore grow with the sequence.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <variant>

#include "core/status.h"

namespace scaleio::ctl {

// "500ms", "90s", "5m", "2h", "7d", compounds like "1h30m"; a plain number is seconds.
// InvalidArgument naming the text otherwise.
Result<int64_t> parse_duration_ms(const std::string& text);

// RFC 3339 with 'Z' or a numeric offset, fractional seconds optional. InvalidArgument otherwise.
Result<int64_t> parse_rfc3339_ms(const std::string& text);

struct SequencePoint {
  uint64_t sequence = 0;
};
struct TimePoint {
  int64_t unix_ms = 0;
};
using Moment = std::variant<SequencePoint, TimePoint>;

// Digits = a sequence; else an RFC 3339 time; else a duration before `now_unix_ms`.
// InvalidArgument that lists the three accepted forms.
Result<Moment> parse_moment(const std::string& text, int64_t now_unix_ms);

// The timestamp of the event with this sequence (1 <= sequence <= last).
using TimestampAt = std::function<Result<int64_t>(uint64_t sequence)>;

// The last event at or before `unix_ms`; NotFound when the log's first event is later (or the log
// is empty).
Result<uint64_t> last_sequence_at_or_before(int64_t unix_ms, uint64_t last_sequence,
                                            const TimestampAt& timestamp_at);
// The first event at or after `unix_ms`; last_sequence + 1 when there is none yet.
Result<uint64_t> first_sequence_at_or_after(int64_t unix_ms, uint64_t last_sequence,
                                            const TimestampAt& timestamp_at);

}  // namespace scaleio::ctl
