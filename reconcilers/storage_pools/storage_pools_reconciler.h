// The storage reconciler: protection domains, fault sets, storage pools, one SDS per host and
// domain, and the devices of each SDS in their pools — created through the gateway, one action
// per drift item, only while the MDM cluster is healthy and the observed state is fresh.
//
// An SDS is added once the host's node task is seen running (it installs the SDS package; the
// gateway refuses the SDS before), so that thousands of installing hosts cost no refused requests.
//
// Removals (a host, pool or device that left the plan) happen only with --allow-removals, one
// SDS (or device) at a time, and only when the rest of the pool holds the data with its spare and
// no rebuild or rebalance runs; otherwise the drift item says what it waits for. Empty pools,
// fault sets and domains that left the plan are removed after their devices and SDSs.
//
// Naming: an SDS is named after its host; a host with SDSs in several domains names the others
// "<host>-<domain>" (see storage_lookup.h).
#pragma once

#include <string_view>

#include "core/ports/gateway_client.h"
#include "reconcilers/reconciler.h"

namespace scaleio::reconcilers {

class StoragePoolsReconciler final : public Reconciler {
 public:
  explicit StoragePoolsReconciler(GatewayClient& gateway) : gateway_(gateway) {}

  std::string_view name() const override { return "storage_pools"; }
  // The plan, every gateway observation (payloads 130-139), and failures of its own actions.
  bool wakes_on(const Envelope& event) const override;
  PassOutcome reconcile(const ReconcileInput& input, ActionExecutor& actions) override;

 private:
  GatewayClient& gateway_;
};

}  // namespace scaleio::reconcilers
