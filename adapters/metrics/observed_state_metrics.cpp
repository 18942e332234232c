#include "adapters/metrics/observed_state_metrics.h"

#include <string>
#include <vector>

namespace scaleio::metrics {
namespace {

constexpr double kBytesPerKb = 1024;

std::vector<MdmMemberSample> mdm_members(const observed::ObservedState& state) {
  std::vector<MdmMemberSample> members;
  if (!state.mdm || !state.mdm->value.exists()) return members;
  for (const auto& m : state.mdm->value.members()) members.push_back({m.role(), m.status()});
  return members;
}

std::vector<PoolCapacitySample> pools(const observed::ObservedState& state) {
  std::vector<PoolCapacitySample> samples;
  for (const auto& [id, seen] : state.storage_pools) {
    const auto& pool = seen.value;
    if (!pool.has_capacity()) continue;
    std::string domain = state.domain_name(pool.protection_domain_id());
    if (domain.empty()) domain = pool.protection_domain_id();
    const auto& c = pool.capacity();
    samples.push_back({domain, pool.name().empty() ? id : pool.name(), c.max_kb() * kBytesPerKb,
                       c.in_use_kb() * kBytesPerKb, c.spare_kb() * kBytesPerKb});
  }
  return samples;
}

}  // namespace

void record_observed(OperatorMetrics& metrics, const observed::ObservedState& state) {
  metrics.set_gateway_reachable(state.reachable);
  metrics.set_mdm_members(mdm_members(state));
  metrics.set_mdm_quorum_healthy(state.mdm_healthy());

  std::vector<std::string> sds_states;
  for (const auto& [_, seen] : state.sdss) sds_states.push_back(seen.value.connection_state());
  metrics.set_sds_states(sds_states);

  int64_t connected = 0;
  for (const auto& [_, seen] : state.sdcs) {
    if (seen.value.connection_state() == "Connected") ++connected;
  }
  metrics.set_sdc_connected(connected);
  metrics.set_storage_pools(pools(state));
}

}  // namespace scaleio::metrics
