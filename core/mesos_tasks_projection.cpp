#include "core/mesos_tasks_projection.h"

namespace scaleio {

void MesosTasksProjection::apply(const Envelope& event) {
  switch (event.payload_case()) {
    case Envelope::kTaskLaunchRequested: {
      const auto& launch = event.task_launch_requested();
      KnownTask& task = tasks_[launch.task_id()];
      task.task_id = launch.task_id();
      task.agent_id = launch.agent_id();
      task.state = "TASK_STAGING";
      task.terminal = false;
      break;
    }
    case Envelope::kTaskStatusObserved: {
      const auto& status = event.task_status_observed();
      KnownTask& task = tasks_[status.task_id()];
      task.task_id = status.task_id();
      if (!status.agent_id().empty()) task.agent_id = status.agent_id();
      task.state = status.state();
      auto state = mesos::parse_task_state(status.state());
      task.terminal = state && mesos::is_terminal(*state);
      break;
    }
    default:
      break;
  }
}

std::vector<mesos::TaskRef> MesosTasksProjection::non_terminal() const {
  std::vector<mesos::TaskRef> out;
  for (const auto& [id, task] : tasks_) {
    if (!task.terminal) out.push_back({task.task_id, task.agent_id});
  }
  return out;
}

}  // namespace scaleio
