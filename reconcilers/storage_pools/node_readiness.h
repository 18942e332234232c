// Whether a host can take an SDS yet. The gateway refuses to add an SDS whose host does not run
// the SDS package ("could not communicate with the SDS"), and the package is installed by the
// host's node task, which reports TASK_RUNNING only once it is. So the storage reconciler adds an
// SDS after it has seen the host's node task running: order from observed state (ARCHITECTURE.md),
// instead of a refused request per SDS and pass while thousands of hosts install.
#pragma once

#include <string>

#include "core/mesos_tasks_projection.h"

namespace scaleio::reconcilers::storage {

// A node task of `host` ("scaleio-node.<host>.<generation>.<incarnation>", see
// reconcilers/nodes/node_task_spec.h) is TASK_RUNNING.
bool node_task_running(const MesosTasksProjection& tasks, const std::string& host);

}  // namespace scaleio::reconcilers::storage
