#include "cli/scaleioctl/time_spec.h"

#include <cctype>
#include <ctime>

#include "core/views/json_views.h"

namespace scaleio::ctl {

namespace {

bool all_digits(const std::string& text) {
  if (text.empty()) return false;
  for (char c : text) {
    if (!std::isdigit(static_cast<unsigned char>(c))) return false;
  }
  return true;
}

// Reads `width` digits at `pos`; -1 when they are not there.
int digits_at(const std::string& text, size_t pos, size_t width) {
  if (pos + width > text.size()) return -1;
  int value = 0;
  for (size_t i = pos; i < pos + width; ++i) {
    if (!std::isdigit(static_cast<unsigned char>(text[i]))) return -1;
    value = value * 10 + (text[i] - '0');
  }
  return value;
}

}  // namespace

Result<int64_t> parse_duration_ms(const std::string& text) {
  const auto bad = [&] {
    return invalid_argument("'" + text +
                            "' is not a duration: use e.g. 90s, 5m, 2h, 1h30m, 7d or 500ms");
  };
  if (text.empty()) return bad();
  if (all_digits(text)) {
    if (text.size() > 12) return bad();
    return static_cast<int64_t>(std::stoll(text)) * 1000;
  }
  int64_t total = 0;
  size_t i = 0;
  while (i < text.size()) {
    size_t start = i;
    while (i < text.size() && std::isdigit(static_cast<unsigned char>(text[i]))) ++i;
    if (i == start || i - start > 12) return bad();
    const int64_t number = std::stoll(text.substr(start, i - start));
    start = i;
    while (i < text.size() && std::isalpha(static_cast<unsigned char>(text[i]))) ++i;
    const std::string unit = text.substr(start, i - start);
    int64_t scale = 0;
    if (unit == "ms") scale = 1;
    if (unit == "s") scale = 1000;
    if (unit == "m") scale = 60'000;
    if (unit == "h") scale = 3'600'000;
    if (unit == "d") scale = 86'400'000;
    if (scale == 0) return bad();
    total += number * scale;
  }
  return total;
}

Result<int64_t> parse_rfc3339_ms(const std::string& text) {
  const auto bad = [&] {
    return invalid_argument("'" + text +
                            "' is not an RFC 3339 time like 2026-11-25T03:12:00Z or "
                            "2026-11-25T04:12:00.5+01:00");
  };
  // YYYY-MM-DDTHH:MM:SS
  const int year = digits_at(text, 0, 4), month = digits_at(text, 5, 2),
            day = digits_at(text, 8, 2);
  const int hour = digits_at(text, 11, 2), minute = digits_at(text, 14, 2);
  const int second = digits_at(text, 17, 2);
  if (year < 0 || month < 1 || month > 12 || day < 1 || day > 31 || hour < 0 || hour > 23 ||
      minute < 0 || minute > 59 || second < 0 || second > 60 || text[4] != '-' || text[7] != '-' ||
      (text[10] != 'T' && text[10] != 't' && text[10] != ' ') || text[13] != ':' ||
      text[16] != ':') {
    return bad();
  }
  size_t pos = 19;
  int64_t millis = 0;
  if (pos < text.size() && text[pos] == '.') {
    ++pos;
    int64_t scale = 100;
    const size_t start = pos;
    while (pos < text.size() && std::isdigit(static_cast<unsigned char>(text[pos]))) {
      millis += (text[pos] - '0') * scale;
      scale /= 10;
      ++pos;
    }
    if (pos == start) return bad();
  }
  int64_t offset_s = 0;
  if (pos < text.size() && (text[pos] == 'Z' || text[pos] == 'z')) {
    ++pos;
  } else if (pos < text.size() && (text[pos] == '+' || text[pos] == '-')) {
    const int oh = digits_at(text, pos + 1, 2), om = digits_at(text, pos + 4, 2);
    if (oh < 0 || om < 0 || pos + 3 >= text.size() || text[pos + 3] != ':') return bad();
    offset_s = (text[pos] == '+' ? 1 : -1) * (oh * 3600 + om * 60);
    pos += 6;
  } else {
    return bad();  // a time without a zone would depend on where scaleioctl runs
  }
  if (pos != text.size()) return bad();
  std::tm tm{};
  tm.tm_year = year - 1900;
  tm.tm_mon = month - 1;
  tm.tm_mday = day;
  tm.tm_hour = hour;
  tm.tm_min = minute;
  tm.tm_sec = second;
  const int64_t seconds = static_cast<int64_t>(timegm(&tm)) - offset_s;
  return seconds * 1000 + millis;
}

Result<Moment> parse_moment(const std::string& text, int64_t now_unix_ms) {
  if (all_digits(text)) {
    if (text.size() > 19) return invalid_argument("sequence '" + text + "' is too large");
    return Moment(SequencePoint{std::stoull(text)});
  }
  if (text.size() >= 19 && text[4] == '-') {
    auto t = parse_rfc3339_ms(text);
    if (!t.ok()) return t.status();
    return Moment(TimePoint{*t});
  }
  auto d = parse_duration_ms(text);
  if (!d.ok()) {
    return invalid_argument("'" + text +
                            "' is not a moment: give an event sequence (412), an RFC 3339 time "
                            "(2026-11-25T03:12:00Z) or a duration ago (2h, 90m, 1h30m)");
  }
  return Moment(TimePoint{now_unix_ms - *d});
}

Result<uint64_t> last_sequence_at_or_before(int64_t unix_ms, uint64_t last_sequence,
                                            const TimestampAt& timestamp_at) {
  // Invariant: events [1, lo) are at or before unix_ms; events (hi, last] are after it.
  uint64_t lo = 1, hi = last_sequence;
  while (lo <= hi) {
    const uint64_t mid = lo + (hi - lo) / 2;
    auto t = timestamp_at(mid);
    if (!t.ok()) return t.status();
    if (*t <= unix_ms) {
      lo = mid + 1;
    } else {
      hi = mid - 1;
    }
  }
  if (lo == 1) {
    return not_found("no event at or before " + views::iso8601_utc(unix_ms) +
                     (last_sequence == 0 ? ": the log is empty" : ": the log starts later"));
  }
  return lo - 1;
}

Result<uint64_t> first_sequence_at_or_after(int64_t unix_ms, uint64_t last_sequence,
                                            const TimestampAt& timestamp_at) {
  uint64_t lo = 1, hi = last_sequence;
  while (lo <= hi) {
    const uint64_t mid = lo + (hi - lo) / 2;
    auto t = timestamp_at(mid);
    if (!t.ok()) return t.status();
    if (*t < unix_ms) {
      lo = mid + 1;
    } else {
      hi = mid - 1;
    }
  }
  return lo;
}

}  // namespace scaleio::ctl
