// Every rule of shared/design/plan-attributes.md, with its message.
#include <catch2/catch.hpp>

#include "core/plan/plan_builder.h"

using namespace scaleio::plan;
using scaleio::events::AgentObserved;
using scaleio::events::Attribute;

namespace {

struct Attr {
  std::string name;
  std::string value;
  Attribute::Type type = Attribute::TEXT;
};

AgentObserved agent(const std::string& host, std::vector<Attr> attrs, const std::string& ip = "") {
  AgentObserved a;
  a.set_hostname(host);
  a.set_agent_id("S-" + host);
  a.set_ip(ip.empty() ? "10.0.0." + std::to_string(host.size() + host.back()) : ip);
  for (const auto& at : attrs) {
    auto* x = a.add_attributes();
    x->set_name(at.name);
    x->set_type(at.type);
    x->set_text(at.value);
  }
  return a;
}

// The v0.3 three-node layout of the original's README, verbatim.
std::vector<AgentObserved> v03_cluster() {
  auto node = [](const std::string& host, const std::string& persona) {
    return agent(host, {{"scaleio-persona", persona},
                        {"scaleio-sds-domains", "pd1"},
                        {"scaleio-sds-pd1", "sp1"},
                        {"scaleio-sds-sp1", "/dev/xvdf"},
                        {"scaleio-sdc-domains", "pd1"},
                        {"scaleio-sdc-pd1", "sp1"}});
  };
  return {node("a", "primary"), node("b", "secondary"), node("c", "tiebreaker")};
}

std::vector<PlanProblem> problems_of(const Plan& plan, ProblemSeverity s) {
  std::vector<PlanProblem> out;
  for (const auto& p : plan.problems) {
    if (p.severity == s) out.push_back(p);
  }
  return out;
}

const PlanProblem& only_problem(const Plan& plan) {
  INFO(plan.to_json().dump(2));
  REQUIRE(plan.problems.size() == 1);
  return plan.problems.front();
}

}  // namespace

TEST_CASE("the v0.3 attributes work verbatim: a 3-node cluster with SDS and SDC everywhere") {
  Plan plan = build_plan(v03_cluster(), {});
  INFO(plan.to_json().dump(2));
  CHECK(plan.problems.empty());
  REQUIRE(plan.nodes.size() == 3);
  CHECK(plan.mdm.valid);
  CHECK(plan.mdm.size == 3);
  CHECK(plan.mdm.primary == "a");
  CHECK(plan.mdm.secondaries == std::vector<std::string>{"b"});
  CHECK(plan.mdm.tiebreakers == std::vector<std::string>{"c"});
  const PlannedNode& a = plan.nodes.at("a");
  REQUIRE(a.pools.size() == 1);
  CHECK(a.pools[0] == PlannedPool{"pd1", "sp1", {"/dev/xvdf"}});
  CHECK(a.sdc_pools == std::set<PoolRef>{{"pd1", "sp1"}});
  CHECK(a.roles() == std::vector<std::string>{"mdm", "sds", "sdc"});
  CHECK(plan.nodes.at("c").roles() == std::vector<std::string>{"tb", "sds", "sdc"});
  CHECK(plan.domains() == std::set<std::string>{"pd1"});
}

TEST_CASE("1-node and 5-node MDM clusters from personas") {
  Plan one = build_plan({agent("solo", {{"scaleio-persona", "primary"}})}, {});
  CHECK(one.mdm.valid);
  CHECK(one.mdm.size == 1);

  std::vector<AgentObserved> five;
  for (auto [h, p] : std::vector<std::pair<std::string, std::string>>{{"m1", "primary"},
                                                                      {"m2", "secondary"},
                                                                      {"m3", "secondary"},
                                                                      {"t1", "tiebreaker"},
                                                                      {"t2", "tiebreaker"},
                                                                      {"d1", "data"}}) {
    five.push_back(
        agent(h, {{"scaleio-persona", p}, {"scaleio-mdm-cluster", "5", Attribute::SCALAR}}));
  }
  Plan plan = build_plan(five, {});
  INFO(plan.to_json().dump(2));
  CHECK(plan.problems.empty());
  CHECK(plan.mdm.size == 5);
  CHECK(plan.mdm.secondaries == std::vector<std::string>{"m2", "m3"});
  CHECK(plan.mdm.tiebreakers == std::vector<std::string>{"t1", "t2"});
}

