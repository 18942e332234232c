#include "sim/agents.h"

#include <set>

namespace scaleio::sim {

std::string agent_state_name(AgentState state) {
  switch (state) {
    case AgentState::kUp:
      return "up";
    case AgentState::kDown:
      return "down";
    case AgentState::kPartitioned:
      return "partitioned";
  }
  return "unknown";
}

bool is_terminal_state(const std::string& state) {
  static const std::set<std::string> kTerminal = {
      "TASK_FINISHED", "TASK_FAILED",  "TASK_KILLED", "TASK_LOST",
      "TASK_ERROR",    "TASK_DROPPED", "TASK_GONE",   "TASK_GONE_BY_OPERATOR"};
  return kTerminal.count(state) > 0;
}

Agent* AgentWorld::find_agent(const std::string& hostname) {
  auto it = agents.find(hostname);
  return it == agents.end() ? nullptr : &it->second;
}

Agent* AgentWorld::find_agent_by_id(const std::string& agent_id) {
  for (auto& [_, agent] : agents) {
    if (agent.id == agent_id) return &agent;
  }
  return nullptr;
}

Task* AgentWorld::find_task(const std::string& framework_id, const std::string& task_id) {
  auto it = tasks.find(task_key(framework_id, task_id));
  return it == tasks.end() ? nullptr : &it->second;
}

std::map<std::string, Resources> AgentWorld::used_by_host() const {
  std::map<std::string, Resources> used;
  for (const auto& [_, task] : tasks) {
    // A task holds its resources until it is terminal; an unreachable task still does, since the
    // agent may come back with it.
    if (!is_terminal_state(task.state)) used[task.hostname] += task.resources;
  }
  return used;
}

Resources resources_on(const std::map<std::string, Resources>& by_host,
                       const std::string& hostname) {
  auto it = by_host.find(hostname);
  return it == by_host.end() ? Resources() : it->second;
}

}  // namespace scaleio::sim
