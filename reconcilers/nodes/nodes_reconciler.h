// The nodes reconciler: one long-running scaleio-node task per planned host, installing the
// host's roles (mdm, tb, sds, sdc) at the configured package version, and kept running.
//
// Each pass, per planned host (docs/reconcilers.md, "nodes"):
//  - its latest task runs the current spec            -> nothing (waiting while it starts);
//  - no task, or the latest ended                      -> launch on an offer from the host's agent,
//    after the backoff of earlier failures (a long-running task that ends is a failure);
//  - the latest runs an older spec (roles, MDM addresses or version changed) -> replace it: kill,
//    then launch when it has ended. One host at a time, only while every other host that ran a
//    task runs one, and never an MDM host while the MDM cluster is degraded (or not observable).
// Hosts that left the plan keep their task until storage_pools has drained them (no SDS and no
// MDM member at their address); then it is killed. Nothing is launched or killed before Mesos
// task reconciliation has finished, and intents left pending by a crash are first resolved from
// the tasks Mesos knows.
//
// Journal targets: "node/<host>" holds launch_task and kill_task (driver errors back off there);
// "node/<host>/task" holds task_ended failures and task_stable successes, so the relaunch backoff
// grows across launches that succeed but whose tasks keep ending (a successful launch would reset
// the count on a shared target).
#pragma once

#include "core/ports/mesos_driver.h"
#include "reconcilers/nodes/nodes_settings.h"
#include "reconcilers/offer_pool.h"
#include "reconcilers/reconciler.h"

namespace scaleio::reconcilers {

class NodesReconciler final : public Reconciler {
 public:
  static constexpr std::string_view kName = "nodes";

  NodesReconciler(mesos::MesosDriver& driver, OfferPool& offers, NodesSettings settings);

  std::string_view name() const override { return kName; }
  bool wakes_on(const Envelope& event) const override;
  PassOutcome reconcile(const ReconcileInput& input, ActionExecutor& actions) override;

  const NodesSettings& settings() const { return settings_; }

 private:
  mesos::MesosDriver& driver_;
  OfferPool& offers_;
  const NodesSettings settings_;
};

}  // namespace scaleio::reconcilers