TEST_CASE("persona problems are cluster-wide errors and stop only the MDM plan") {
  SECTION("unknown persona") {
    auto agents = v03_cluster();
    agents[2].mutable_attributes(0)->set_text("arbiter");
    Plan plan = build_plan(agents, {});
    const auto& p = only_problem(plan);
    CHECK(p.severity == ProblemSeverity::kClusterError);
    CHECK(p.host == "c");
    CHECK(p.attribute == "scaleio-persona");
    CHECK_THAT(p.message, Catch::Contains("unknown persona 'arbiter'"));
    CHECK_FALSE(plan.mdm.valid);
    CHECK(plan.nodes.at("c").runs_sds());  // other reconcilers go on
  }
  SECTION("two primaries") {
    auto agents = v03_cluster();
    agents[1].mutable_attributes(0)->set_text("primary");
    Plan plan = build_plan(agents, {});
    auto errors = problems_of(plan, ProblemSeverity::kClusterError);
    REQUIRE_FALSE(errors.empty());
    CHECK_THAT(errors[0].message, Catch::Contains("several nodes") && Catch::Contains("a, b"));
    CHECK_FALSE(plan.mdm.valid);
  }
  SECTION("counts that form no 1/3/5-node cluster") {
    auto agents = v03_cluster();
    agents[2].mutable_attributes(0)->set_text("secondary");
    Plan plan = build_plan(agents, {});
    const auto& p = only_problem(plan);
    CHECK(p.severity == ProblemSeverity::kClusterError);
    CHECK_THAT(p.message, Catch::Contains("secondary=2 tiebreaker=0") && Catch::Contains("1+1+1"));
    CHECK_FALSE(plan.mdm.valid);
  }
  SECTION("no primary at all") {
    Plan plan = build_plan({agent("d", {{"scaleio-persona", "data"}})}, {});
    CHECK_THAT(only_problem(plan).message, Catch::Contains("no node has scaleio-persona=primary"));
  }
  SECTION("scaleio-mdm-cluster cross-check") {
    auto agents = v03_cluster();
    auto* a = agents[0].add_attributes();
    a->set_name("scaleio-mdm-cluster");
    a->set_type(Attribute::SCALAR);
    a->set_text("5");
    Plan plan = build_plan(agents, {});
    const auto& p = only_problem(plan);
    CHECK(p.attribute == "scaleio-mdm-cluster");
    CHECK_THAT(p.message, Catch::Contains("5-node") && Catch::Contains("3-node"));
    CHECK_FALSE(plan.mdm.valid);
  }
}

TEST_CASE("adopting an existing cluster: personas only cross-check") {
  ClusterSettings s;
  s.adopt_mdm_ips = {"10.0.0.1", "10.0.0.2", "10.0.0.3"};
  Plan plan = build_plan({agent("d", {{"scaleio-persona", "data"}})}, s);
  CHECK(plan.problems.empty());
  CHECK(plan.mdm.adopt);
  CHECK(plan.mdm.valid);
  CHECK(plan.mdm.adopt_mdm_ips == s.adopt_mdm_ips);
}

