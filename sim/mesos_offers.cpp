// Offers: what the allocator hands out, and how it is taken back.
#include <cstdio>

#include "sim/mesos_json.h"
#include "sim/mesos_master.h"

namespace scaleio::sim {

namespace {

// Mesos' minimum allocatable unit: an agent with less free than this is not offered.
bool worth_offering(const Resources& r) {
  auto get = [&](const char* name) {
    auto it = r.scalars.find(name);
    return it == r.scalars.end() ? 0.0 : it->second;
  };
  return get("cpus") >= 0.01 || get("mem") >= 32;
}

}  // namespace

std::map<std::string, Resources> MesosMaster::offered_by_host() const {
  std::map<std::string, Resources> offered;
  for (const auto& [_, offer] : offers_) offered[offer.hostname] += offer.resources;
  return offered;
}

void MesosMaster::allocate() {
  allocation_requested_ = false;
  if (recovering()) return;
  const auto now = clock_.now();
  // What is taken on each agent, computed once per allocation (not once per agent: that scanned
  // every task and offer 5,000 times a second at 5,000 agents) and kept current as offers are made.
  const std::map<std::string, Resources> used = world_.used_by_host();
  std::map<std::string, Resources> offered = offered_by_host();
  for (auto& [framework_id, framework] : frameworks_) {
    if (!framework.connected || framework.suppressed) continue;
    nlohmann::json offers = nlohmann::json::array();
    for (auto& [hostname, agent] : world_.agents) {
      if (agent.state != AgentState::kUp || agent.reregistering) continue;
      auto refused = framework.refused_until.find(hostname);
      if (refused != framework.refused_until.end()) {
        if (refused->second > now) continue;
        framework.refused_until.erase(refused);
      }
      Resources available = agent.spec.resources;
      available -= resources_on(used, hostname);
      available -= resources_on(offered, hostname);
      if (!worth_offering(available)) continue;
      offered[hostname] += available;

      Offer offer;
      offer.id = master_id_ + "-O" + std::to_string(next_offer_++);
      offer.framework_id = framework_id;
      offer.hostname = hostname;
      offer.agent_id = agent.id;
      offer.resources = available;
      nlohmann::json attributes = nlohmann::json::array();
      for (const auto& a : agent.spec.attributes) attributes.push_back(a.to_json());
      offers.push_back(
          {{"id", id_object(offer.id)},
           {"framework_id", id_object(framework_id)},
           {"agent_id", id_object(agent.id)},
           {"hostname", hostname},
           {"url",
            {{"scheme", "http"},
             {"address",
              {{"hostname", agent.spec.ip}, {"ip", agent.spec.ip}, {"port", agent.port}}},
             {"path", "/slave(1)"}}},
           {"resources", available.to_json(framework.role)},
           {"attributes", attributes},
           {"allocation_info", {{"role", framework.role}}}});
      offers_.emplace(offer.id, std::move(offer));
    }
    if (!offers.empty()) send(framework, event("OFFERS", "offers", {{"offers", offers}}));
  }
}

void MesosMaster::rescind_offers_on(const std::string& hostname) {
  for (auto it = offers_.begin(); it != offers_.end();) {
    if (it->second.hostname != hostname) {
      ++it;
      continue;
    }
    if (Framework* framework = find_framework(it->second.framework_id)) {
      send(*framework, event("RESCIND", "rescind", {{"offer_id", id_object(it->first)}}));
    }
    it = offers_.erase(it);
  }
}

void MesosMaster::drop_offers_of(const std::string& framework_id) {
  for (auto it = offers_.begin(); it != offers_.end();) {
    it = it->second.framework_id == framework_id ? offers_.erase(it) : std::next(it);
  }
}

}  // namespace scaleio::sim
