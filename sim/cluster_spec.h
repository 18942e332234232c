#pragma once
// The simulated cluster's shape: from a cluster file (--cluster FILE.json) or generated from a seed
// (--agents N --seed S). Format in docs/simulator.md.
#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "core/status.h"
#include "sim/agents.h"

namespace scaleio::sim {

// ScaleIO packages already on a host at start-up (for adopting an existing cluster).
struct PreinstalledNode {
  std::string hostname;
  std::vector<std::string> roles;
  std::vector<std::string> mdm_ips;
};

struct ClusterSpec {
  std::vector<AgentSpec> agents;
  std::vector<PreinstalledNode> preinstalled;
  // An existing ScaleIO cluster to adopt (handed to the ScaleIO world as is); null when none.
  nlohmann::json scaleio;
};

// {"agents":[{"hostname","ip","attributes": "k:v;..." | {"k":"v"},"resources":{...},
//              "installed": {"roles": ["mdm","sds"], "mdm_ips": [...]}}],
//  "scaleio": {...}}
Result<ClusterSpec> parse_cluster_spec(const nlohmann::json& document);
Result<ClusterSpec> load_cluster_spec(const std::string& path);

// The generator's bounds: up to kMaxDistinctAgents every host is drawn from the seed; past it the
// cluster grows by copies of those data hosts (new names and IPs, no volumes), up to
// kMaxGeneratedAgents (issue 11 measures the daemon at 5,000).
inline constexpr int kMaxDistinctAgents = 1000;
inline constexpr int kMaxGeneratedAgents = 10000;

// A realistic cluster of `agents` nodes: 3 or 5 MDM personas (1 for fewer than 3 nodes), SDSs in
// domains pd1 and pd2, 2–4 devices per node, an SDC everywhere, a few declared volumes (on the
// first kMaxDistinctAgents nodes). Hostnames node-01, node-02, ... and IPv4 addresses are unique.
// The same (agents, seed) always gives the same cluster.
Result<ClusterSpec> generate_cluster_spec(int agents, uint64_t seed);

Resources default_agent_resources();

// The cluster file form of `spec` (parse_cluster_spec reads it back to the same spec), so a
// generated cluster can be saved and edited: scaleio-sim --agents 6 --print-cluster.
nlohmann::json cluster_spec_to_json(const ClusterSpec& spec);

}  // namespace scaleio::sim
