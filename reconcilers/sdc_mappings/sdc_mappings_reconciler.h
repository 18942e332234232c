// The SDC and volume reconciler. Every SDC host of the plan has a registered SDC (matched by
// the host's IP) named after the host; every declared volume (scaleio-sdc-volumes) exists in its
// pool with its size and is mapped to exactly the SDCs of the hosts that declare it
// (multi-mapped when several do).
//
// Safety rules:
//  - volumes only grow; a planned size below the observed one is refused and reported;
//  - only volumes this operator created (ActionJournal::created_by_operator("volume/<name>"))
//    are ever changed: resized, mapped or unmapped. A volume someone else made is reported and
//    left exactly as it is, even when the plan declares its name;
//  - mappings of an owned volume to SDCs that no longer declare it are removed; volumes are
//    never removed.
// Acts only on a fresh observed state and a healthy MDM cluster; an SDC not registered yet is a
// waiting item (the node task installs it).
#pragma once

#include <string_view>

#include "core/ports/gateway_client.h"
#include "reconcilers/reconciler.h"

namespace scaleio::reconcilers {

class SdcMappingsReconciler final : public Reconciler {
 public:
  explicit SdcMappingsReconciler(GatewayClient& gateway) : gateway_(gateway) {}

  std::string_view name() const override { return "sdc_mappings"; }
  // The plan, every gateway observation (payloads 130-139), and failures of its own actions.
  bool wakes_on(const Envelope& event) const override;
  PassOutcome reconcile(const ReconcileInput& input, ActionExecutor& actions) override;

 private:
  GatewayClient& gateway_;
};

}  // namespace scaleio::reconcilers
