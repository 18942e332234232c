// Idempotency keys of the reconciler's actions, written so that the intended change can be read
// back from the key alone, and the resolution of intents left without an outcome by a crash:
// each is checked against fresh observation (did the standby appear, did the mode switch happen,
// is the launched task known to Mesos) before anything else is done.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "core/action_journal.h"
#include "core/mesos_tasks_projection.h"
#include "core/observed/observed_state.h"
#include "core/ports/scaleio_types.h"
#include "reconcilers/mdm_quorum/decision.h"

namespace scaleio::reconcilers::mdm {

std::string add_standby_key(const std::string& ip, const std::string& role);
std::string remove_standby_key(const std::string& member_id);
std::string rollback_key(const std::string& host, const std::string& member_id);
// "switch-mode|ThreeNodes|<add slaves>|<add tbs>|<remove slaves>|<remove tbs>", ids comma
// separated.
std::string switch_key(const sio::ClusterModeChange& change);
std::optional<sio::ClusterModeChange> parse_switch_key(const std::string& key);

// nullopt: cannot be told yet (the gateway's view is stale); the intent stays pending.
std::optional<Resolution> resolve_intent(const events::ActionStarted& intent,
                                         const observed::ObservedState& observed,
                                         const MesosTasksProjection& tasks);

}  // namespace scaleio::reconcilers::mdm