TEST_CASE("the qualified device key wins over the legacy one") {
  Plan plan = build_plan({agent("a", {{"scaleio-persona", "primary"},
                                      {"scaleio-sds-domains", "pd1"},
                                      {"scaleio-sds-pd1", "sp1"},
                                      {"scaleio-sds-sp1", "/dev/old"},
                                      {"scaleio-sds-pd1.sp1", "/dev/sdb,/dev/sdc"}})},
                         {});
  INFO(plan.to_json().dump(2));
  CHECK(plan.problems.empty());
  CHECK(plan.nodes.at("a").pools.at(0).devices == std::vector<std::string>{"/dev/sdb", "/dev/sdc"});
}

TEST_CASE("an ambiguous legacy device key is rejected with the qualified form suggested") {
  Plan plan = build_plan({agent("a", {{"scaleio-persona", "primary"},
                                      {"scaleio-sds-domains", "pd1,pd2"},
                                      {"scaleio-sds-pd1", "sp1"},
                                      {"scaleio-sds-pd2", "sp1,sp2"},
                                      {"scaleio-sds-sp1", "/dev/sdb"},
                                      {"scaleio-sds-sp2", "/dev/sdd"}})},
                         {});
  auto errors = problems_of(plan, ProblemSeverity::kNodeError);
  REQUIRE(errors.size() == 2);  // once for each domain that has sp1
  CHECK(errors[0].attribute == "scaleio-sds-sp1");
  CHECK_THAT(errors[0].message,
             Catch::Contains("ambiguous") && Catch::Contains("scaleio-sds-pd1.sp1=/dev/..."));
  // The rest of the node's plan applies.
  const auto& pools = plan.nodes.at("a").pools;
  REQUIRE(pools.size() == 1);
  CHECK(pools[0] == PlannedPool{"pd2", "sp2", {"/dev/sdd"}});
  CHECK(plan.mdm.valid);
}

