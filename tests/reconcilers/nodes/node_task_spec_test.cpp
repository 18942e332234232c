#include <catch2/catch.hpp>

#include "reconcilers/nodes/node_task_spec.h"

using namespace scaleio;
using namespace scaleio::reconcilers;

namespace {

plan::PlannedNode node(const std::string& host, plan::Persona persona, bool sdc = true) {
  plan::PlannedNode n;
  n.hostname = host;
  n.ip = "10.0.0.9";
  n.persona = persona;
  n.pools.push_back({"pd1", "sp1", {"/dev/sdb"}});
  if (sdc) n.sdc_domains.insert("pd1");
  return n;
}

NodesSettings settings() {
  NodesSettings s;
  s.package_version = "2.0";
  s.artifact_url = "http://op/v1/artifacts/scaleio-node";
  return s;
}

}  // namespace

TEST_CASE("task ids round-trip, with dots in the hostname") {
  const std::string id = node_task_id("node1.example.com", "0a1b2c3d", 12);
  CHECK(id == "scaleio-node.node1.example.com.0a1b2c3d.12");
  auto parsed = parse_node_task_id(id);
  REQUIRE(parsed);
  CHECK(parsed->hostname == "node1.example.com");
  CHECK(parsed->generation == "0a1b2c3d");
  CHECK(parsed->incarnation == 12);
}

TEST_CASE("ids that are not node tasks do not parse") {
  CHECK_FALSE(parse_node_task_id("scli.create-cluster.1"));
  CHECK_FALSE(parse_node_task_id("scaleio-node.host"));
  CHECK_FALSE(parse_node_task_id("scaleio-node.host.0a1b2c3d"));
  CHECK_FALSE(parse_node_task_id("scaleio-node.host.XYZ.1"));
  CHECK_FALSE(parse_node_task_id("scaleio-node.host.0a1b2c3d.1x"));
}

TEST_CASE("the generation follows roles, MDM addresses and version, not resources or URLs") {
  const std::vector<std::string> ips = {"10.0.0.1", "10.0.0.2"};
  const auto base = node_task_spec(node("h", plan::Persona::kData), ips, settings());
  CHECK(base.generation.size() == 8);
  CHECK(node_task_spec(node("h", plan::Persona::kData), ips, settings()).generation ==
        base.generation);
  CHECK(node_task_spec(node("h", plan::Persona::kData, false), ips, settings()).generation !=
        base.generation);
  CHECK(node_task_spec(node("h", plan::Persona::kData), {"10.0.0.1"}, settings()).generation !=
        base.generation);
  NodesSettings upgraded = settings();
  upgraded.package_version = "2.5";
  CHECK(node_task_spec(node("h", plan::Persona::kData), ips, upgraded).generation !=
        base.generation);
  NodesSettings bigger = settings();
  bigger.other_host = {2, 4096};
  bigger.package_source = "http://elsewhere";
  bigger.artifact_url = "http://other/v1/artifacts/scaleio-node";
  CHECK(node_task_spec(node("h", plan::Persona::kData), ips, bigger).generation == base.generation);
}

TEST_CASE("managers and tie-breakers get the MDM host resources") {
  const NodesSettings s = settings();
  for (auto persona :
       {plan::Persona::kPrimary, plan::Persona::kSecondary, plan::Persona::kTiebreaker}) {
    auto spec = node_task_spec(node("h", persona), {}, s);
    CHECK(spec.mdm_host);
    CHECK(spec.resources.cpus == 1.5);
    CHECK(spec.resources.mem_mb == 3072);
  }
  auto data = node_task_spec(node("h", plan::Persona::kData), {}, s);
  CHECK_FALSE(data.mdm_host);
  CHECK(data.resources.cpus == 0.5);
  CHECK(data.resources.mem_mb == 512);
}

TEST_CASE("flags without a value are left out of the command line") {
  NodesSettings s = settings();
  s.package_version.clear();
  auto spec = node_task_spec(node("h", plan::Persona::kData), {}, s);
  auto task = node_task_launch(spec, "scaleio-node.h.00000000.1", "agent-1", s);
  CHECK(task.arguments ==
        std::vector<std::string>{"./scaleio-node", "install", "--roles", "sds,sdc"});
}

TEST_CASE(
    "the MDM addresses are an adopted cluster's addresses, else the planned managers, primary "
    "first") {
  plan::Plan p;
  auto add = [&](const std::string& host, const std::string& ip, plan::Persona persona) {
    auto n = node(host, persona);
    n.ip = ip;
    p.nodes[host] = n;
  };
  add("a", "10.0.0.1", plan::Persona::kSecondary);
  add("b", "10.0.0.2", plan::Persona::kPrimary);
  add("c", "10.0.0.3", plan::Persona::kTiebreaker);
  p.mdm.valid = true;
  p.mdm.primary = "b";
  p.mdm.secondaries = {"a"};
  p.mdm.tiebreakers = {"c"};
  CHECK(plan_mdm_ips(p) == std::vector<std::string>{"10.0.0.2", "10.0.0.1"});
  p.mdm.adopt_mdm_ips = {"192.168.1.1", "192.168.1.2"};
  CHECK(plan_mdm_ips(p) == std::vector<std::string>{"192.168.1.1", "192.168.1.2"});
}
