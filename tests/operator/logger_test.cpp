#include "cli/operator/logger.h"

#include <catch2/catch.hpp>
#include <cstdio>
#include <nlohmann/json.hpp>

namespace {

using scaleio::ManualClock;
using scaleio::operator_daemon::Logger;
using scaleio::operator_daemon::LogLevel;

// Everything the logger wrote to its FILE.
std::string written(std::FILE* f) {
  std::fflush(f);
  std::rewind(f);
  std::string out;
  char buffer[512];
  while (size_t n = std::fread(buffer, 1, sizeof buffer, f)) out.append(buffer, n);
  return out;
}

}  // namespace

TEST_CASE("text records carry time, level, component and quoted fields") {
  ManualClock clock;
  std::FILE* f = std::tmpfile();
  Logger log(clock, false, LogLevel::kInfo, f);
  log.info("mesos", "subscribed", {{"framework_id", "abc-1"}, {"note", "two words"}});
  log.debug("mesos", "not shown");
  const std::string out = written(f);
  CHECK(out ==
        "2023-11-14T22:13:20.000Z info mesos: subscribed framework_id=abc-1 "
        "note=\"two words\"\n");
  std::fclose(f);
}

TEST_CASE("json records are one object per line") {
  ManualClock clock;
  std::FILE* f = std::tmpfile();
  Logger log(clock, true, LogLevel::kDebug, f);
  log.warn("gateway", "unreachable", {{"error", "connection refused"}});
  const auto j = nlohmann::json::parse(written(f));
  CHECK(j["level"] == "warn");
  CHECK(j["component"] == "gateway");
  CHECK(j["msg"] == "unreachable");
  CHECK(j["error"] == "connection refused");
  std::fclose(f);
}

TEST_CASE("registered secrets never reach the output") {
  ManualClock clock;
  std::FILE* f = std::tmpfile();
  Logger log(clock, false, LogLevel::kInfo, f);
  log.redact("s3cr3t-passw0rd");
  log.error("gateway", "login failed for s3cr3t-passw0rd twice s3cr3t-passw0rd");
  const std::string out = written(f);
  CHECK(out.find("s3cr3t") == std::string::npos);
  CHECK(out.find("[redacted] twice [redacted]") != std::string::npos);
  std::fclose(f);
}
