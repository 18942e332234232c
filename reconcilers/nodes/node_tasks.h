// The node tasks Mesos knows, grouped by host: which one is the host's latest (highest
// incarnation), and which others are still alive (duplicates to kill). Built from the
// MesosTasksProjection on every pass; tasks that are not node tasks are ignored.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "core/mesos_tasks_projection.h"
#include "reconcilers/nodes/node_task_spec.h"

namespace scaleio::reconcilers {

struct HostTasks {
  const KnownTask* latest = nullptr;
  NodeTaskId latest_id;
  std::vector<const KnownTask*> older_alive;    // non-terminal tasks other than the latest
  std::vector<const KnownTask*> alive() const;  // older_alive plus the latest when non-terminal
};

std::map<std::string, HostTasks> node_tasks_by_host(const MesosTasksProjection& tasks);

}  // namespace scaleio::reconcilers
