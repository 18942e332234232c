// The log on a real data disk that fills up or turns read-only under it (issue 10): appends are
// refused with a code that says what to do, reads keep working, and once the disk takes writes
// again the next append succeeds by itself — with every acknowledged event there exactly once.
#include <atomic>
#include <chrono>
#include <iostream>
#include <string>
#include <vector>

#include <rocksdb/env.h>
#include <rocksdb/file_system.h>
#include <catch2/catch.hpp>

#include "eventlog/rocks_event_log.h"
#include "tests/eventlog/events_for_tests.h"
#include "tests/eventlog/full_disk_env.h"
#include "tests/eventlog/small_disk.h"
#include "tests/support/temp_dir.h"

using scaleio::ExpectedVersion;
using scaleio::StatusCode;
using scaleio::eventlog::RocksEventLog;
using scaleio::testing::agent_seen;
using scaleio::testing::command;
using scaleio::testing::FullDiskFileSystem;
using scaleio::testing::one;
using scaleio::testing::SmallTmpfs;
using scaleio::testing::TempDir;
using namespace std::chrono_literals;

namespace {

constexpr const char* kStream = "commands";

// What the test was told is durable, in order: the target of each acknowledged event.
struct Acknowledged {
  std::vector<std::string> targets;

  // Appends one event whose target is `name` plus padding (so appends need new pages soon).
  scaleio::Result<scaleio::AppendResult> append(RocksEventLog& log, const std::string& name) {
    auto r = log.append(kStream, ExpectedVersion::exactly(targets.size()),
                        one(command("pause", name + std::string(3000, '.'))));
    if (r.ok()) {
      CHECK(r->first_sequence == targets.size() + 1);
      targets.push_back(name);
    }
    return r;
  }

  // Every acknowledged event, exactly once, in order, through each way of reading.
  void check(const RocksEventLog& log) const {
    CHECK(log.last_sequence() == targets.size());
    auto all = log.read(1, targets.size() + 10);
    REQUIRE(all.ok());
    REQUIRE(all->size() == targets.size());
    for (size_t i = 0; i < targets.size(); ++i) {
      CHECK((*all)[i].sequence() == i + 1);
      CHECK((*all)[i].operator_command().target().substr(0, targets[i].size()) == targets[i]);
    }
    auto version = log.stream_version(kStream);
    REQUIRE(version.ok());
    CHECK(*version == targets.size());
    auto by_stream = log.read_stream(kStream, 1, targets.size() + 10);
    REQUIRE(by_stream.ok());
    CHECK(by_stream->size() == targets.size());
    auto by_type = log.read_type((*all)[0].event_type(), 1, targets.size() + 10);
    REQUIRE(by_type.ok());
    CHECK(by_type->size() == targets.size());
  }
};

// Appends until the full disk refuses one; returns that refusal.
scaleio::Status append_until_refused(RocksEventLog& log, Acknowledged& acked,
                                     const std::string& round) {
  for (int i = 0; i < 200; ++i) {
    auto r = acked.append(log, round + "-fill-" + std::to_string(i));
    if (!r.ok()) return r.status();
  }
  return scaleio::Status();
}

}  // namespace

TEST_CASE(
    "a full data disk refuses appends, keeps serving reads, and recovers by itself, five "
    "times over") {
  TempDir dir;
  SmallTmpfs disk(dir.sub("data"), "16m");
  if (!disk.mounted()) FAIL("cannot mount a tmpfs (the suite runs as root): " << disk.error());
  Acknowledged acked;
  {
    auto opened = RocksEventLog::open(disk.path());
    REQUIRE(opened.ok());
    RocksEventLog& log = **opened;
    for (int round = 0; round < 5; ++round) {
      const std::string name = "round" + std::to_string(round);
      INFO(name);
      for (int i = 0; i < 3; ++i)
        REQUIRE(acked.append(log, name + "-before-" + std::to_string(i)).ok());

      REQUIRE(disk.fill() > 0);
      scaleio::Status refused = append_until_refused(log, acked, name);
      INFO(refused.to_string());
      REQUIRE_FALSE(refused.ok());
      CHECK(refused.code() == StatusCode::kResourceExhausted);
      CHECK_THAT(refused.message(), Catch::Contains(disk.path()) &&
                                        Catch::Contains("disk is full") &&
                                        Catch::Contains("Free space"));
      // Closing the failed handle gives back what RocksDB had reserved (the WAL's preallocated
      // tail): fill that too. Still full: still refused the same way, and everything
      // acknowledged is readable.
      disk.fill();
      for (int i = 0; i < 3; ++i) {
        auto again = acked.append(log, name + "-refused-" + std::to_string(i));
        REQUIRE_FALSE(again.ok());
        CHECK(again.status().code() == StatusCode::kResourceExhausted);
      }
      acked.check(log);

      disk.free_space();
      const auto freed = std::chrono::steady_clock::now();
      auto resumed = acked.append(log, name + "-after");
      const auto took = std::chrono::steady_clock::now() - freed;
      INFO(resumed.status().to_string());
      REQUIRE(resumed.ok());
      std::cerr << "full disk, " << name << ": the first append after freeing space took "
                << std::chrono::duration_cast<std::chrono::milliseconds>(took).count()
                << " ms (recovery included)\n";
      acked.check(log);
    }
  }
  auto reopened = RocksEventLog::open(disk.path());
  REQUIRE(reopened.ok());
  acked.check(**reopened);
}

