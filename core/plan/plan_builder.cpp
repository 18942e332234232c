#include "core/plan/plan_builder.h"

#include <algorithm>

#include "core/plan/node_parser.h"

namespace scaleio::plan {

namespace {

std::string join(const std::vector<std::string>& items) {
  std::string out;
  for (const auto& i : items) out += (out.empty() ? "" : ", ") + i;
  return out;
}

std::string describe(const VolumeDeclaration& v) {
  return std::to_string(v.requested_gb) + "GB@" + v.pool.domain + "/" + v.pool.pool +
         (v.type == VolumeType::kThick ? "/thick" : "");
}

MdmClusterPlan plan_mdm(const Plan& plan, const ClusterSettings& settings,
                        const std::map<std::string, int>& declared_sizes, bool unknown_persona,
                        std::vector<PlanProblem>& problems) {
  MdmClusterPlan mdm;
  std::vector<std::string> primaries;
  for (const auto& [host, node] : plan.nodes) {
    if (node.persona == Persona::kPrimary) primaries.push_back(host);
    if (node.persona == Persona::kSecondary) mdm.secondaries.push_back(host);
    if (node.persona == Persona::kTiebreaker) mdm.tiebreakers.push_back(host);
  }
  const size_t p = primaries.size(), s = mdm.secondaries.size(), t = mdm.tiebreakers.size();
  auto cluster_error = [&](std::string message) {
    problems.push_back({ProblemSeverity::kClusterError, "", "scaleio-persona", std::move(message)});
  };

  if (!settings.adopt_mdm_ips.empty()) {
    // Adopting an existing cluster: it is observed as it is; personas only cross-check (drift).
    mdm.adopt = true;
    mdm.valid = true;
    mdm.adopt_mdm_ips = settings.adopt_mdm_ips;
    mdm.size = static_cast<int>(settings.adopt_mdm_ips.size());
    if (!primaries.empty()) mdm.primary = primaries.front();
    return mdm;
  }

  bool ok = !unknown_persona;
  if (p == 0) {
    ok = false;
    cluster_error(
        "no node has scaleio-persona=primary, so no MDM cluster can be created. Declare "
        "1 primary (1-node), 1 primary + 1 secondary + 1 tiebreaker (3-node) or 1 primary "
        "+ 2 secondary + 2 tiebreaker (5-node), or adopt a cluster with --mdm-ips");
  } else if (p > 1) {
    ok = false;
    cluster_error("several nodes declare scaleio-persona=primary (" + join(primaries) +
                  "); exactly one may");
  } else {
    mdm.primary = primaries.front();
  }
  int size = 0;
  if (p == 1 && s == 0 && t == 0) size = 1;
  if (p == 1 && s == 1 && t == 1) size = 3;
  if (p == 1 && s == 2 && t == 2) size = 5;
  // An unknown persona already explains why the counts are off; say it once.
  if (p == 1 && size == 0 && !unknown_persona) {
    ok = false;
    cluster_error("personas primary=1 secondary=" + std::to_string(s) +
                  " tiebreaker=" + std::to_string(t) +
                  " form no 1-, 3- or 5-node MDM cluster: use 1+0+0, 1+1+1 "
                  "or 1+2+2");
  }
  for (const auto& [host, declared] : declared_sizes) {
    if (size != 0 && declared != size) {
      ok = false;
      problems.push_back({ProblemSeverity::kClusterError, host, "scaleio-mdm-cluster",
                          "declares a " + std::to_string(declared) + "-node MDM cluster but the " +
                              "personas form a " + std::to_string(size) + "-node one"});
    }
  }
  mdm.valid = ok;
  mdm.size = ok ? size : 0;
  return mdm;
}

}  // namespace

Plan build_plan(const std::vector<events::AgentObserved>& agents, const ClusterSettings& settings) {
  Plan plan;
  std::vector<const events::AgentObserved*> sorted;
  for (const auto& a : agents) sorted.push_back(&a);
  std::stable_sort(sorted.begin(), sorted.end(),
                   [](auto* a, auto* b) { return a->hostname() < b->hostname(); });

  std::map<std::string, int> declared_sizes;
  std::map<std::string, std::pair<VolumeDeclaration, std::string>> first_declaration;
  bool unknown_persona = false;

  for (size_t i = 0; i < sorted.size(); ++i) {
    const auto& agent = *sorted[i];
    if (i + 1 < sorted.size() && sorted[i + 1]->hostname() == agent.hostname()) {
      plan.problems.push_back({ProblemSeverity::kWarning, agent.hostname(), "",
                               "two agents report this hostname; the later one is used"});
      continue;
    }
    std::optional<ParsedNode> parsed = parse_node(agent, settings, plan.problems);
    if (!parsed) continue;
    unknown_persona |= parsed->unknown_persona;
    if (parsed->declared_mdm_cluster_size) {
      declared_sizes[agent.hostname()] = *parsed->declared_mdm_cluster_size;
    }
    PlannedNode& node = parsed->node;
    for (const auto& v : parsed->volumes) {
      auto [it, inserted] = first_declaration.try_emplace(v.name, v, node.hostname);
      const VolumeDeclaration& first = it->second.first;
      if (!inserted &&
          (first.requested_gb != v.requested_gb || first.pool != v.pool || first.type != v.type)) {
        plan.problems.push_back(
            {ProblemSeverity::kNodeError, node.hostname, "scaleio-sdc-volumes",
             "volume '" + v.name + "' is declared as " + describe(v) + " here but as " +
                 describe(first) + " on " + it->second.second +
                 "; make the declarations agree. This node's mapping is left out"});
        continue;
      }
      PlannedVolume& planned = plan.volumes[v.name];
      if (inserted) {
        planned = {v.name, v.requested_gb, v.size_gb, v.pool, v.type, {}};
        if (v.size_gb != v.requested_gb) {
          plan.problems.push_back({ProblemSeverity::kWarning, node.hostname, "scaleio-sdc-volumes",
                                   "volume '" + v.name + "' size " +
                                       std::to_string(v.requested_gb) + "GB is rounded up to " +
                                       std::to_string(v.size_gb) +
                                       "GB (ScaleIO allocates in 8 GB units)"});
        }
      }
      planned.hosts.insert(node.hostname);
      node.volumes.insert(v.name);
    }
    plan.nodes.emplace(node.hostname, std::move(node));
  }

  plan.mdm = plan_mdm(plan, settings, declared_sizes, unknown_persona, plan.problems);

  // Cross-node checks: what SDCs and volumes consume must be provided by some SDS.
  std::set<std::string> sds_domains = plan.domains();
  std::set<PoolRef> sds_pools = plan.pools();
  for (const auto& [host, node] : plan.nodes) {
    for (const auto& d : node.sdc_domains) {
      if (!sds_domains.count(d)) {
        plan.problems.push_back({ProblemSeverity::kWarning, host, "scaleio-sdc-domains",
                                 "protection domain '" + d + "' is consumed here but no node " +
                                     "provides storage to it (scaleio-sds-domains)"});
      }
    }
  }
  for (const auto& [name, v] : plan.volumes) {
    if (!sds_pools.count(v.pool)) {
      plan.problems.push_back({ProblemSeverity::kWarning, *v.hosts.begin(), "scaleio-sdc-volumes",
                               "volume '" + name + "' is in pool " + v.pool.domain + "/" +
                                   v.pool.pool + ", which no node provides; it waits for one"});
    }
  }
  return plan;
}

}  // namespace scaleio::plan
