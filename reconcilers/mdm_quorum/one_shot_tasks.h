// The one-shot `scaleio-node mdm <verb>` tasks: their ids, command lines and latest attempts.
//
// Task ids are "scaleio-mdm.<verb>.<host>.<sequence>" where <sequence> is the log position when
// the task was decided (12 digits, so ids of one verb and host sort by attempt). The id alone
// says which step a task was for, so the tasks projection answers "is the last attempt of this
// step still running, did it finish, did it fail" after a restart without any other state.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/mesos_tasks_projection.h"
#include "core/ports/mesos_types.h"
#include "reconcilers/mdm_quorum/mdm_quorum_settings.h"

namespace scaleio::reconcilers::mdm {

inline constexpr std::string_view kTaskPrefix = "scaleio-mdm.";
inline constexpr std::string_view kCreateCluster = "create-cluster";
inline constexpr std::string_view kSetPassword = "set-password";
// The environment variable naming the password file (cli/scaleio_node/secrets.h reads it).
inline constexpr std::string_view kAdminPasswordFileEnv = "SCALEIO_ADMIN_PASSWORD_FILE";

struct OneShotTask {
  std::string verb;  // "create-cluster", "set-password"
  std::string host;
  std::string agent_id;
  std::string task_id;
  std::vector<std::string> arguments;  // argv, "./scaleio-node" first
  bool needs_admin_password = false;
};

std::string task_id_for(std::string_view verb, const std::string& host, uint64_t sequence);
bool is_one_shot_task(std::string_view task_id);
// The sequence part of an id made by task_id_for; 0 when it has none.
uint64_t task_sequence(std::string_view task_id);

OneShotTask create_cluster_task(const std::string& host, const std::string& agent_id,
                                const std::string& master_ip, uint64_t sequence);
OneShotTask set_password_task(const std::string& host, const std::string& agent_id,
                              uint64_t sequence);

// The TaskInfo to launch: program "./scaleio-node" without a shell, the artifact as a URI, the
// password file's NAME in the environment for set-password (never the secret itself).
mesos::TaskLaunch to_launch(const OneShotTask& task, const MdmQuorumSettings& settings);

// The latest attempt of `verb` (any host), by sequence.
const KnownTask* latest_attempt(const MesosTasksProjection& tasks, std::string_view verb);

// The nodes reconciler's task ids ("scaleio-node.<host>.<generation>.<incarnation>").
inline constexpr std::string_view kNodeTaskPrefix = "scaleio-node.";
// The host runs its node task (the long-running install of the MDM packages) and Mesos reports
// it TASK_RUNNING, which the node task only is once its packages are installed.
bool node_task_running(const MesosTasksProjection& tasks, const std::string& agent_id);

}  // namespace scaleio::reconcilers::mdm
