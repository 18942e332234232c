#include "reconcilers/nodes/node_tasks.h"

namespace scaleio::reconcilers {

std::vector<const KnownTask*> HostTasks::alive() const {
  std::vector<const KnownTask*> out = older_alive;
  if (latest && !latest->terminal) out.push_back(latest);
  return out;
}

std::map<std::string, HostTasks> node_tasks_by_host(const MesosTasksProjection& tasks) {
  std::map<std::string, HostTasks> out;
  for (const auto& [id, task] : tasks.tasks()) {
    auto parsed = parse_node_task_id(id);
    if (!parsed) continue;
    HostTasks& host = out[parsed->hostname];
    if (host.latest == nullptr || parsed->incarnation > host.latest_id.incarnation) {
      if (host.latest && !host.latest->terminal) host.older_alive.push_back(host.latest);
      host.latest = &task;
      host.latest_id = std::move(*parsed);
    } else if (!task.terminal) {
      host.older_alive.push_back(&task);
    }
  }
  return out;
}

}  // namespace scaleio::reconcilers
