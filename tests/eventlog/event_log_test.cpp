// The log's core contract: atomic appends with expected versions, reads by sequence, stream and
// type, and durability across reopen.
#include <sys/stat.h>

#include <catch2/catch.hpp>

#include "eventlog/rocks_event_log.h"
#include "tests/eventlog/events_for_tests.h"
#include "tests/support/temp_dir.h"

using scaleio::Envelope;
using scaleio::ExpectedVersion;
using scaleio::StatusCode;
using scaleio::eventlog::RocksEventLog;
using scaleio::testing::agent_seen;
using scaleio::testing::command;
using scaleio::testing::one;
using scaleio::testing::TempDir;

namespace {

std::unique_ptr<RocksEventLog> open_log(const std::string& path,
                                        scaleio::eventlog::EventLogOptions o = {}) {
  auto log = RocksEventLog::open(path, o);
  INFO(log.status().to_string());
  REQUIRE(log.ok());
  return std::move(log).value();
}

}  // namespace

TEST_CASE("append assigns contiguous sequences, stream versions, type and timestamp") {
  TempDir dir;
  scaleio::ManualClock clock;
  scaleio::eventlog::EventLogOptions o;
  o.clock = &clock;
  auto log = open_log(dir.path(), o);
  CHECK(log->last_sequence() == 0);

  std::vector<Envelope> batch{agent_seen("h1"), agent_seen("h2"), command("pause", "nodes")};
  auto r = log->append("node/h1", ExpectedVersion::no_stream(), batch);
  REQUIRE(r.ok());
  CHECK(r->first_sequence == 1);
  CHECK(r->last_sequence == 3);
  CHECK(r->stream_version == 3);

  auto r2 = log->append("mdm", ExpectedVersion::any(), one(command("resume", "nodes")));
  REQUIRE(r2.ok());
  CHECK(r2->first_sequence == 4);
  CHECK(r2->stream_version == 1);
  CHECK(log->last_sequence() == 4);

  auto all = log->read(1, 100);
  REQUIRE(all.ok());
  REQUIRE(all->size() == 4);
  for (size_t i = 0; i < all->size(); ++i) CHECK((*all)[i].sequence() == i + 1);
  CHECK((*all)[0].event_type() == "AgentObserved");
  CHECK((*all)[2].event_type() == "OperatorCommand");
  CHECK((*all)[2].stream_id() == "node/h1");
  CHECK((*all)[2].stream_version() == 3);
  CHECK((*all)[3].stream_id() == "mdm");
  CHECK((*all)[0].timestamp_unix_ms() == clock.now_unix_ms());
  CHECK((*all)[0].agent_observed().hostname() == "h1");
}

TEST_CASE("a wrong expected version is a conflict and writes nothing") {
  TempDir dir;
  auto log = open_log(dir.path());
  REQUIRE(log->append("mdm", ExpectedVersion::no_stream(), one(command("a", "x"))).ok());
  REQUIRE(log->append("mdm", ExpectedVersion::exactly(1), one(command("b", "x"))).ok());

  auto stale =
      log->append("mdm", ExpectedVersion::exactly(1), {command("c", "x"), command("d", "x")});
  REQUIRE_FALSE(stale.ok());
  CHECK(stale.status().code() == StatusCode::kAborted);
  CHECK_THAT(stale.status().message(),
             Catch::Contains("expected version 1") && Catch::Contains("at 2"));
  auto again = log->append("mdm", ExpectedVersion::no_stream(), one(command("c", "x")));
  CHECK(again.status().code() == StatusCode::kAborted);

  CHECK(log->last_sequence() == 2);
  CHECK(log->stream_version("mdm").value() == 2);
  auto events = log->read(1, 10);
  REQUIRE(events->size() == 2);

  // "any" disables the check.
  REQUIRE(log->append("mdm", ExpectedVersion::any(), one(command("e", "x"))).ok());
  CHECK(log->stream_version("mdm").value() == 3);
  CHECK(log->last_sequence() == 3);
}

