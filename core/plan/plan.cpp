#include "core/plan/plan.h"

namespace scaleio::plan {

std::string_view persona_name(Persona p) {
  switch (p) {
    case Persona::kPrimary:
      return "primary";
    case Persona::kSecondary:
      return "secondary";
    case Persona::kTiebreaker:
      return "tiebreaker";
    case Persona::kData:
      return "data";
  }
  return "data";
}

std::string_view severity_name(ProblemSeverity s) {
  switch (s) {
    case ProblemSeverity::kClusterError:
      return "cluster-error";
    case ProblemSeverity::kNodeError:
      return "node-error";
    case ProblemSeverity::kWarning:
      return "warning";
  }
  return "warning";
}

std::set<std::string> PlannedNode::sds_domains() const {
  std::set<std::string> out;
  for (const auto& p : pools) out.insert(p.domain);
  return out;
}

std::vector<std::string> PlannedNode::roles() const {
  std::vector<std::string> out;
  if (runs_mdm()) out.emplace_back("mdm");
  if (runs_tiebreaker()) out.emplace_back("tb");
  if (runs_sds()) out.emplace_back("sds");
  if (runs_sdc()) out.emplace_back("sdc");
  return out;
}

std::set<std::string> Plan::domains() const {
  std::set<std::string> out;
  for (const auto& [host, node] : nodes) {
    for (const auto& p : node.pools) out.insert(p.domain);
  }
  return out;
}

std::set<PoolRef> Plan::pools() const {
  std::set<PoolRef> out;
  for (const auto& [host, node] : nodes) {
    for (const auto& p : node.pools) out.insert({p.domain, p.pool});
  }
  return out;
}

std::map<std::string, std::set<std::string>> Plan::fault_sets() const {
  std::map<std::string, std::set<std::string>> out;
  for (const auto& [host, node] : nodes) {
    if (node.fault_set.empty()) continue;
    for (const auto& d : node.sds_domains()) out[d].insert(node.fault_set);
  }
  return out;
}

bool Plan::has_cluster_errors() const {
  for (const auto& p : problems) {
    if (p.severity == ProblemSeverity::kClusterError) return true;
  }
  return false;
}

namespace {

nlohmann::json node_json(const PlannedNode& n, bool with_agent_id) {
  nlohmann::json pools = nlohmann::json::array();
  for (const auto& p : n.pools) {
    pools.push_back({{"domain", p.domain}, {"pool", p.pool}, {"devices", p.devices}});
  }
  nlohmann::json sdc_pools = nlohmann::json::array();
  for (const auto& p : n.sdc_pools) sdc_pools.push_back(p.domain + "/" + p.pool);
  nlohmann::json j = {{"hostname", n.hostname},
                      {"ip", n.ip},
                      {"persona", persona_name(n.persona)},
                      {"roles", n.roles()},
                      {"fault_set", n.fault_set},
                      {"sds_pools", pools},
                      {"sdc_domains", n.sdc_domains},
                      {"sdc_pools", sdc_pools},
                      {"volumes", n.volumes}};
  if (with_agent_id) j["agent_id"] = n.agent_id;
  return j;
}

nlohmann::json plan_json(const Plan& plan, bool with_agent_ids) {
  nlohmann::json nodes = nlohmann::json::array();
  for (const auto& [host, node] : plan.nodes) nodes.push_back(node_json(node, with_agent_ids));
  nlohmann::json volumes = nlohmann::json::array();
  for (const auto& [name, v] : plan.volumes) {
    volumes.push_back({{"name", v.name},
                       {"requested_gb", v.requested_gb},
                       {"size_gb", v.size_gb},
                       {"domain", v.pool.domain},
                       {"pool", v.pool.pool},
                       {"type", v.type == VolumeType::kThick ? "thick" : "thin"},
                       {"hosts", v.hosts}});
  }
  nlohmann::json problems = nlohmann::json::array();
  for (const auto& p : plan.problems) {
    problems.push_back({{"severity", severity_name(p.severity)},
                        {"host", p.host},
                        {"attribute", p.attribute},
                        {"message", p.message}});
  }
  return {{"nodes", nodes},
          {"mdm_cluster",
           {{"valid", plan.mdm.valid},
            {"size", plan.mdm.size},
            {"primary", plan.mdm.primary},
            {"secondaries", plan.mdm.secondaries},
            {"tiebreakers", plan.mdm.tiebreakers},
            {"adopt", plan.mdm.adopt},
            {"adopt_mdm_ips", plan.mdm.adopt_mdm_ips}}},
          {"volumes", volumes},
          {"problems", problems}};
}

}  // namespace

nlohmann::json Plan::to_json() const {
  nlohmann::json j = plan_json(*this, /*with_agent_ids=*/true);
  j["content_hash"] = content_hash();
  return j;
}

std::string Plan::content_hash() const {
  // FNV-1a over the canonical JSON (object keys sorted by nlohmann::json): a change detector, not
  // a security boundary.
  // Attribute text is whatever agents report; invalid UTF-8 is replaced rather than thrown on.
  std::string text = plan_json(*this, /*with_agent_ids=*/false)
                         .dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  uint64_t h = 1469598103934665603ull;
  for (unsigned char c : text) {
    h ^= c;
    h *= 1099511628211ull;
  }
  static const char* kHex = "0123456789abcdef";
  std::string out(16, '0');
  for (int i = 15; i >= 0; --i, h >>= 4) out[i] = kHex[h & 0xf];
  return out;
}

}  // namespace scaleio::plan
