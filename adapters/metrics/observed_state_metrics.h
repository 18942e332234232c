// The ScaleIO gauges taken from the observed state in one call, so the daemon refreshes them
// after each observation without knowing how the projection stores MDMs, SDSs and pools.
#pragma once

#include "adapters/metrics/operator_metrics.h"
#include "core/observed/observed_state.h"

namespace scaleio::metrics {

// Sets gateway_reachable, mdm_cluster_members, mdm_quorum_healthy (core's mdm_healthy():
// ClusteredNormal), sds, sdc_connected and storage_pool_capacity_bytes (pools without
// statistics are left out). A stale state keeps its last known objects, as the projection does;
// gateway_reachable tells that they are stale.
void record_observed(OperatorMetrics& metrics, const observed::ObservedState& state);

}  // namespace scaleio::metrics