TEST_CASE("reads by stream and by type") {
  TempDir dir;
  auto log = open_log(dir.path());
  for (int i = 0; i < 5; ++i) {
    REQUIRE(log->append("node/a", ExpectedVersion::any(), one(agent_seen("a", std::to_string(i))))
                .ok());
    REQUIRE(
        log->append("node/ab", ExpectedVersion::any(), one(command("x", std::to_string(i)))).ok());
  }
  // "node/a" must not pick up "node/ab": stream keys are NUL-terminated prefixes.
  auto a = log->read_stream("node/a", 1, 100);
  REQUIRE(a.ok());
  REQUIRE(a->size() == 5);
  for (size_t i = 0; i < 5; ++i) {
    CHECK((*a)[i].stream_version() == i + 1);
    CHECK((*a)[i].agent_observed().agent_id() == std::to_string(i));
  }
  auto tail = log->read_stream("node/a", 4, 100);
  REQUIRE(tail->size() == 2);
  CHECK(tail->front().stream_version() == 4);
  CHECK(log->read_stream("node/none", 1, 10)->empty());
  CHECK(log->stream_version("node/none").value() == 0);

  auto commands = log->read_type("OperatorCommand", 1, 100);
  REQUIRE(commands->size() == 5);
  for (const auto& e : *commands) CHECK(e.stream_id() == "node/ab");
  auto later = log->read_type("OperatorCommand", 7, 2);
  REQUIRE(later->size() == 2);
  CHECK(later->front().sequence() >= 7);
  CHECK(log->read_type("AgentObserved", 1, 100)->size() == 5);
  CHECK(log->read(8, 100)->size() == 3);
  CHECK(log->read(11, 100)->empty());
}

TEST_CASE("invalid appends are refused with a clear error") {
  TempDir dir;
  auto log = open_log(dir.path());
  CHECK(log->append("", ExpectedVersion::any(), one(command("a", "b"))).status().code() ==
        StatusCode::kInvalidArgument);
  CHECK(log->append(std::string("a\0b", 3), ExpectedVersion::any(), one(command("a", "b")))
            .status()
            .code() == StatusCode::kInvalidArgument);
  CHECK(log->append("s", ExpectedVersion::any(), {}).status().code() ==
        StatusCode::kInvalidArgument);
  auto no_payload = log->append("s", ExpectedVersion::any(), {command("a", "b"), Envelope()});
  CHECK(no_payload.status().code() == StatusCode::kInvalidArgument);
  CHECK_THAT(no_payload.status().message(), Catch::Contains("#1") && Catch::Contains("no payload"));
  // proto3 would write it and then refuse to read it back.
  auto binary =
      log->append("s", ExpectedVersion::any(), one(scaleio::testing::agent_seen("h\xa9st")));
  CHECK(binary.status().code() == StatusCode::kInvalidArgument);
  CHECK_THAT(binary.status().message(), Catch::Contains("not valid UTF-8"));
  CHECK(log->append("s", ExpectedVersion::any(), one(scaleio::testing::agent_seen("hôst-é"))).ok());
  CHECK(log->read(1, 10)->front().agent_observed().hostname() == "hôst-é");
}

TEST_CASE("everything appended survives closing and reopening, and appends continue") {
  TempDir dir;
  {
    auto log = open_log(dir.path());
    for (int i = 0; i < 100; ++i) {
      REQUIRE(log->append("node/h" + std::to_string(i % 7), ExpectedVersion::any(),
                          one(agent_seen("h" + std::to_string(i))))
                  .ok());
    }
  }
  auto log = open_log(dir.path());
  CHECK(log->last_sequence() == 100);
  CHECK(log->stream_version("node/h3").value() == 14);
  auto r = log->append("node/h3", ExpectedVersion::exactly(14), one(agent_seen("again")));
  REQUIRE(r.ok());
  CHECK(r->first_sequence == 101);
  CHECK(r->stream_version == 15);
  auto events = log->read(1, 1000);
  REQUIRE(events->size() == 101);
  CHECK(events->at(99).agent_observed().hostname() == "h99");
}

TEST_CASE("a new data dir is created with mode 0700") {
  TempDir dir;
  std::string path = dir.sub("a/b/data");
  auto log = open_log(path);
  struct stat st {};
  REQUIRE(::stat(path.c_str(), &st) == 0);
  CHECK((st.st_mode & 0777) == 0700);
}
