// The simulated gateway's answer to GET /api/instances for a generated cluster of any size
// (sim/cluster_spec.h), as it looks once the operator has converged it: every planned MDM,
// protection domain, fault set, pool, SDS, device, SDC and volume exists. The world is built by
// adopting the plan as an existing cluster (sim/gateway/world_snapshot.cpp), since converging
// 5,000 nodes through the reconcilers takes minutes. Shared by tests/scaleio and
// bench/listing_parse_bench.
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "core/status.h"
#include "sim/in_process/sim_gateway_world.h"

namespace scaleio::gateway::testing {

Result<std::unique_ptr<sim::SimGatewayWorld>> converged_sim_world(int agents, uint64_t seed);

// The body its gateway sends for GET /api/instances (the same bytes GatewayService answers).
std::string instances_body(sim::SimGatewayWorld& world);

}  // namespace scaleio::gateway::testing
