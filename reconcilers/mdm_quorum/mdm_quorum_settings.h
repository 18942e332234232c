// What the MDM quorum reconciler needs beyond the plan: its timeouts and how to run the one-shot
// `scaleio-node mdm ...` tasks (same artifact and command form as the node tasks).
#pragma once

#include <chrono>
#include <string>

#include "core/clock.h"

namespace scaleio::reconcilers {

struct MdmQuorumSettings {
  // A member out of the cluster (status not Normal) longer than this is replaced by a planned
  // spare. Zero = never replace automatically (only report).
  Clock::Duration member_loss_timeout = std::chrono::minutes(10);
  // A standby added for the cluster that is not Normal this long after it was added is removed
  // again (rollback) and the host backs off.
  Clock::Duration join_timeout = std::chrono::minutes(5);

  // One-shot tasks (create-cluster, set-password): small, they only run scli.
  double task_cpus = 0.1;
  double task_mem_mb = 64;
  // The scaleio-node binary, fetched into the sandbox like the node tasks' (empty = already on
  // the agent's PATH as ./scaleio-node, as the simulator accepts).
  std::string node_artifact_url;
  double refuse_seconds = 5;

  // Where the task finds the MDM admin password: a file path on the agent (or in the sandbox)
  // handed to scaleio-node as SCALEIO_ADMIN_PASSWORD_FILE. Only the NAME travels, never the
  // secret. Empty = the password step is skipped and reported.
  std::string admin_password_file;
};

}  // namespace scaleio::reconcilers
