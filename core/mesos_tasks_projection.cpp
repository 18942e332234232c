#include "core/mesos_tasks_projection.h"

#include "core/snapshots.pb.h"

namespace scaleio {

bool MesosTasksProjection::folds(const Envelope& event) {
  return event.payload_case() == Envelope::kTaskLaunchRequested ||
         event.payload_case() == Envelope::kTaskStatusObserved;
}

void MesosTasksProjection::apply(const Envelope& event) {
  if (!folds(event)) return;
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

std::string MesosTasksProjection::save() const {
  snapshots::MesosTasksState state;
  for (const auto& [id, task] : tasks_) {
    snapshots::KnownTaskState& out = *state.add_tasks();
    out.set_task_id(task.task_id);
    out.set_agent_id(task.agent_id);
    out.set_state(task.state);
    out.set_terminal(task.terminal);
  }
  return state.SerializeAsString();
}

Status MesosTasksProjection::restore(std::string_view bytes) {
  snapshots::MesosTasksState state;
  if (!state.ParseFromArray(bytes.data(), static_cast<int>(bytes.size()))) {
    return data_loss("mesos_tasks snapshot cannot be decoded");
  }
  tasks_.clear();
  for (const auto& task : state.tasks()) {
    tasks_[task.task_id()] =
        KnownTask{task.task_id(), task.agent_id(), task.state(), task.terminal()};
  }
  return Status();
}

std::vector<mesos::TaskRef> MesosTasksProjection::non_terminal() const {
  std::vector<mesos::TaskRef> out;
  for (const auto& [id, task] : tasks_) {
    if (!task.terminal) out.push_back({task.task_id, task.agent_id});
  }
  return out;
}

}  // namespace scaleio
