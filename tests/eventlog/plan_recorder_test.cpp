// PlanComputed is appended only when the plan changes, with every problem named.
#include <catch2/catch.hpp>

#include "core/plan/plan_builder.h"
#include "core/plan/plan_recorder.h"
#include "eventlog/rocks_event_log.h"
#include "tests/support/temp_dir.h"

using scaleio::eventlog::RocksEventLog;
using scaleio::events::AgentObserved;
using scaleio::events::Attribute;
using namespace scaleio::plan;

namespace {

AgentObserved agent(const std::string& host, const std::string& persona, const std::string& id) {
  AgentObserved a;
  a.set_hostname(host);
  a.set_agent_id(id);
  a.set_ip("10.0.0.1");
  auto* p = a.add_attributes();
  p->set_name("scaleio-persona");
  p->set_type(Attribute::TEXT);
  p->set_text(persona);
  return a;
}

}  // namespace

TEST_CASE("a PlanComputed event is appended only when the plan changes") {
  scaleio::testing::TempDir dir;
  auto log = std::move(RocksEventLog::open(dir.path())).value();
  std::vector<AgentObserved> agents{agent("a", "primary", "S1")};

  REQUIRE(record_plan_if_changed(*log, build_plan(agents, {})).value());
  for (int pass = 0; pass < 100; ++pass) {
    REQUIRE_FALSE(record_plan_if_changed(*log, build_plan(agents, {})).value());
  }
  agents[0].set_agent_id("S2");  // the agent restarted: same plan
  REQUIRE_FALSE(record_plan_if_changed(*log, build_plan(agents, {})).value());
  CHECK(log->last_sequence() == 1);

  agents.push_back(agent("b", "arbiter\xa9", "S3"));  // a change, with a problem and bad UTF-8
  REQUIRE(record_plan_if_changed(*log, build_plan(agents, {})).value());
  auto events = log->read_type("PlanComputed", 1, 10);
  REQUIRE(events->size() == 2);
  const auto& second = events->back().plan_computed();
  CHECK(second.nodes() == 2);
  CHECK(second.content_hash() == build_plan(agents, {}).content_hash());
  REQUIRE(second.problems_size() == 1);
  CHECK(second.problems(0).severity() == "cluster-error");
  CHECK(second.problems(0).host() == "b");
  CHECK(second.problems(0).attribute() == "scaleio-persona");
  CHECK_THAT(second.problems(0).message(), Catch::Contains("unknown persona"));
  CHECK(nlohmann::json::parse(second.plan_json())["nodes"].size() == 2);
}