TEST_CASE("node-level errors leave out only the offending part") {
  SECTION("pool without devices") {
    Plan plan = build_plan({agent("a", {{"scaleio-persona", "primary"},
                                        {"scaleio-sds-domains", "pd1"},
                                        {"scaleio-sds-pd1", "sp1,sp2"},
                                        {"scaleio-sds-pd1.sp2", "/dev/sdc"}})},
                           {});
    const auto& p = only_problem(plan);
    CHECK(p.severity == ProblemSeverity::kNodeError);
    CHECK(p.attribute == "scaleio-sds-pd1.sp1");
    CHECK_THAT(p.message, Catch::Contains("pd1/sp1 has no devices"));
    REQUIRE(plan.nodes.at("a").pools.size() == 1);
    CHECK(plan.nodes.at("a").pools[0].pool == "sp2");
  }
  SECTION("domain without its pool attribute") {
    Plan plan = build_plan(
        {agent("a", {{"scaleio-persona", "primary"}, {"scaleio-sds-domains", "pd1"}})}, {});
    CHECK_THAT(only_problem(plan).message, Catch::Contains("no scaleio-sds-pd1 attribute"));
  }
  SECTION("device path not absolute") {
    Plan plan = build_plan({agent("a", {{"scaleio-persona", "primary"},
                                        {"scaleio-sds-domains", "pd1"},
                                        {"scaleio-sds-pd1", "sp1"},
                                        {"scaleio-sds-pd1.sp1", "sdb,/dev/sdc"}})},
                           {});
    CHECK_THAT(only_problem(plan).message, Catch::Contains("'sdb' is not absolute"));
    CHECK(plan.nodes.at("a").pools[0].devices == std::vector<std::string>{"/dev/sdc"});
  }
  SECTION("the same device in two pools") {
    Plan plan = build_plan({agent("a", {{"scaleio-persona", "primary"},
                                        {"scaleio-sds-domains", "pd1"},
                                        {"scaleio-sds-pd1", "sp1,sp2"},
                                        {"scaleio-sds-pd1.sp1", "/dev/sdb,/dev/sdc"},
                                        {"scaleio-sds-pd1.sp2", "/dev/sdb,/dev/sdd"}})},
                           {});
    CHECK_THAT(only_problem(plan).message,
               Catch::Contains("/dev/sdb is declared for several pools (pd1/sp1, pd1/sp2)"));
    const auto& pools = plan.nodes.at("a").pools;
    CHECK(pools[0].devices == std::vector<std::string>{"/dev/sdc"});
    CHECK(pools[1].devices == std::vector<std::string>{"/dev/sdd"});
  }
  SECTION("names longer than 31 characters or with spaces") {
    std::string long_pool(32, 'p');
    Plan plan = build_plan({agent("a", {{"scaleio-persona", "primary"},
                                        {"scaleio-sds-domains", "pd1"},
                                        {"scaleio-sds-pd1", long_pool + ",sp1"},
                                        {"scaleio-sds-pd1.sp1", "/dev/sdb"},
                                        {"scaleio-faultset", "rack 1"}})},
                           {});
    auto errors = problems_of(plan, ProblemSeverity::kNodeError);
    REQUIRE(errors.size() == 2);
    CHECK(errors[0].attribute == "scaleio-faultset");
    CHECK_THAT(errors[0].message, Catch::Contains("space"));
    CHECK(errors[1].attribute == "scaleio-sds-pd1");
    CHECK_THAT(errors[1].message, Catch::Contains("at most 31"));
    CHECK(plan.nodes.at("a").pools.size() == 1);
    CHECK(plan.nodes.at("a").fault_set.empty());
  }
  SECTION("a SET-typed or SCALAR value where text is expected") {
    Plan plan = build_plan({agent("a", {{"scaleio-persona", "primary"},
                                        {"scaleio-faultset", "7", Attribute::SCALAR},
                                        {"scaleio-sdc-domains", "{pd1}", Attribute::SET}})},
                           {});
    auto errors = problems_of(plan, ProblemSeverity::kNodeError);
    REQUIRE(errors.size() == 2);
    CHECK_THAT(errors[0].message, Catch::Contains("type SCALAR but must be TEXT") &&
                                      Catch::Contains("use a name with a letter"));
    CHECK_THAT(errors[1].message, Catch::Contains("type SET"));
    CHECK(plan.nodes.at("a").sdc_domains.empty());
  }
  SECTION("a bad scaleio-ip falls back to the agent's address") {
    Plan plan = build_plan(
        {agent("a", {{"scaleio-persona", "primary"}, {"scaleio-ip", "10.0.0"}}, "10.1.1.1")}, {});
    CHECK_THAT(only_problem(plan).message,
               Catch::Contains("not an IPv4") && Catch::Contains("10.1.1.1"));
    CHECK(plan.nodes.at("a").ip == "10.1.1.1");
  }
}

TEST_CASE("extensions: fault sets, scaleio-ip") {
  auto agents = v03_cluster();
  for (auto& a : agents) {
    auto* fs = a.add_attributes();
    fs->set_name("scaleio-faultset");
    fs->set_type(Attribute::TEXT);
    fs->set_text(a.hostname() == "c" ? "rack2" : "rack1");
  }
  auto* ip = agents[0].add_attributes();
  ip->set_name("scaleio-ip");
  ip->set_type(Attribute::TEXT);
  ip->set_text("192.168.7.10");
  Plan plan = build_plan(agents, {});
  CHECK(plan.problems.empty());
  CHECK(plan.nodes.at("a").ip == "192.168.7.10");
  CHECK(plan.fault_sets() ==
        std::map<std::string, std::set<std::string>>{{"pd1", {"rack1", "rack2"}}});
}

