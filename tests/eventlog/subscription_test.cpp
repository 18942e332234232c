// subscribe(from): replay, then follow, with no gap and no duplicate; and a reader in another
// "process" (a RocksDB secondary instance) following a live writer.
#include <thread>

#include <catch2/catch.hpp>

#include "eventlog/rocks_event_log.h"
#include "tests/eventlog/events_for_tests.h"
#include "tests/support/temp_dir.h"

using scaleio::ExpectedVersion;
using scaleio::StatusCode;
using scaleio::eventlog::RocksEventLog;
using scaleio::testing::command;
using scaleio::testing::one;
using scaleio::testing::TempDir;
using namespace std::chrono_literals;

TEST_CASE("a subscription replays from its start, then follows new appends") {
  TempDir dir;
  auto log = RocksEventLog::open(dir.path());
  REQUIRE(log.ok());
  for (int i = 0; i < 10; ++i) {
    REQUIRE((*log)->append("s", ExpectedVersion::any(), one(command("c", std::to_string(i)))).ok());
  }
  auto sub = (*log)->subscribe(4);
  auto first = sub->next_batch(3, 0ms);
  REQUIRE(first.ok());
  REQUIRE(first->size() == 3);
  CHECK(first->front().sequence() == 4);
  auto rest = sub->next_batch(100, 0ms);
  REQUIRE(rest->size() == 4);
  CHECK(rest->back().sequence() == 10);
  CHECK(sub->next_batch(100, 10ms)->empty());  // nothing new: times out empty

  bool appended = false;
  std::thread writer([&] {
    std::this_thread::sleep_for(20ms);
    appended =
        (*log)->append("s", ExpectedVersion::any(), {command("n", "11"), command("n", "12")}).ok();
  });
  auto fresh = sub->next_batch(100, 10s);  // woken by the append, well before 10 s
  writer.join();
  REQUIRE(appended);
  REQUIRE(fresh.ok());
  REQUIRE_FALSE(fresh->empty());
  CHECK(fresh->front().sequence() == 11);
  CHECK(sub->next_sequence() == fresh->back().sequence() + 1);
}

TEST_CASE("closing the log wakes subscribers with an error") {
  TempDir dir;
  auto log = RocksEventLog::open(dir.path());
  REQUIRE(log.ok());
  auto sub = (*log)->subscribe(1);
  std::thread closer([&] {
    std::this_thread::sleep_for(20ms);
    (*log)->close();
  });
  auto r = sub->next_batch(10, 30s);
  closer.join();
  REQUIRE_FALSE(r.ok());
  CHECK(r.status().code() == StatusCode::kUnavailable);
  CHECK((*log)->append("s", ExpectedVersion::any(), one(command("c", "x"))).status().code() ==
        StatusCode::kUnavailable);
}

TEST_CASE("a read-only instance reads a live log and follows the writer") {
  TempDir dir;
  auto writer = RocksEventLog::open(dir.path());
  REQUIRE(writer.ok());
  for (int i = 0; i < 5; ++i) {
    REQUIRE(
        (*writer)->append("s", ExpectedVersion::any(), one(command("c", std::to_string(i)))).ok());
  }
  auto reader = RocksEventLog::open_read_only(dir.path());
  INFO(reader.status().to_string());
  REQUIRE(reader.ok());
  CHECK((*reader)->read_only());
  CHECK((*reader)->last_sequence() == 5);
  CHECK((*reader)->read_stream("s", 1, 100)->size() == 5);
  CHECK((*reader)->append("s", ExpectedVersion::any(), one(command("c", "x"))).status().code() ==
        StatusCode::kFailedPrecondition);

  REQUIRE((*writer)->append("s", ExpectedVersion::any(), one(command("c", "late"))).ok());
  REQUIRE((*reader)->catch_up().ok());
  CHECK((*reader)->last_sequence() == 6);

  auto sub = (*reader)->subscribe(6);
  bool appended = false;
  std::thread more([&] {
    std::this_thread::sleep_for(30ms);
    appended = (*writer)->append("s", ExpectedVersion::any(), one(command("c", "later"))).ok();
  });
  std::vector<scaleio::Envelope> seen;
  for (int i = 0; i < 100 && seen.size() < 2; ++i) {
    auto b = sub->next_batch(10, 100ms);
    REQUIRE(b.ok());
    seen.insert(seen.end(), b->begin(), b->end());
  }
  more.join();
  REQUIRE(appended);
  REQUIRE(seen.size() == 2);
  CHECK(seen[0].operator_command().target() == "late");
  CHECK(seen[1].operator_command().target() == "later");
}
