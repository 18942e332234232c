#include "cli/operator/logger.h"

#include <nlohmann/json.hpp>

#include "core/views/json_views.h"

namespace scaleio::operator_daemon {

namespace {

const char* level_name(LogLevel level) {
  switch (level) {
    case LogLevel::kDebug:
      return "debug";
    case LogLevel::kInfo:
      return "info";
    case LogLevel::kWarn:
      return "warn";
    case LogLevel::kError:
      return "error";
  }
  return "info";
}

// Text values with spaces or quotes are quoted so that lines stay machine-splittable.
std::string text_value(const std::string& v) {
  if (!v.empty() && v.find_first_of(" \"=\t\n") == std::string::npos) return v;
  nlohmann::json j = v;
  return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

}  // namespace

LogLevel Logger::parse_level(std::string_view name) {
  if (name == "debug") return LogLevel::kDebug;
  if (name == "warn") return LogLevel::kWarn;
  if (name == "error") return LogLevel::kError;
  return LogLevel::kInfo;
}

void Logger::redact(const std::string& secret) {
  if (secret.size() < 4) return;
  std::lock_guard lock(mu_);
  secrets_.push_back(secret);
}

std::string Logger::scrub(std::string text) const {
  for (const auto& secret : secrets_) {
    for (size_t pos = text.find(secret); pos != std::string::npos; pos = text.find(secret, pos)) {
      text.replace(pos, secret.size(), "[redacted]");
    }
  }
  return text;
}

void Logger::log(LogLevel level, std::string_view component, std::string_view message,
                 const Fields& fields) {
  if (level < min_level_) return;
  const std::string ts = views::iso8601_utc(clock_.now_unix_ms());
  std::string line;
  if (json_) {
    nlohmann::json j = {{"ts", ts},
                        {"level", level_name(level)},
                        {"component", std::string(component)},
                        {"msg", std::string(message)}};
    for (const auto& [k, v] : fields) j[k] = v;
    line = j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  } else {
    line =
        ts + " " + level_name(level) + " " + std::string(component) + ": " + std::string(message);
    for (const auto& [k, v] : fields) line += " " + k + "=" + text_value(v);
  }
  std::lock_guard lock(mu_);
  line = scrub(std::move(line));
  line += '\n';
  std::fwrite(line.data(), 1, line.size(), out_);
  if (level >= LogLevel::kWarn) std::fflush(out_);
}

void Logger::flush() {
  std::lock_guard lock(mu_);
  std::fflush(out_);
}

}  // namespace scaleio::operator_daemon
