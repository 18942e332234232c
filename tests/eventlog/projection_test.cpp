// Snapshots make start-up fast; the log stays the truth.
#include <catch2/catch.hpp>

#include "core/agents_projection.h"
#include "eventlog/rocks_event_log.h"
#include "tests/eventlog/events_for_tests.h"
#include "tests/support/temp_dir.h"

using scaleio::AgentsProjection;
using scaleio::Envelope;
using scaleio::ExpectedVersion;
using scaleio::eventlog::RocksEventLog;
using scaleio::testing::agent_seen;
using scaleio::testing::one;
using scaleio::testing::TempDir;

namespace {

Envelope removed(const std::string& host) {
  Envelope e;
  e.mutable_agent_removed()->set_hostname(host);
  return e;
}

}  // namespace

TEST_CASE("a projection starts from its newest snapshot plus the tail, equal to a full replay") {
  TempDir dir;
  auto log = std::move(RocksEventLog::open(dir.path())).value();
  for (int i = 0; i < 50; ++i) {
    REQUIRE(log->append("agents", ExpectedVersion::any(),
                        one(agent_seen("h" + std::to_string(i % 10), "S" + std::to_string(i))))
                .ok());
  }
  AgentsProjection live;
  REQUIRE(scaleio::load_projection(*log, live).ok());
  REQUIRE(scaleio::save_projection_snapshot(*log, live, 50).ok());

  for (int i = 50; i < 60; ++i) {
    REQUIRE(
        log->append("agents", ExpectedVersion::any(), one(agent_seen("new" + std::to_string(i))))
            .ok());
  }
  REQUIRE(log->append("agents", ExpectedVersion::any(), one(removed("h3"))).ok());

  AgentsProjection from_snapshot;
  auto load = scaleio::load_projection(*log, from_snapshot);
  REQUIRE(load.ok());
  CHECK(load->from_snapshot);
  CHECK(load->snapshot_sequence == 50);
  CHECK(load->events_applied == 11);
  CHECK(load->last_sequence == 61);

  AgentsProjection full;
  REQUIRE(scaleio::catch_up_projection(*log, full, 0).ok());
  CHECK(full.save() == from_snapshot.save());
  CHECK(from_snapshot.agents().size() == 19);
  CHECK(from_snapshot.agents().count("h3") == 0);
  CHECK(from_snapshot.agents().at("h9").agent_id() == "S49");
}

TEST_CASE("time travel: a projection as of an earlier sequence ignores newer snapshots") {
  TempDir dir;
  auto log = std::move(RocksEventLog::open(dir.path())).value();
  for (int i = 0; i < 20; ++i) {
    REQUIRE(log->append("agents", ExpectedVersion::any(), one(agent_seen("h" + std::to_string(i))))
                .ok());
  }
  AgentsProjection p;
  REQUIRE(scaleio::load_projection(*log, p).ok());
  REQUIRE(scaleio::save_projection_snapshot(*log, p, 20).ok());
  auto load = scaleio::load_projection(*log, p, 5);
  REQUIRE(load.ok());
  CHECK_FALSE(load->from_snapshot);
  CHECK(p.agents().size() == 5);
}

TEST_CASE("an unusable snapshot is ignored and the projection rebuilt from the log") {
  TempDir dir;
  auto log = std::move(RocksEventLog::open(dir.path())).value();
  for (int i = 0; i < 5; ++i) {
    REQUIRE(log->append("agents", ExpectedVersion::any(), one(agent_seen("h" + std::to_string(i))))
                .ok());
  }
  scaleio::Snapshot junk;
  junk.sequence = 5;
  junk.format_version = 1;
  junk.state = "\xff\xff\xff not protobuf";
  REQUIRE(log->save_snapshot("agents", junk).ok());
  AgentsProjection p;
  auto load = scaleio::load_projection(*log, p);
  REQUIRE(load.ok());
  CHECK_FALSE(load->from_snapshot);
  CHECK_FALSE(load->snapshot_problem.empty());
  CHECK(p.agents().size() == 5);

  junk.format_version = 7;  // another build's encoding
  junk.state = p.save();
  REQUIRE(log->save_snapshot("agents", junk).ok());
  load = scaleio::load_projection(*log, p);
  CHECK_FALSE(load->from_snapshot);
  CHECK_THAT(load->snapshot_problem, Catch::Contains("format 7"));
}

TEST_CASE("the newest snapshot wins, and none may be ahead of the log") {
  TempDir dir;
  scaleio::eventlog::EventLogOptions o;
  o.snapshots_kept = 2;
  auto log = std::move(RocksEventLog::open(dir.path(), o)).value();
  for (int i = 0; i < 5; ++i) {
    REQUIRE(log->append("agents", ExpectedVersion::any(), one(agent_seen("h" + std::to_string(i))))
                .ok());
    REQUIRE(
        log->save_snapshot("agents", {static_cast<uint64_t>(i + 1), 1, std::to_string(i)}).ok());
  }
  auto latest = log->latest_snapshot("agents");
  REQUIRE(latest.ok());
  REQUIRE(latest->has_value());
  CHECK((*latest)->sequence == 5);
  CHECK((*latest)->state == "4");
  CHECK(log->save_snapshot("agents", {99, 1, "x"}).code() == scaleio::StatusCode::kInvalidArgument);
  CHECK_FALSE(log->latest_snapshot("other")->has_value());
}