TEST_CASE("volumes: declared on several nodes = multi-mapped; rounding shown; conflicts reported") {
  auto agents = v03_cluster();
  auto add = [](AgentObserved& a, const std::string& value) {
    auto* v = a.add_attributes();
    v->set_name("scaleio-sdc-volumes");
    v->set_type(Attribute::TEXT);
    v->set_text(value);
  };
  add(agents[0], "pgdata=64GB@pd1/sp1,logs=12GB@pd1/sp1/thick");
  add(agents[1], "pgdata=64GB@pd1/sp1");
  add(agents[2], "pgdata=32GB@pd1/sp1,bad=1.5GB@pd1/sp1");
  Plan plan = build_plan(agents, {});
  INFO(plan.to_json().dump(2));
  REQUIRE(plan.volumes.size() == 2);
  const auto& pg = plan.volumes.at("pgdata");
  CHECK(pg.hosts == std::set<std::string>{"a", "b"});
  CHECK(pg.size_gb == 64);
  const auto& logs = plan.volumes.at("logs");
  CHECK(logs.size_gb == 16);
  CHECK(logs.type == VolumeType::kThick);
  CHECK(plan.nodes.at("c").volumes.empty());

  auto warnings = problems_of(plan, ProblemSeverity::kWarning);
  REQUIRE(warnings.size() == 1);
  CHECK_THAT(warnings[0].message, Catch::Contains("12GB is rounded up to 16GB"));
  auto errors = problems_of(plan, ProblemSeverity::kNodeError);
  REQUIRE(errors.size() == 2);
  CHECK(errors[0].host == "c");
  CHECK_THAT(errors[0].message, Catch::Contains("whole number of GB"));
  CHECK_THAT(errors[1].message, Catch::Contains("32GB@pd1/sp1 here but as 64GB@pd1/sp1 on a"));
}

TEST_CASE("warnings: SDC domain nobody provides, unknown and unused attributes") {
  Plan plan = build_plan({agent("a", {{"scaleio-persona", "primary"},
                                      {"scaleio-sdc-domains", "pd9"},
                                      {"scaleio-sds-domain", "pd1"},
                                      {"scaleio-colour", "blue"}})},
                         {});
  auto warnings = problems_of(plan, ProblemSeverity::kWarning);
  INFO(plan.to_json().dump(2));
  REQUIRE(warnings.size() == 3);
  CHECK_THAT(warnings[0].message, Catch::Contains("not a known ScaleIO attribute"));
  CHECK(warnings[1].attribute == "scaleio-sds-domain");
  CHECK_THAT(warnings[1].message, Catch::Contains("typo"));
  CHECK_THAT(warnings[2].message, Catch::Contains("'pd9' is consumed here but no node provides"));
  CHECK(problems_of(plan, ProblemSeverity::kNodeError).empty());
}

TEST_CASE("agents without scaleio attributes are not planned; default pool for bare data nodes") {
  ClusterSettings s;
  s.default_domain = "pd";
  s.default_pool = "sp";
  s.default_devices = {"/dev/sdb"};
  auto agents = v03_cluster();
  agents.push_back(agent("web-1", {{"rack", "r1"}}));
  agents.push_back(agent("d1", {{"scaleio-persona", "data"}}));
  Plan plan = build_plan(agents, s);
  CHECK(plan.nodes.count("web-1") == 0);
  REQUIRE(plan.nodes.count("d1") == 1);
  CHECK(plan.nodes.at("d1").pools == std::vector<PlannedPool>{{"pd", "sp", {"/dev/sdb"}}});
  CHECK(plan.nodes.at("a").pools.at(0).pool == "sp1");  // declared SDS attributes win
}

TEST_CASE("the plan is a pure function: order of agents and agent ids do not change the hash") {
  auto agents = v03_cluster();
  Plan first = build_plan(agents, {});
  std::reverse(agents.begin(), agents.end());
  for (auto& a : agents) a.set_agent_id("restarted-" + a.hostname());
  Plan second = build_plan(agents, {});
  CHECK(first.content_hash() == second.content_hash());
  CHECK(first.content_hash().size() == 16);

  agents[0].mutable_attributes(3)->set_text("/dev/xvdf,/dev/xvdg");  // a device added
  CHECK(build_plan(agents, {}).content_hash() != first.content_hash());
}
