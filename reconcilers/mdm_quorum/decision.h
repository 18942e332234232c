// The MDM quorum reconciler's brain, a pure function: from the plan, the observed cluster, the
// Mesos tasks and the action journal it decides the ONE next change (or none), and says why
// every other change waits or is refused. Everything that makes it safe is here, so that it can
// be tested exhaustively without a gateway or Mesos:
//   - an invalid cluster plan: no action, the plan's problems as drift;
//   - pending intents after a restart are resolved from observation before anything else;
//   - adopt mode (--mdm-ips) only reports;
//   - bootstrap waits for the MDM hosts' node tasks (packages installed) before creating;
//   - a member out of the cluster is replaced only after `member_loss_timeout` (0 = never), only
//     by a planned spare (a host with persona secondary/tiebreaker not yet in the cluster), and
//     never by a switch that leaves fewer than a quorum of good members (quorum.h);
//   - a standby that does not become Normal within `join_timeout` is rolled back;
//   - one change per pass; 3 -> 5 and 5 -> 3 go as rolling steps (standbys, one switch, removals).
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "core/action_journal.h"
#include "core/clock.h"
#include "core/mesos_tasks_projection.h"
#include "core/observed/drift.h"
#include "core/observed/observed_state.h"
#include "core/plan/plan.h"
#include "core/ports/scaleio_types.h"
#include "reconcilers/action_executor.h"
#include "reconcilers/mdm_quorum/mdm_quorum_settings.h"
#include "reconcilers/mdm_quorum/one_shot_tasks.h"

namespace scaleio::reconcilers::mdm {

inline constexpr std::string_view kReconcilerName = "mdm_quorum";

// Action names in the journal.
inline constexpr std::string_view kLaunchCreateCluster = "launch_create_cluster";
inline constexpr std::string_view kLaunchSetPassword = "launch_set_password";
inline constexpr std::string_view kConfirmTask = "confirm_mdm_task";
inline constexpr std::string_view kAddStandby = "add_standby_mdm";
inline constexpr std::string_view kSwitchMode = "switch_cluster_mode";
inline constexpr std::string_view kRemoveStandby = "remove_standby_mdm";
inline constexpr std::string_view kRollbackJoin = "rollback_join";

struct DecideInput {
  const plan::Plan& plan;
  const observed::ObservedState& observed;
  const MesosTasksProjection& tasks;
  const ActionJournal& journal;
  Clock::TimePoint now;
  uint64_t last_sequence = 0;  // of the log the inputs were read at (names new tasks)
  // Member id -> when it was first seen not Normal (reconcilers/mdm_quorum/outage_tracker.h).
  const std::map<std::string, Clock::TimePoint>& down_since;
  const MdmQuorumSettings& settings;
  // drift(plan, observed) when the caller already has it (ReconcileInput::analysis); else computed.
  const std::vector<observed::DriftItem>* drift = nullptr;
};

struct Step {
  enum class Kind {
    kLaunchTask,     // task
    kConfirmTask,    // record a one-shot task's end in the journal (no side effect)
    kAddStandby,     // standby
    kSwitchMode,     // change
    kRemoveStandby,  // member_id
    kRollbackJoin,   // member_id (empty when it never appeared); recorded as a failure
  };
  Kind kind = Kind::kLaunchTask;
  ActionRequest request;
  OneShotTask task;
  std::string task_state;  // kConfirmTask: the terminal state seen
  sio::NewStandbyMdm standby;
  sio::ClusterModeChange change;
  std::string member_id;
};

// An intent found without an outcome, and what observation says of it.
struct Resolution {
  events::ActionStarted intent;
  bool done = false;
  std::string result;
};

struct Decision {
  // When set, the pass only records these (and takes no step).
  std::vector<Resolution> resolutions;
  std::optional<Step> step;
  // Why things wait or are refused, plus the reconciler's view of what differs.
  std::vector<observed::DriftItem> drift;
  // Look again after this long (a timeout or backoff that will expire), when known.
  std::optional<Clock::Duration> requeue_after;
};

Decision decide(const DecideInput& in);

}  // namespace scaleio::reconcilers::mdm
