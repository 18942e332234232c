// Structured logs: one line per record, as text ("2026-11-25T03:12:00.123Z info mesos: subscribed
// framework_id=...") or JSON ({"ts":..., "level":..., "component":..., "msg":..., fields}).
// Thread-safe. Secrets registered with redact() are replaced by "[redacted]" in every record —
// a last line of defence; code must not log them in the first place.
#pragma once

#include <cstdio>
#include <mutex>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/clock.h"

namespace scaleio::operator_daemon {

enum class LogLevel { kDebug = 0, kInfo = 1, kWarn = 2, kError = 3 };

class Logger {
 public:
  using Fields = std::vector<std::pair<std::string, std::string>>;

  Logger(const Clock& clock, bool json, LogLevel min_level, std::FILE* out = stderr)
      : clock_(clock), json_(json), min_level_(min_level), out_(out) {}

  static LogLevel parse_level(std::string_view name);  // unknown names give kInfo

  void log(LogLevel level, std::string_view component, std::string_view message,
           const Fields& fields = {});
  void debug(std::string_view c, std::string_view m, const Fields& f = {}) {
    log(LogLevel::kDebug, c, m, f);
  }
  void info(std::string_view c, std::string_view m, const Fields& f = {}) {
    log(LogLevel::kInfo, c, m, f);
  }
  void warn(std::string_view c, std::string_view m, const Fields& f = {}) {
    log(LogLevel::kWarn, c, m, f);
  }
  void error(std::string_view c, std::string_view m, const Fields& f = {}) {
    log(LogLevel::kError, c, m, f);
  }

  // Never print `secret` (empty strings and very short ones are ignored: they would redact
  // ordinary words).
  void redact(const std::string& secret);
  void flush();

 private:
  std::string scrub(std::string text) const;

  const Clock& clock_;
  const bool json_;
  const LogLevel min_level_;
  std::FILE* out_;
  std::mutex mu_;
  std::vector<std::string> secrets_;
};

}  // namespace scaleio::operator_daemon
