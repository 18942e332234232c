#include "cli/operator/event_query.h"

#include <catch2/catch.hpp>

#include "eventlog/rocks_event_log.h"
#include "tests/support/temp_dir.h"

using namespace scaleio;
using operator_daemon::EventQuery;
using operator_daemon::parse_event_query;
using operator_daemon::read_events;

namespace {

Envelope command(const std::string& target) {
  Envelope e;
  e.mutable_operator_command()->set_command("pause");
  e.mutable_operator_command()->set_target(target);
  return e;
}

Envelope agent(const std::string& host) {
  Envelope e;
  e.mutable_agent_observed()->set_hostname(host);
  return e;
}

}  // namespace

TEST_CASE("event queries are checked parameter by parameter") {
  auto q = parse_event_query({{"from", "5"}, {"limit", "20"}, {"type", "AgentObserved"}});
  REQUIRE(q.ok());
  CHECK(q->from == 5);
  CHECK(q->limit == 20);
  CHECK(q->type == "AgentObserved");
  CHECK_FALSE(q->follow);
  CHECK(parse_event_query({{"follow", "true"}})->follow);
  CHECK(parse_event_query({{"from", "0"}})->from == 1);

  auto bad_limit = parse_event_query({{"limit", "0"}});
  REQUIRE_FALSE(bad_limit.ok());
  CHECK_THAT(bad_limit.status().message(), Catch::Contains("limit"));
  CHECK_FALSE(parse_event_query({{"limit", "100001"}}).ok());
  CHECK_FALSE(parse_event_query({{"from", "-3"}}).ok());
  CHECK_FALSE(parse_event_query({{"from", "3x"}}).ok());
  CHECK_FALSE(parse_event_query({{"follow", "maybe"}}).ok());
  auto unknown = parse_event_query({{"strem", "plan"}});
  REQUIRE_FALSE(unknown.ok());
  CHECK_THAT(unknown.status().message(), Catch::Contains("strem"));
}

TEST_CASE("event pages come from the log, filtered by stream and type, from a sequence") {
  testing::TempDir dir;
  auto log = eventlog::RocksEventLog::open(dir.path() + "/log");
  REQUIRE(log.ok());
  EventStore& store = **log;
  // 1..600: agents on "agents/h<i>" interleaved with operator commands on "operator".
  for (int i = 1; i <= 300; ++i) {
    REQUIRE(store.append("agents/h" + std::to_string(i % 3), ExpectedVersion::any(),
                         {agent("h" + std::to_string(i))})
                .ok());
    REQUIRE(store.append("operator", ExpectedVersion::any(), {command("nodes")}).ok());
  }

  EventQuery all;
  all.limit = 10;
  auto page = read_events(store, all);
  REQUIRE(page.ok());
  REQUIRE(page->size() == 10);
  CHECK(page->front().sequence() == 1);
  CHECK(page->back().sequence() == 10);

  EventQuery by_type;
  by_type.type = "OperatorCommand";
  by_type.from = 101;
  by_type.limit = 1000;
  auto commands = read_events(store, by_type);
  REQUIRE(commands.ok());
  CHECK(commands->size() == 250);  // the even sequences 102..600
  for (const auto& e : *commands) CHECK(e.event_type() == "OperatorCommand");

  EventQuery by_stream;
  by_stream.stream = "agents/h1";
  by_stream.from = 300;
  by_stream.limit = 5;
  auto h1 = read_events(store, by_stream);
  REQUIRE(h1.ok());
  REQUIRE(h1->size() == 5);
  for (const auto& e : *h1) {
    CHECK(e.stream_id() == "agents/h1");
    CHECK(e.sequence() >= 300);
  }
  CHECK(h1->front().sequence() < h1->back().sequence());

  EventQuery both;
  both.stream = "operator";
  both.type = "OperatorCommand";
  both.from = 599;
  auto last = read_events(store, both);
  REQUIRE(last.ok());
  REQUIRE(last->size() == 1);
  CHECK(last->front().sequence() == 600);
}
