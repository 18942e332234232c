// Agent faults driven by the control API: stop, start, partition, new attributes, failed tasks.
#include <cstdio>

#include "sim/mesos_json.h"
#include "sim/mesos_master.h"

namespace scaleio::sim {

Status MesosMaster::restart_with_new_id(Agent& agent) {
  const std::string old_id = agent.id;
  drop_tasks_of_restarted_agent(agent, "Agent " + old_id + " restarted as a new agent");
  world_.retired_agent_ids[old_id] = agent.spec.hostname;
  agent.id = new_agent_id();
  agent.state = AgentState::kUp;
  agent.reregistering = false;
  allocate();
  return Status();
}

Status MesosMaster::stop_agent(const std::string& hostname) {
  FlushGuard guard(*this);
  Agent* agent = world_.find_agent(hostname);
  if (!agent) return not_found("no agent " + hostname);
  if (agent->state == AgentState::kDown) return failed_precondition(hostname + " is already down");
  const bool was_up = agent->state == AgentState::kUp;
  rescind_offers_on(hostname);
  if (was_up) {
    for (auto& [_, framework] : frameworks_) {
      send(framework, event("FAILURE", "failure", {{"agent_id", id_object(agent->id)}}));
    }
    mark_tasks_unreachable(*agent);
  }
  // The agent process is gone: nothing on it runs on.
  for (auto& [_, task] : world_.tasks) {
    if (task.hostname == hostname && task.lifecycle_timer) {
      timers_.cancel(task.lifecycle_timer);
      task.lifecycle_timer = 0;
    }
  }
  agent->state = AgentState::kDown;
  agent->reregistering = false;
  if (was_up && hooks_) hooks_->node_down(hostname);
  return Status();
}

Status MesosMaster::partition_agent(const std::string& hostname) {
  FlushGuard guard(*this);
  Agent* agent = world_.find_agent(hostname);
  if (!agent) return not_found("no agent " + hostname);
  if (agent->state != AgentState::kUp) return failed_precondition(hostname + " is not up");
  rescind_offers_on(hostname);
  for (auto& [_, framework] : frameworks_) {
    send(framework, event("FAILURE", "failure", {{"agent_id", id_object(agent->id)}}));
  }
  mark_tasks_unreachable(*agent);
  agent->state = AgentState::kPartitioned;
  if (hooks_) hooks_->node_down(hostname);
  return Status();
}

Status MesosMaster::start_agent(const std::string& hostname) {
  FlushGuard guard(*this);
  Agent* agent = world_.find_agent(hostname);
  if (!agent) return not_found("no agent " + hostname);
  switch (agent->state) {
    case AgentState::kUp:
      return failed_precondition(hostname + " is already up");
    case AgentState::kPartitioned: {
      // The partition heals: the same agent re-registers with its tasks, which come back to the
      // state the agent knows (LOST can turn into RUNNING again).
      agent->state = AgentState::kUp;
      for (auto& [_, task] : world_.tasks) {
        if (task.hostname != hostname || task.agent_id != agent->id) continue;
        task.state = task.agent_state;
        Framework* framework = find_framework(task.framework_id);
        if (framework && !is_terminal_state(task.state)) {
          master_update(*framework, task.task_id, task.state, "REASON_AGENT_REREGISTERED",
                        "Agent " + agent->id + " reregistered", agent->id);
        }
        if (!task.unacked.empty()) {
          task.retry_backoff = Clock::Duration::zero();
          deliver_head(task);
        }
      }
      if (hooks_) hooks_->node_up(hostname);
      allocate();
      return Status();
    }
    case AgentState::kDown: {
      // A stopped agent comes back with a fresh work dir: a new agent id, none of its tasks.
      Status status = restart_with_new_id(*agent);
      if (hooks_) hooks_->node_up(hostname);
      return status;
    }
  }
  return Status();
}

Status MesosMaster::set_agent_attributes(const std::string& hostname,
                                         std::vector<Attribute> attributes) {
  FlushGuard guard(*this);
  Agent* agent = world_.find_agent(hostname);
  if (!agent) return not_found("no agent " + hostname);
  agent->spec.attributes = std::move(attributes);
  if (agent->state != AgentState::kUp) {
    // Applied when it starts again, which is then a restart under a new id.
    agent->state = AgentState::kDown;
    return Status();
  }
  rescind_offers_on(hostname);
  for (auto& [_, framework] : frameworks_) {
    send(framework, event("FAILURE", "failure", {{"agent_id", id_object(agent->id)}}));
  }
  return restart_with_new_id(*agent);
}

Status MesosMaster::fail_task(const std::string& task_id, const std::string& message) {
  FlushGuard guard(*this);
  for (auto& [_, task] : world_.tasks) {
    if (task.task_id != task_id) continue;
    if (is_terminal_state(task.agent_state)) {
      return failed_precondition("task " + task_id + " is already " + task.agent_state);
    }
    Agent* agent = world_.find_agent(task.hostname);
    if (!agent || agent->state == AgentState::kDown) {
      return failed_precondition("task " + task_id + " is on an agent that is down");
    }
    if (task.lifecycle_timer) {
      timers_.cancel(task.lifecycle_timer);
      task.lifecycle_timer = 0;
    }
    agent_update(task, "TASK_FAILED", message, "REASON_EXECUTOR_TERMINATED");
    return Status();
  }
  return not_found("no task " + task_id);
}

}  // namespace scaleio::sim
