// Generated clusters past the 1,000 hosts drawn from the seed (issue 11 runs the daemon against
// scaleio-sim --agents 5000): every host must still be a distinct Mesos agent with a valid IPv4
// address, and the extra hosts must be plain data hosts so that the plan's managers and volumes
// stay those of the base cluster.
#include <catch2/catch.hpp>

#include <set>
#include <sstream>

#include "sim/cluster_spec.h"

using namespace scaleio::sim;

namespace {

// A dotted quad of four decimal octets, the last one a host address in its /24 (1–254).
bool is_host_ipv4(const std::string& ip) {
  std::istringstream in(ip);
  std::string part;
  int parts = 0;
  int last = -1;
  while (std::getline(in, part, '.')) {
    if (part.empty() || part.size() > 3 ||
        part.find_first_not_of("0123456789") != std::string::npos)
      return false;
    last = std::stoi(part);
    if (last > 255) return false;
    ++parts;
  }
  return parts == 4 && last >= 1 && last <= 254;
}

std::string attribute(const AgentSpec& agent, const std::string& name) {
  for (const auto& a : agent.attributes) {
    if (a.name == name) return a.text;
  }
  return "";
}

}  // namespace

TEST_CASE(
    "generated clusters of 5000 agents: unique hostnames and valid unique IPs, extra hosts "
    "are data hosts",
    "[units][cluster]") {
  auto spec = generate_cluster_spec(5000, 3);
  REQUIRE(spec.ok());
  REQUIRE(spec->agents.size() == 5000);

  std::set<std::string> hostnames, ips;
  int primaries = 0;
  for (const auto& agent : spec->agents) {
    INFO(agent.hostname << " " << agent.ip);
    CHECK(hostnames.insert(agent.hostname).second);
    CHECK(ips.insert(agent.ip).second);
    CHECK(is_host_ipv4(agent.ip));
    primaries += attribute(agent, "scaleio-persona") == "primary";
  }
  CHECK(primaries == 1);
  CHECK(spec->agents.front().ip == "10.0.0.11");  // small clusters keep their addresses

  // The first 1,000 hosts are the 1,000-agent cluster; the rest are data hosts without volumes.
  auto base = generate_cluster_spec(kMaxDistinctAgents, 3);
  REQUIRE(base.ok());
  for (std::size_t i = 0; i < base->agents.size(); ++i) {
    CHECK(attributes_to_flag(spec->agents[i].attributes) ==
          attributes_to_flag(base->agents[i].attributes));
  }
  for (std::size_t i = kMaxDistinctAgents; i < spec->agents.size(); ++i) {
    const auto& agent = spec->agents[i];
    INFO(agent.hostname);
    CHECK(attribute(agent, "scaleio-persona") == "data");
    CHECK(attribute(agent, "scaleio-sdc-volumes").empty());
    CHECK(!attribute(agent, "scaleio-sds-domains").empty());
  }

  // Deterministic, and a valid cluster file (its parser refuses repeated hostnames and IPs).
  auto again = generate_cluster_spec(5000, 3);
  REQUIRE(again.ok());
  CHECK(cluster_spec_to_json(*again) == cluster_spec_to_json(*spec));
  auto parsed = parse_cluster_spec(cluster_spec_to_json(*spec));
  REQUIRE(parsed.ok());
  CHECK(parsed->agents.size() == 5000);

  CHECK(generate_cluster_spec(kMaxGeneratedAgents, 3).ok());
  CHECK(!generate_cluster_spec(kMaxGeneratedAgents + 1, 3).ok());
}
