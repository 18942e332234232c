#include "core/ports/mesos_types.h"

#include <array>

namespace scaleio::mesos {

namespace {
constexpr std::array<const char*, 14> kStateNames = {
    "TASK_STARTING",         "TASK_RUNNING", "TASK_FINISHED",    "TASK_FAILED",
    "TASK_KILLED",           "TASK_LOST",    "TASK_STAGING",     "TASK_ERROR",
    "TASK_KILLING",          "TASK_DROPPED", "TASK_UNREACHABLE", "TASK_GONE",
    "TASK_GONE_BY_OPERATOR", "TASK_UNKNOWN"};
}  // namespace

bool is_terminal(TaskState state) {
  switch (state) {
    case TaskState::kFinished:
    case TaskState::kFailed:
    case TaskState::kKilled:
    case TaskState::kLost:
    case TaskState::kError:
    case TaskState::kDropped:
    case TaskState::kGone:
    case TaskState::kGoneByOperator:
      return true;
    default:
      return false;
  }
}

const char* task_state_name(TaskState state) {
  const auto index = static_cast<size_t>(state);
  return index < kStateNames.size() ? kStateNames[index] : "TASK_UNKNOWN";
}

std::optional<TaskState> parse_task_state(std::string_view name) {
  for (size_t i = 0; i < kStateNames.size(); ++i) {
    if (name == kStateNames[i]) return static_cast<TaskState>(i);
  }
  return std::nullopt;
}

}  // namespace scaleio::mesos
