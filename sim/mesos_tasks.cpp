// Task lifecycles as the simulated agents run them, and the status update stream between agent,
// master and scheduler (at-least-once, one un-acked update in flight per task).
#include <cstdio>

#include "core/base64.h"
#include "sim/mesos_json.h"
#include "sim/mesos_master.h"

namespace scaleio::sim {

void MesosMaster::start_lifecycle(Task& task) {
  const std::string key = AgentWorld::task_key(task.framework_id, task.task_id);
  task.lifecycle_timer = timers_.schedule(clock_.now() + scaled(options_.task_start_delay),
                                          [this, key] { lifecycle_step(key); });
}

// One step of a task's life on its agent: STAGING → STARTING → RUNNING → (one-shot) done.
void MesosMaster::lifecycle_step(const std::string& key) {
  auto it = world_.tasks.find(key);
  if (it == world_.tasks.end()) return;
  Task& task = it->second;
  task.lifecycle_timer = 0;
  Agent* agent = world_.find_agent(task.hostname);
  // A stopped agent runs nothing; a partitioned one keeps working and queues its updates.
  if (!agent || agent->id != task.agent_id || agent->state == AgentState::kDown) return;
  auto next = [&](Clock::Duration delay) {
    task.lifecycle_timer =
        timers_.schedule(clock_.now() + scaled(delay), [this, key] { lifecycle_step(key); });
  };
  const NodeCommand& command = task.command;
  if (task.agent_state == "TASK_STAGING") {
    agent_update(task, "TASK_STARTING", "");
    if (command.kind == NodeCommand::Kind::kInstall) {
      next(options_.install_delay);
    } else {
      agent_update(task, "TASK_RUNNING", "");
      next(options_.command_delay);
    }
    return;
  }
  if (task.agent_state == "TASK_STARTING" && command.kind == NodeCommand::Kind::kInstall) {
    if (hooks_) {
      hooks_->node_installed(NodeInstallRequest{task.hostname, agent->spec.ip, command.roles,
                                                command.mdm_ips, command.version});
    }
    agent_update(task, "TASK_RUNNING", "scaleio-node: packages installed, services running");
    return;
  }
  if (task.agent_state != "TASK_RUNNING") return;
  if (command.kind == NodeCommand::Kind::kInvalid) {
    agent_update(task, "TASK_FAILED", command.error, "REASON_COMMAND_EXECUTOR_FAILED");
    return;
  }
  if (command.kind == NodeCommand::Kind::kMdm) {
    Result<std::string> result =
        hooks_ ? hooks_->run_mdm_command(task.hostname, command.argv)
               : Result<std::string>(unavailable("no ScaleIO world attached to the simulator"));
    if (result.ok()) {
      agent_update(task, "TASK_FINISHED", result.value());
    } else {
      agent_update(task, "TASK_FAILED", result.status().message(),
                   "REASON_COMMAND_EXECUTOR_FAILED");
    }
  }
}

void MesosMaster::agent_update(Task& task, const std::string& state, const std::string& message,
                               const std::string& reason) {
  task.agent_state = state;
  task.last_message = message;
  Agent* agent = world_.find_agent(task.hostname);
  if (agent && agent->state == AgentState::kUp) task.state = state;
  AgentUpdate update;
  update.uuid = new_uuid_bytes();
  update.status = {{"task_id", id_object(task.task_id)},
                   {"state", state},
                   {"source", "SOURCE_EXECUTOR"},
                   {"agent_id", id_object(task.agent_id)},
                   {"executor_id", id_object(task.task_id)},
                   {"timestamp", now_seconds()},
                   {"uuid", base64_encode(update.uuid)}};
  if (!message.empty()) update.status["message"] = message;
  if (!reason.empty()) update.status["reason"] = reason;
  task.unacked.push_back(std::move(update));
  if (task.unacked.size() == 1) {
    task.retry_backoff = Clock::Duration::zero();
    deliver_head(task);
  }
}

void MesosMaster::deliver_head(Task& task) {
  if (task.unacked.empty()) return;
  task.retry_backoff = task.retry_backoff == Clock::Duration::zero()
                           ? options_.status_retry_initial
                           : std::min(task.retry_backoff * 2, options_.status_retry_max);
  task.next_retry = clock_.now() + task.retry_backoff;  // not scaled: see MasterOptions
  earliest_retry_ = std::min(earliest_retry_, task.next_retry);
  Agent* agent = world_.find_agent(task.hostname);
  if (!agent || agent->id != task.agent_id || agent->state != AgentState::kUp ||
      agent->reregistering) {
    return;  // the agent cannot reach the master now; it retries on its timer
  }
  Framework* framework = find_framework(task.framework_id);
  if (!framework || !framework->connected) return;
  send(*framework, event("UPDATE", "update", {{"status", task.unacked.front().status}}));
}

void MesosMaster::retry_updates(Clock::TimePoint now) {
  if (now < earliest_retry_) return;
  earliest_retry_ = Clock::TimePoint::max();
  for (auto& [_, task] : world_.tasks) {
    if (task.unacked.empty()) continue;
    if (task.next_retry <= now) {
      deliver_head(task);  // lowers earliest_retry_ to its next resend
    } else {
      earliest_retry_ = std::min(earliest_retry_, task.next_retry);
    }
  }
}

void MesosMaster::master_update(Framework& framework, const std::string& task_id,
                                const std::string& state, const std::string& reason,
                                const std::string& message, const std::string& agent_id) {
  nlohmann::json status = {{"task_id", id_object(task_id)},
                           {"state", state},
                           {"source", "SOURCE_MASTER"},
                           {"reason", reason},
                           {"message", message},
                           {"timestamp", now_seconds()}};
  if (!agent_id.empty()) status["agent_id"] = id_object(agent_id);
  send(framework, event("UPDATE", "update", {{"status", status}}));
}

void MesosMaster::forget_task_if_done(const std::string& key) {
  auto it = world_.tasks.find(key);
  if (it == world_.tasks.end()) return;
  if (is_terminal_state(it->second.state) && it->second.unacked.empty()) {
    if (it->second.lifecycle_timer) timers_.cancel(it->second.lifecycle_timer);
    world_.tasks.erase(it);
  }
}

void MesosMaster::mark_tasks_unreachable(Agent& agent) {
  for (auto& [_, task] : world_.tasks) {
    if (task.hostname != agent.spec.hostname || task.agent_id != agent.id) continue;
    if (is_terminal_state(task.state)) continue;
    Framework* framework = find_framework(task.framework_id);
    const bool pa = framework && framework->partition_aware;
    task.state = pa ? "TASK_UNREACHABLE" : "TASK_LOST";
    if (framework) {
      master_update(*framework, task.task_id, task.state, "REASON_AGENT_REMOVED",
                    "Agent " + agent.id + " is unreachable", agent.id);
    }
  }
}

void MesosMaster::drop_tasks_of_restarted_agent(Agent& agent, const std::string& reason) {
  for (auto it = world_.tasks.begin(); it != world_.tasks.end();) {
    Task& task = it->second;
    if (task.hostname != agent.spec.hostname || task.agent_id != agent.id) {
      ++it;
      continue;
    }
    if (task.lifecycle_timer) timers_.cancel(task.lifecycle_timer);
    Framework* framework = find_framework(task.framework_id);
    // Non-partition-aware schedulers were already told LOST; everyone else learns the task is gone.
    if (framework && !(task.state == "TASK_LOST" && !framework->partition_aware) &&
        !is_terminal_state(task.state)) {
      master_update(*framework, task.task_id,
                    framework->partition_aware ? "TASK_GONE" : "TASK_LOST", "REASON_AGENT_REMOVED",
                    reason, task.agent_id);
    }
    it = world_.tasks.erase(it);
  }
}

}  // namespace scaleio::sim
