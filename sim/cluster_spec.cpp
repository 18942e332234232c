#include "sim/cluster_spec.h"

#include <fstream>
#include <map>
#include <random>
#include <set>
#include <sstream>

namespace scaleio::sim {

Resources default_agent_resources() {
  Resources r;
  r.scalars = {{"cpus", 8.0}, {"mem", 32768.0}, {"disk", 409600.0}};
  r.ports = {{31000, 32000}};
  return r;
}

Result<ClusterSpec> parse_cluster_spec(const nlohmann::json& document) {
  if (!document.is_object() || !document.contains("agents") || !document["agents"].is_array()) {
    return invalid_argument("cluster file: expected an object with an 'agents' list");
  }
  ClusterSpec spec;
  std::set<std::string> hostnames, ips;
  for (const auto& entry : document["agents"]) {
    const std::string where = "cluster file: agent #" + std::to_string(spec.agents.size() + 1);
    if (!entry.is_object() || !entry.contains("hostname") || !entry["hostname"].is_string()) {
      return invalid_argument(where + " needs a 'hostname' string");
    }
    AgentSpec agent;
    agent.hostname = entry["hostname"].get<std::string>();
    agent.ip = entry.value("ip", agent.hostname);
    if (agent.hostname.empty()) return invalid_argument(where + " has an empty hostname");
    if (!hostnames.insert(agent.hostname).second) {
      return invalid_argument("cluster file: hostname " + agent.hostname + " appears twice");
    }
    if (!ips.insert(agent.ip).second) {
      return invalid_argument("cluster file: ip " + agent.ip + " appears twice");
    }
    if (entry.contains("attributes")) {
      const auto& attributes = entry["attributes"];
      auto parsed = attributes.is_string() ? parse_attributes(attributes.get<std::string>())
                                           : parse_attributes_object(attributes);
      if (!parsed.ok()) {
        return invalid_argument(where + " (" + agent.hostname + "): " + parsed.status().message());
      }
      agent.attributes = std::move(parsed.value());
    }
    agent.resources = default_agent_resources();
    if (entry.contains("resources")) {
      auto resources = Resources::from_spec(entry["resources"]);
      if (!resources.ok()) {
        return invalid_argument(where + " (" + agent.hostname +
                                "): " + resources.status().message());
      }
      for (const auto& [name, value] : resources->scalars) agent.resources.scalars[name] = value;
      if (!resources->ports.empty()) agent.resources.ports = resources->ports;
    }
    if (entry.contains("installed")) {
      const auto& installed = entry["installed"];
      PreinstalledNode node;
      node.hostname = agent.hostname;
      try {
        node.roles = installed.at("roles").get<std::vector<std::string>>();
        node.mdm_ips = installed.value("mdm_ips", std::vector<std::string>());
      } catch (const nlohmann::json::exception&) {
        return invalid_argument(
            where + " (" + agent.hostname +
            "): 'installed' needs a 'roles' list and an optional 'mdm_ips' list");
      }
      spec.preinstalled.push_back(std::move(node));
    }
    spec.agents.push_back(std::move(agent));
  }
  if (document.contains("scaleio") && !document["scaleio"].is_null()) {
    if (!document["scaleio"].is_object()) {
      return invalid_argument("cluster file: 'scaleio' must be an object");
    }
    spec.scaleio = document["scaleio"];
  }
  return spec;
}

Result<ClusterSpec> load_cluster_spec(const std::string& path) {
  std::ifstream in(path);
  if (!in) return not_found("cannot read cluster file " + path);
  std::stringstream text;
  text << in.rdbuf();
  auto document = nlohmann::json::parse(text.str(), nullptr, /*allow_exceptions=*/false);
  if (document.is_discarded()) return invalid_argument("cluster file " + path + " is not JSON");
  return parse_cluster_spec(document);
}

namespace {

// Unique and valid for every index below kMaxGeneratedAgents: 10.0.0.11 to 10.0.0.254 first (the
// addresses small clusters have always had), then 10.1.0.1 on, 250 hosts per /24.
std::string generated_ip(int index) {
  constexpr int kFirstSubnet = 254 - 11 + 1;
  if (index < kFirstSubnet) return "10.0.0." + std::to_string(11 + index);
  const int rest = index - kFirstSubnet;
  return "10.1." + std::to_string(rest / 250) + "." + std::to_string(rest % 250 + 1);
}

}  // namespace

Result<ClusterSpec> generate_cluster_spec(int count, uint64_t seed) {
  if (count < 1 || count > kMaxGeneratedAgents) {
    return invalid_argument("--agents must be between 1 and " +
                            std::to_string(kMaxGeneratedAgents) + ", got " + std::to_string(count));
  }
  if (count > kMaxDistinctAgents) {
    // Past this size the cluster grows by data hosts only: copies of the base cluster's (never a
    // manager, never a volume of their own), so that the managers, volumes and pools stay those
    // of a realistic cluster while the node count, the offers and the SDS/SDC lists grow.
    auto base = generate_cluster_spec(kMaxDistinctAgents, seed);
    if (!base.ok()) return base.status();
    ClusterSpec spec = std::move(base.value());
    constexpr int kFirstDataHost = 5;  // the first hosts are the managers and tie-breakers
    spec.agents.reserve(static_cast<std::size_t>(count));
    for (int i = kMaxDistinctAgents; i < count; ++i) {
      AgentSpec agent = spec.agents[static_cast<std::size_t>(
          kFirstDataHost + i % (kMaxDistinctAgents - kFirstDataHost))];
      agent.hostname = "node-" + std::to_string(i + 1);
      agent.ip = generated_ip(i);
      std::erase_if(agent.attributes,
                    [](const auto& a) { return a.name == "scaleio-sdc-volumes"; });
      spec.agents.push_back(std::move(agent));
    }
    return spec;
  }
  std::mt19937_64 rng(seed);
  auto coin = [&](int percent) { return static_cast<int>(rng() % 100) < percent; };
  const int mdm_nodes = count < 3 ? 1 : (count >= 6 && coin(50)) ? 5 : 3;
  const bool two_domains = count >= 6;

  // Volumes a few nodes want mapped; "shared" is declared on two nodes (a multi-mapping).
  std::map<int, std::vector<std::string>> volumes;
  const int volume_nodes = std::max(1, count / 3);
  for (int v = 0; v < volume_nodes; ++v) {
    int node = static_cast<int>(rng() % count);
    volumes[node].push_back("vol" + std::to_string(v + 1) + "=" +
                            std::to_string(8 * (1 + rng() % 4)) + "GB@pd1/sp1");
  }
  if (count >= 2) {
    volumes[0].push_back("shared=16GB@pd1/sp1");
    volumes[count - 1].push_back("shared=16GB@pd1/sp1");
  }

  ClusterSpec spec;
  for (int i = 0; i < count; ++i) {
    AgentSpec agent;
    char name[32];
    std::snprintf(name, sizeof name, "node-%02d", i + 1);
    agent.hostname = name;
    agent.ip = generated_ip(i);
    agent.resources = default_agent_resources();

    std::string persona = "data";
    if (i == 0) {
      persona = "primary";
    } else if (mdm_nodes == 3) {
      persona = i == 1 ? "secondary" : i == 2 ? "tiebreaker" : "data";
    } else if (mdm_nodes == 5) {
      persona = i <= 2 ? "secondary" : i <= 4 ? "tiebreaker" : "data";
    }
    std::vector<std::pair<std::string, std::string>> pairs = {{"scaleio-persona", persona}};
    if (persona == "primary" && mdm_nodes > 1) {
      pairs.emplace_back("scaleio-mdm-cluster", std::to_string(mdm_nodes));
    }

    // Domains and pools: pd1/sp1 on every node; pd2/fast on every other node of a larger cluster.
    std::vector<std::pair<std::string, std::string>> pools = {{"pd1", "sp1"}};
    const bool in_pd2 = two_domains && i % 2 == 1;
    if (in_pd2) pools.emplace_back("pd2", "fast");
    pairs.emplace_back("scaleio-sds-domains", in_pd2 ? "pd1,pd2" : "pd1");
    for (const auto& [pd, pool] : pools) pairs.emplace_back("scaleio-sds-" + pd, pool);

    const int devices = 2 + static_cast<int>(rng() % 3);  // 2–4
    std::vector<std::vector<std::string>> per_pool(pools.size());
    for (int d = 0; d < devices; ++d) {
      per_pool[static_cast<std::size_t>(d) % pools.size()].push_back(std::string("/dev/sd") +
                                                                     static_cast<char>('b' + d));
    }
    const bool qualified_keys = coin(50);  // exercise both the v0.3 and the qualified key
    for (std::size_t p = 0; p < pools.size(); ++p) {
      std::string list;
      for (const auto& device : per_pool[p]) list += (list.empty() ? "" : ",") + device;
      const auto& [pd, pool] = pools[p];
      pairs.emplace_back(qualified_keys ? "scaleio-sds-" + pd + "." + pool : "scaleio-sds-" + pool,
                         list);
    }
    pairs.emplace_back("scaleio-sdc-domains", "pd1");
    pairs.emplace_back("scaleio-sdc-pd1", "sp1");
    if (auto it = volumes.find(i); it != volumes.end()) {
      std::string list;
      for (const auto& v : it->second) list += (list.empty() ? "" : ",") + v;
      pairs.emplace_back("scaleio-sdc-volumes", list);
    }

    std::string flag;
    for (const auto& [k, v] : pairs) flag += (flag.empty() ? "" : ";") + k + ":" + v;
    auto attributes = parse_attributes(flag);
    if (!attributes.ok()) return attributes.status();
    agent.attributes = std::move(attributes.value());
    spec.agents.push_back(std::move(agent));
  }
  return spec;
}

nlohmann::json cluster_spec_to_json(const ClusterSpec& spec) {
  nlohmann::json agents = nlohmann::json::array();
  for (const auto& agent : spec.agents) {
    nlohmann::json resources = nlohmann::json::object();
    for (const auto& [name, value] : agent.resources.scalars) resources[name] = value;
    if (!agent.resources.ports.empty()) {
      std::string ports = "[";
      for (std::size_t i = 0; i < agent.resources.ports.size(); ++i) {
        if (i) ports += ",";
        ports += std::to_string(agent.resources.ports[i].first) + "-" +
                 std::to_string(agent.resources.ports[i].second);
      }
      resources["ports"] = ports + "]";
    }
    nlohmann::json entry = {{"hostname", agent.hostname},
                            {"ip", agent.ip},
                            {"attributes", attributes_to_flag(agent.attributes)},
                            {"resources", resources}};
    for (const auto& node : spec.preinstalled) {
      if (node.hostname == agent.hostname) {
        entry["installed"] = {{"roles", node.roles}, {"mdm_ips", node.mdm_ips}};
      }
    }
    agents.push_back(std::move(entry));
  }
  nlohmann::json out = {{"agents", agents}};
  if (!spec.scaleio.is_null()) out["scaleio"] = spec.scaleio;
  return out;
}

}  // namespace scaleio::sim
