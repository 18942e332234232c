#include "tests/scaleio/sim_listing.h"

#include <map>
#include <set>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/events.pb.h"
#include "core/plan/plan_builder.h"
#include "sim/cluster_spec.h"
#include "sim/gateway/object_views.h"

namespace scaleio::gateway::testing {

namespace {

using nlohmann::json;

std::vector<events::AgentObserved> observed_agents(const sim::ClusterSpec& spec) {
  std::vector<events::AgentObserved> out;
  out.reserve(spec.agents.size());
  for (const auto& agent : spec.agents) {
    events::AgentObserved a;
    a.set_hostname(agent.hostname);
    a.set_agent_id("S-" + agent.hostname);
    a.set_ip(agent.ip);
    a.set_active(true);
    for (const auto& attribute : agent.attributes) {
      auto* at = a.add_attributes();
      at->set_name(attribute.name);
      at->set_type(events::Attribute::TEXT);
      at->set_text(attribute.value_string());
    }
    out.push_back(std::move(a));
  }
  return out;
}

const char* mode_of(int size) {
  return size == 5 ? "FiveNodes" : size == 3 ? "ThreeNodes" : "OneNode";
}

// The plan in the form ScaleioWorld::adopt reads.
json adoption_of(const plan::Plan& plan) {
  json members = json::array();
  auto member = [&](const std::string& host, const char* role, bool master) {
    members.push_back(
        {{"ip", plan.nodes.at(host).ip}, {"name", host}, {"role", role}, {"master", master}});
  };
  member(plan.mdm.primary, "Manager", true);
  for (const auto& host : plan.mdm.secondaries) member(host, "Manager", false);
  for (const auto& host : plan.mdm.tiebreakers) member(host, "TieBreaker", false);

  std::map<std::string, std::set<std::string>> pools_of;  // domain -> pools
  for (const auto& ref : plan.pools()) pools_of[ref.domain].insert(ref.pool);
  const auto fault_sets = plan.fault_sets();
  json domains = json::array();
  for (const auto& [domain, pools] : pools_of) {
    json pool_list = json::array();
    for (const auto& pool : pools) pool_list.push_back({{"name", pool}});
    json fs_list = json::array();
    if (auto it = fault_sets.find(domain); it != fault_sets.end()) {
      for (const auto& fs : it->second) fs_list.push_back(fs);
    }
    domains.push_back({{"name", domain}, {"storage_pools", pool_list}, {"fault_sets", fs_list}});
  }

  json sdss = json::array();
  for (const auto& [host, node] : plan.nodes) {
    for (const auto& domain : node.sds_domains()) {
      json devices = json::array();
      for (const auto& pool : node.pools) {
        if (pool.domain != domain) continue;
        for (const auto& path : pool.devices) {
          devices.push_back({{"path", path}, {"storage_pool", pool.pool}});
        }
      }
      json sds = {{"ip", node.ip},
                  {"name", host + "-" + domain},
                  {"protection_domain", domain},
                  {"devices", devices}};
      if (!node.fault_set.empty()) sds["fault_set"] = node.fault_set;
      sdss.push_back(std::move(sds));
    }
  }

  json volumes = json::array();
  for (const auto& [name, volume] : plan.volumes) {
    volumes.push_back({{"name", name},
                       {"protection_domain", volume.pool.domain},
                       {"storage_pool", volume.pool.pool},
                       {"size_gb", volume.size_gb},
                       {"type", volume.type == plan::VolumeType::kThick ? "thick" : "thin"},
                       {"mapped_to", volume.hosts}});
  }
  return {{"system_name", "scaleio"},
          {"mdm", {{"mode", mode_of(plan.mdm.size)}, {"members", members}}},
          {"protection_domains", domains},
          {"sds", sdss},
          {"volumes", volumes}};
}

}  // namespace

Result<std::unique_ptr<sim::SimGatewayWorld>> converged_sim_world(int agents, uint64_t seed) {
  auto spec = sim::generate_cluster_spec(agents, seed);
  if (!spec.ok()) return spec.status();
  const plan::Plan plan = plan::build_plan(observed_agents(*spec), {});
  if (plan.has_cluster_errors() || !plan.mdm.valid) {
    return invalid_argument("the generated cluster's plan has cluster errors");
  }
  std::vector<std::string> manager_ips = {plan.nodes.at(plan.mdm.primary).ip};
  for (const auto& host : plan.mdm.secondaries) manager_ips.push_back(plan.nodes.at(host).ip);

  sim::SimGatewayWorldOptions options;
  options.seed = seed;
  auto world = std::make_unique<sim::SimGatewayWorld>(options);
  for (const auto& [host, node] : plan.nodes) {
    sim::NodeInstall install;
    install.hostname = host;
    install.ip = node.ip;
    for (const auto& role : node.roles()) install.roles.insert(role);
    install.mdm_ips = manager_ips;
    world->node_installed(install);
  }
  std::lock_guard lock(world->mu());
  if (Status s = world->world().adopt(adoption_of(plan)); !s.ok()) return s;
  return world;
}

std::string instances_body(sim::SimGatewayWorld& world) {
  std::lock_guard lock(world.mu());
  return sim::views::everything(world.world()).dump();
}

}  // namespace scaleio::gateway::testing