TEST_CASE("a data disk remounted read-only refuses appends clearly and resumes once read-write") {
  TempDir dir;
  SmallTmpfs disk(dir.sub("data"), "16m");
  if (!disk.mounted()) FAIL("cannot mount a tmpfs (the suite runs as root): " << disk.error());
  Acknowledged acked;
  {
    auto opened = RocksEventLog::open(disk.path());
    REQUIRE(opened.ok());
    RocksEventLog& log = **opened;
    for (int i = 0; i < 3; ++i) REQUIRE(acked.append(log, "before-" + std::to_string(i)).ok());
    // The kernel remounts read-only only once no file is open for writing, and the log keeps
    // its WAL open while it writes. A failed write is what makes it let go (as after the disk
    // errors that make a real file system read-only): fill the disk to get one.
    REQUIRE(disk.fill() > 0);
    REQUIRE_FALSE(append_until_refused(log, acked, "fill").ok());
    disk.free_space();
    INFO(disk.error());
    REQUIRE(disk.remount_read_only());

    for (int i = 0; i < 3; ++i) {
      auto refused = acked.append(log, "refused-" + std::to_string(i));
      INFO(refused.status().to_string());
      REQUIRE_FALSE(refused.ok());
      CHECK(refused.status().code() == StatusCode::kFailedPrecondition);
      CHECK_THAT(refused.status().message(), Catch::Contains(disk.path()) &&
                                                 Catch::Contains("read-only") &&
                                                 Catch::Contains("remount it read-write"));
    }
    acked.check(log);
    // Readiness checks see the same, and asking to resume changes nothing while read-only.
    CHECK(log.write_health().code() == StatusCode::kFailedPrecondition);
    CHECK(log.resume_writes().code() == StatusCode::kFailedPrecondition);

    REQUIRE(disk.remount_read_write());
    const auto writable = std::chrono::steady_clock::now();
    // Nothing appended yet: the log still reports the failure until something reopens it —
    // resume_writes() does, without an event (an idle daemon's readiness check).
    CHECK_FALSE(log.write_health().ok());
    scaleio::Status reopened_for_writes = log.resume_writes();
    INFO(reopened_for_writes.to_string());
    REQUIRE(reopened_for_writes.ok());
    CHECK(log.write_health().ok());
    CHECK(log.last_sequence() == acked.targets.size());  // the reopen appended nothing
    auto resumed = acked.append(log, "after");
    INFO(resumed.status().to_string());
    REQUIRE(resumed.ok());
    std::cerr << "read-only disk: the first append after remounting read-write took "
              << std::chrono::duration_cast<std::chrono::milliseconds>(
                     std::chrono::steady_clock::now() - writable)
                     .count()
              << " ms (recovery included)\n";
    acked.check(log);
  }
  auto reopened = RocksEventLog::open(disk.path());
  REQUIRE(reopened.ok());
  acked.check(**reopened);
}

TEST_CASE(
    "an append that failed after its bytes reached the disk is not in the log after recovery") {
  TempDir dir;
  auto disk = std::make_shared<FullDiskFileSystem>(rocksdb::FileSystem::Default());
  std::unique_ptr<rocksdb::Env> env = rocksdb::NewCompositeEnv(disk);
  scaleio::eventlog::EventLogOptions o;
  o.env = env.get();
  Acknowledged acked;
  {
    auto opened = RocksEventLog::open(dir.path(), o);
    REQUIRE(opened.ok());
    RocksEventLog& log = **opened;
    for (int i = 0; i < 3; ++i) REQUIRE(acked.append(log, "before-" + std::to_string(i)).ok());

    disk->syncs_fail = true;
    auto failed = log.append("agents", ExpectedVersion::any(), one(agent_seen("ghost")));
    INFO(failed.status().to_string());
    REQUIRE_FALSE(failed.ok());
    CHECK(failed.status().code() == StatusCode::kUnavailable);
    CHECK_THAT(failed.status().message(), Catch::Contains(dir.path()));
    acked.check(log);

    disk->syncs_fail = false;
    auto after = acked.append(log, "after");  // takes the failed append's sequence, 4
    INFO(after.status().to_string());
    REQUIRE(after.ok());
    acked.check(log);
    // Neither the failed event nor its index entries came back with the reopen.
    CHECK(log.read_type("AgentObserved", 1, 10)->empty());
    CHECK(*log.stream_version("agents") == 0);
  }
  auto reopened = RocksEventLog::open(dir.path());
  REQUIRE(reopened.ok());
  acked.check(**reopened);
  CHECK((*reopened)->read_type("AgentObserved", 1, 10)->empty());
  CHECK(*(*reopened)->stream_version("agents") == 0);
}
