// The MDM quorum reconciler: creates the MDM cluster the personas describe, grows and shrinks it
// (1, 3, 5 nodes) and heals it by replacing members lost longer than a timeout — one change per
// pass, never below a quorum of good members. The decisions are in decision.h (pure); this class
// only carries them out, each through ActionExecutor::perform (intent first).
//
// How changes are made:
//   - create-cluster and set-password have no REST call (scli on an MDM host), so they run as
//     one-shot `scaleio-node mdm <verb>` Mesos tasks on the offer of the right host;
//   - standbys, mode switches and standby removals go through the gateway REST API
//     (add_standby_mdm, switch_cluster_mode, remove_standby_mdm). Chosen over one-shot tasks
//     because the answer is synchronous and typed (a refused switch is FailedPrecondition at
//     once, not a task failure to dig out of a status message), creates adopt an existing
//     standby by name, nothing waits for an offer of a particular host, and the admin password
//     never has to reach a node for these steps (the gateway holds the session).
#pragma once

#include "core/ports/gateway_client.h"
#include "core/ports/mesos_driver.h"
#include "reconcilers/mdm_quorum/decision.h"
#include "reconcilers/mdm_quorum/mdm_quorum_settings.h"
#include "reconcilers/mdm_quorum/outage_tracker.h"
#include "reconcilers/offer_pool.h"
#include "reconcilers/reconciler.h"

namespace scaleio::reconcilers {

class MdmQuorumReconciler final : public Reconciler {
 public:
  MdmQuorumReconciler(GatewayClient& gateway, mesos::MesosDriver& driver, OfferPool& offers,
                      MdmQuorumSettings settings);

  std::string_view name() const override { return mdm::kReconcilerName; }
  bool wakes_on(const Envelope& event) const override;
  PassOutcome reconcile(const ReconcileInput& input, ActionExecutor& actions) override;

 private:
  // Carries out `step`; returns whether an offer is still wanted.
  bool execute(const mdm::Step& step, ActionExecutor& actions, PassOutcome& out);
  bool launch(const mdm::Step& step, ActionExecutor& actions, PassOutcome& out);
  void set_demand(bool wants_offers);

  GatewayClient& gateway_;
  mesos::MesosDriver& driver_;
  OfferPool& offers_;
  const MdmQuorumSettings settings_;
  mdm::OutageTracker outages_;
};

}  // namespace scaleio::reconcilers
