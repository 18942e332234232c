// A log written by a newer build (new payload types, new fields) is read by this build without
// misreading: unknown parts are preserved and skipped.
#include <google/protobuf/unknown_field_set.h>
#include <catch2/catch.hpp>

#include "core/agents_projection.h"
#include "eventlog/rocks_event_log.h"
#include "tests/eventlog/events_for_tests.h"
#include "tests/support/temp_dir.h"

using scaleio::Envelope;
using scaleio::ExpectedVersion;
using scaleio::eventlog::RocksEventLog;
using scaleio::testing::agent_seen;
using scaleio::testing::one;
using scaleio::testing::TempDir;

TEST_CASE("an event of a payload type this build does not know is kept and skipped") {
  TempDir dir;
  auto log = std::move(RocksEventLog::open(dir.path())).value();
  REQUIRE(log->append("node/a", ExpectedVersion::any(), one(agent_seen("a"))).ok());

  // What a newer build would write: payload field 150, named by its event_type.
  Envelope future;
  future.set_event_type("VolumeResized");
  future.GetReflection()->MutableUnknownFields(&future)->AddLengthDelimited(
      150, std::string("\x0a\x03pg1", 5));
  auto r = log->append("node/a", ExpectedVersion::exactly(1), one(future));
  INFO(r.status().to_string());
  REQUIRE(r.ok());
  REQUIRE(log->append("node/a", ExpectedVersion::exactly(2), one(agent_seen("a", "S2"))).ok());

  auto events = log->read(1, 10);
  REQUIRE(events->size() == 3);
  const Envelope& read_back = (*events)[1];
  CHECK(read_back.payload_case() == Envelope::PAYLOAD_NOT_SET);
  CHECK(read_back.event_type() == "VolumeResized");
  CHECK(read_back.stream_version() == 2);
  // Preserved byte for byte: re-serialising keeps field 150.
  Envelope copy;
  REQUIRE(copy.ParseFromString(read_back.SerializeAsString()));
  const auto& kept = copy.GetReflection()->GetUnknownFields(copy);
  REQUIRE(kept.field_count() == 1);
  CHECK(kept.field(0).number() == 150);
  CHECK(log->read_type("VolumeResized", 1, 10)->size() == 1);

  // Projections skip what they do not know and still see everything else.
  scaleio::AgentsProjection agents;
  REQUIRE(scaleio::load_projection(*log, agents).ok());
  CHECK(agents.agents().at("a").agent_id() == "S2");
}

TEST_CASE("new fields inside a known payload survive a round trip through this build") {
  TempDir dir;
  auto log = std::move(RocksEventLog::open(dir.path())).value();
  Envelope e = agent_seen("b");
  auto* agent = e.mutable_agent_observed();
  agent->GetReflection()->MutableUnknownFields(agent)->AddVarint(99, 12345);
  REQUIRE(log->append("node/b", ExpectedVersion::any(), one(e)).ok());
  auto events = log->read(1, 1);
  REQUIRE(events->size() == 1);
  const auto& read_agent = events->front().agent_observed();
  const auto& unknown = read_agent.GetReflection()->GetUnknownFields(read_agent);
  REQUIRE(unknown.field_count() == 1);
  CHECK(unknown.field(0).number() == 99);
  CHECK(unknown.field(0).varint() == 12345);
  CHECK(events->front().agent_observed().hostname() == "b");
}
