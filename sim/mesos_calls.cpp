// Scheduler calls other than SUBSCRIBE, checked in the order a real master checks them.
#include <cmath>
#include <cstdio>
#include <set>

#include "core/base64.h"
#include "sim/mesos_json.h"
#include "sim/mesos_master.h"

namespace scaleio::sim {

namespace {

constexpr double kDefaultRefuseSeconds = 5.0;
constexpr double kMaxRefuseSeconds = 31536000.0;

// The payload key each call type must carry (nullptr = optional or none).
const std::map<std::string, const char*>& call_payloads() {
  static const std::map<std::string, const char*> kPayloads = {
      {"TEARDOWN", nullptr},
      {"ACCEPT", "accept"},
      {"DECLINE", "decline"},
      {"REVIVE", nullptr},
      {"KILL", "kill"},
      {"SHUTDOWN", "shutdown"},
      {"ACKNOWLEDGE", "acknowledge"},
      {"RECONCILE", "reconcile"},
      {"MESSAGE", "message"},
      {"REQUEST", "request"},
      {"SUPPRESS", nullptr},
      {"ACCEPT_INVERSE_OFFERS", "accept_inverse_offers"},
      {"DECLINE_INVERSE_OFFERS", "decline_inverse_offers"},
      {"ACKNOWLEDGE_OPERATION_STATUS", "acknowledge_operation_status"},
      {"RECONCILE_OPERATIONS", "reconcile_operations"},
      {"UPDATE_FRAMEWORK", "update_framework"},
  };
  return kPayloads;
}

Clock::Duration refuse_duration(const nlohmann::json& holder) {
  double seconds = kDefaultRefuseSeconds;
  if (holder.is_object() && holder.contains("filters") && holder["filters"].is_object()) {
    const auto& filters = holder["filters"];
    if (filters.contains("refuse_seconds") && filters["refuse_seconds"].is_number()) {
      seconds = filters["refuse_seconds"].get<double>();
    }
  }
  if (!std::isfinite(seconds) || seconds < 0) seconds = kDefaultRefuseSeconds;
  seconds = std::min(seconds, kMaxRefuseSeconds);
  return std::chrono::duration_cast<Clock::Duration>(std::chrono::duration<double>(seconds));
}

// Roles named by REVIVE/SUPPRESS: empty means all of the framework's roles.
bool applies_to(const nlohmann::json& payload, const std::string& role) {
  if (!payload.is_object() || !payload.contains("roles") || !payload["roles"].is_array() ||
      payload["roles"].empty()) {
    return true;
  }
  for (const auto& r : payload["roles"]) {
    if (r.is_string() && r.get<std::string>() == role) return true;
  }
  return false;
}

}  // namespace

MesosMaster::Answer MesosMaster::call(const nlohmann::json& call,
                                      const std::optional<std::string>& stream_id) {
  FlushGuard guard(*this);
  if (!call.is_object() || !call.contains("type") || !call["type"].is_string()) {
    return {400, "Failed to validate scheduler::Call: Expecting 'type' to be present as a string"};
  }
  const std::string type = call["type"].get<std::string>();
  if (type == "SUBSCRIBE") return {400, "SUBSCRIBE must be handled as a stream"};
  auto payload = call_payloads().find(type);
  if (payload == call_payloads().end()) {
    return {400, "Failed to parse body into Call: unknown call type '" + type + "'"};
  }
  bool malformed = false;
  auto framework_id = read_id(call, "framework_id", malformed);
  if (malformed) return {400, "Failed to parse body into Call: 'framework_id' must be an object"};
  if (!framework_id) {
    return {400, "Failed to validate scheduler::Call: Expecting 'framework_id' to be present"};
  }
  if (payload->second && (!call.contains(payload->second) || !call[payload->second].is_object())) {
    return {400, std::string("Failed to validate scheduler::Call: Expecting '") + payload->second +
                     "' to be present"};
  }
  Framework* framework = find_framework(*framework_id);
  if (!framework) return {400, "Framework cannot be found"};
  if (!framework->connected) return {403, "Framework is not subscribed"};
  if (!stream_id)
    return {400, "All non-subscribe calls should include the 'Mesos-Stream-Id' header"};
  if (*stream_id != framework->stream_id) {
    return {400, "The stream ID '" + *stream_id +
                     "' included in this request didn't match the "
                     "stream ID currently associated with framework ID " +
                     framework->id};
  }

  if (type == "TEARDOWN") {
    remove_framework(framework->id, "TEARDOWN call");
    return {202, ""};
  }
  if (type == "ACCEPT") return handle_accept(*framework, call["accept"]);
  if (type == "DECLINE") return handle_decline(*framework, call["decline"]);
  if (type == "KILL") return handle_kill(*framework, call["kill"]);
  if (type == "ACKNOWLEDGE") return handle_acknowledge(*framework, call["acknowledge"]);
  if (type == "RECONCILE") return handle_reconcile(*framework, call["reconcile"]);
  if (type == "REVIVE") {
    if (applies_to(call.value("revive", nlohmann::json()), framework->role)) {
      framework->suppressed = false;
      framework->refused_until.clear();
      allocate();
    }
    return {202, ""};
  }
  if (type == "SUPPRESS") {
    if (applies_to(call.value("suppress", nlohmann::json()), framework->role)) {
      framework->suppressed = true;
    }
    return {202, ""};
  }
  // SHUTDOWN, MESSAGE, REQUEST, inverse offers, operations: accepted and ignored; nothing the
  // operator uses depends on them.
  return {202, ""};
}

MesosMaster::Answer MesosMaster::handle_decline(Framework& framework,
                                                const nlohmann::json& decline) {
  const auto refuse = refuse_duration(decline);
  if (!decline.contains("offer_ids") || !decline["offer_ids"].is_array()) {
    return {400, "Failed to validate scheduler::Call: 'decline.offer_ids' must be a list"};
  }
  for (const auto& id : decline["offer_ids"]) {
    if (!id.is_object() || !id.contains("value") || !id["value"].is_string()) {
      return {400, "Failed to parse body into Call: offer id must be {\"value\": ...}"};
    }
  }
  for (const auto& id : decline["offer_ids"]) {
    auto it = offers_.find(id["value"].get<std::string>());
    // An unknown or already used offer id is ignored, as on a real master.
    if (it == offers_.end() || it->second.framework_id != framework.id) continue;
    framework.refused_until[it->second.hostname] = clock_.now() + refuse;
    offers_.erase(it);
  }
  return {202, ""};
}

MesosMaster::Answer MesosMaster::handle_accept(Framework& framework, const nlohmann::json& accept) {
  if (!accept.contains("offer_ids") || !accept["offer_ids"].is_array()) {
    return {400, "Failed to validate scheduler::Call: 'accept.offer_ids' must be a list"};
  }
  std::vector<std::string> offer_ids;
  for (const auto& id : accept["offer_ids"]) {
    if (!id.is_object() || !id.contains("value") || !id["value"].is_string()) {
      return {400, "Failed to parse body into Call: offer id must be {\"value\": ...}"};
    }
    offer_ids.push_back(id["value"].get<std::string>());
  }
  const nlohmann::json operations = accept.contains("operations") && accept["operations"].is_array()
                                        ? accept["operations"]
                                        : nlohmann::json::array();
  // TaskInfo's required fields are checked as a parse error (400), like protobuf would.
  std::vector<nlohmann::json> tasks;
  for (const auto& operation : operations) {
    if (!operation.is_object() || !operation.contains("type") || !operation["type"].is_string()) {
      return {400, "Failed to parse body into Call: operation without a 'type'"};
    }
    if (operation["type"] != "LAUNCH") continue;
    const auto& launch = operation.value("launch", nlohmann::json());
    if (!launch.is_object() || !launch.contains("task_infos") || !launch["task_infos"].is_array()) {
      return {400, "Failed to validate scheduler::Call: LAUNCH without 'launch.task_infos'"};
    }
    for (const auto& task : launch["task_infos"]) {
      bool malformed = false;
      auto task_id = read_id(task, "task_id", malformed);
      auto agent_id = read_id(task, "agent_id", malformed);
      if (malformed || !task_id || !agent_id || !task.contains("name") ||
          !task["name"].is_string()) {
        return {400,
                "Failed to parse body into Call: TaskInfo needs 'name', 'task_id' and "
                "'agent_id'"};
      }
      tasks.push_back(task);
    }
  }

  // Offer validation: every id known, this framework's, unused, all on one agent.
  std::string error;
  std::set<std::string> seen;
  std::string hostname;
  for (const auto& id : offer_ids) {
    auto it = offers_.find(id);
    if (!seen.insert(id).second) {
      error = "Offer " + id + " appears more than once";
    } else if (it == offers_.end()) {
      error = "Offer " + id + " is no longer valid";
    } else if (it->second.framework_id != framework.id) {
      error = "Offer " + id + " has invalid framework";
    } else if (!hostname.empty() && it->second.hostname != hostname) {
      error = "Aggregated offers must belong to one single agent";
    } else {
      hostname = it->second.hostname;
    }
    if (!error.empty()) break;
  }
  if (offer_ids.empty()) error = "No offers specified";
  if (!error.empty()) {
    // The offers that were valid are spent anyway; their resources return to the pool.
    for (const auto& id : offer_ids) {
      auto it = offers_.find(id);
      if (it != offers_.end() && it->second.framework_id == framework.id) offers_.erase(it);
    }
    for (const auto& task : tasks) {
      bool ignored = false;
      master_update(framework, *read_id(task, "task_id", ignored),
                    framework.partition_aware ? "TASK_DROPPED" : "TASK_LOST",
                    "REASON_INVALID_OFFERS", "Task launched with invalid offers: " + error,
                    read_id(task, "agent_id", ignored).value_or(""));
    }
    return {202, ""};
  }

  Resources remaining;
  Offer first = offers_.at(offer_ids.front());
  for (const auto& id : offer_ids) {
    remaining += offers_.at(id).resources;
    offers_.erase(id);
  }
  for (const auto& operation : operations) {
    const std::string type = operation["type"].get<std::string>();
    if (type == "LAUNCH") {
      for (const auto& task : operation["launch"]["task_infos"]) {
        launch(framework, first, task, remaining);
      }
    } else if (type == "LAUNCH_GROUP") {
      const auto& group = operation.value("launch_group", nlohmann::json());
      const auto& infos =
          group.value("task_group", nlohmann::json()).value("tasks", nlohmann::json());
      if (infos.is_array()) {
        for (const auto& task : infos) {
          bool ignored = false;
          if (auto task_id = read_id(task, "task_id", ignored)) {
            master_update(framework, *task_id, "TASK_ERROR", "REASON_TASK_INVALID",
                          "LAUNCH_GROUP is not supported by scaleio-sim", first.agent_id);
          }
        }
      }
    }
    // RESERVE, CREATE and friends change nothing here: the sim has no reservations or volumes.
  }
  if (!remaining.empty()) {
    framework.refused_until[first.hostname] = clock_.now() + refuse_duration(accept);
  }
  return {202, ""};
}

void MesosMaster::launch(Framework& framework, const Offer& offer, const nlohmann::json& task_info,
                         Resources& remaining) {
  bool ignored = false;
  const std::string task_id = *read_id(task_info, "task_id", ignored);
  const std::string agent_id = *read_id(task_info, "agent_id", ignored);
  auto reject = [&](const std::string& message) {
    master_update(framework, task_id, "TASK_ERROR", "REASON_TASK_INVALID", message, offer.agent_id);
  };
  if (task_id.empty() || task_id.find('/') != std::string::npos ||
      std::any_of(task_id.begin(), task_id.end(),
                  [](unsigned char c) { return std::isspace(c); })) {
    return reject("Task ID '" + task_id + "' is invalid");
  }
  if (Task* existing = world_.find_task(framework.id, task_id)) {
    (void)existing;
    return reject("Task has duplicate ID: " + task_id);
  }
  if (agent_id != offer.agent_id) {
    return reject("Task uses agent " + agent_id + " but the offer is from " + offer.agent_id);
  }
  const bool has_command = task_info.contains("command") && task_info["command"].is_object();
  const bool has_executor = task_info.contains("executor") && task_info["executor"].is_object();
  if (has_command == has_executor) {
    return reject(
        "Task should have at least one (but not both) of CommandInfo or ExecutorInfo "
        "present");
  }
  if (has_executor) return reject("Custom executors are not supported by scaleio-sim");
  auto resources = Resources::from_json(task_info.value("resources", nlohmann::json::array()));
  if (!resources.ok())
    return reject("Task uses invalid resources: " + resources.status().message());
  if (resources->empty()) return reject("Task uses no resources");
  if (!remaining.contains(*resources)) {
    return reject("Task uses more resources " + resources->to_json().dump() + " than available " +
                  remaining.to_json().dump());
  }
  remaining -= *resources;

  Task task;
  task.framework_id = framework.id;
  task.task_id = task_id;
  task.name = task_info["name"].get<std::string>();
  task.hostname = offer.hostname;
  task.agent_id = offer.agent_id;
  task.resources = std::move(resources.value());
  task.command = parse_node_command(task_info["command"]);
  const std::string key = AgentWorld::task_key(framework.id, task_id);
  auto [it, _] = world_.tasks.emplace(key, std::move(task));
  std::fprintf(stderr, "[mesos] launch %s on %s\n", task_id.c_str(), offer.hostname.c_str());
  start_lifecycle(it->second);
}

MesosMaster::Answer MesosMaster::handle_kill(Framework& framework, const nlohmann::json& kill) {
  bool malformed = false;
  auto task_id = read_id(kill, "task_id", malformed);
  auto agent_id = read_id(kill, "agent_id", malformed);
  if (malformed || !task_id) return {400, "Failed to validate scheduler::Call: 'kill.task_id'"};
  Task* task = world_.find_task(framework.id, *task_id);
  Agent* agent = task ? world_.find_agent(task->hostname) : nullptr;
  if (!task || !agent || agent->id != task->agent_id || agent->state != AgentState::kUp ||
      agent->reregistering) {
    // Unknown task, or one the master cannot reach: the answer is what reconciliation says.
    reconcile_one(framework, *task_id,
                  agent_id ? agent_id : (task ? std::optional(task->agent_id) : std::nullopt));
    return {202, ""};
  }
  if (is_terminal_state(task->agent_state)) return {202, ""};
  if (task->lifecycle_timer) {
    timers_.cancel(task->lifecycle_timer);
    task->lifecycle_timer = 0;
  }
  if (framework.task_killing_state) agent_update(*task, "TASK_KILLING", "Killing the task");
  agent_update(*task, "TASK_KILLED", "Command terminated by the scheduler's KILL");
  return {202, ""};
}

MesosMaster::Answer MesosMaster::handle_acknowledge(Framework& framework,
                                                    const nlohmann::json& ack) {
  bool malformed = false;
  auto task_id = read_id(ack, "task_id", malformed);
  auto agent_id = read_id(ack, "agent_id", malformed);
  if (malformed || !task_id || !agent_id || !ack.contains("uuid") || !ack["uuid"].is_string()) {
    return {400,
            "Failed to validate scheduler::Call: 'acknowledge' needs agent_id, task_id and "
            "uuid"};
  }
  auto uuid = base64_decode(ack["uuid"].get<std::string>());
  if (!uuid || uuid->size() != 16) {
    return {400, "Failed to validate scheduler::Call: 'acknowledge.uuid' is not a valid UUID"};
  }
  Task* task = world_.find_task(framework.id, *task_id);
  // Acks for unknown tasks or stale uuids are dropped (duplicates are normal: delivery is at least
  // once).
  if (!task || task->agent_id != *agent_id || task->unacked.empty() ||
      task->unacked.front().uuid != *uuid) {
    return {202, ""};
  }
  Agent* agent = world_.find_agent(task->hostname);
  if (!agent || agent->state != AgentState::kUp) return {202, ""};  // the agent never hears it
  task->unacked.pop_front();
  task->retry_backoff = Clock::Duration::zero();
  const std::string key = AgentWorld::task_key(framework.id, *task_id);
  if (!task->unacked.empty()) {
    deliver_head(*task);
  } else {
    forget_task_if_done(key);
  }
  return {202, ""};
}

MesosMaster::Answer MesosMaster::handle_reconcile(Framework& framework,
                                                  const nlohmann::json& reconcile) {
  const nlohmann::json tasks = reconcile.contains("tasks") && reconcile["tasks"].is_array()
                                   ? reconcile["tasks"]
                                   : nlohmann::json::array();
  std::vector<std::pair<std::string, std::optional<std::string>>> wanted;
  for (const auto& t : tasks) {
    bool malformed = false;
    auto task_id = read_id(t, "task_id", malformed);
    auto agent_id = read_id(t, "agent_id", malformed);
    if (malformed || !task_id) {
      return {400, "Failed to validate scheduler::Call: reconcile task needs 'task_id'"};
    }
    wanted.emplace_back(*task_id, agent_id);
  }
  if (wanted.empty()) {
    // Implicit: every task the master knows for this framework (not those on agents that have not
    // re-registered after a failover: the master does not know them yet).
    for (const auto& [_, task] : world_.tasks) {
      if (task.framework_id != framework.id) continue;
      const Agent* agent = world_.find_agent(task.hostname);
      if (agent && agent->id == task.agent_id && agent->reregistering) continue;
      master_update(framework, task.task_id, task.state, "REASON_RECONCILIATION",
                    "Reconciliation: Latest task state", task.agent_id);
    }
    return {202, ""};
  }
  for (const auto& [task_id, agent_id] : wanted) reconcile_one(framework, task_id, agent_id);
  return {202, ""};
}

void MesosMaster::reconcile_one(Framework& framework, const std::string& task_id,
                                const std::optional<std::string>& agent_id) {
  const bool pa = framework.partition_aware;
  if (Task* task = world_.find_task(framework.id, task_id)) {
    Agent* agent = world_.find_agent(task->hostname);
    if (agent && agent->id == task->agent_id && agent->reregistering) return;  // no reply yet
    master_update(framework, task_id, task->state, "REASON_RECONCILIATION",
                  "Reconciliation: Latest task state", task->agent_id);
    return;
  }
  std::string state = "TASK_LOST";
  std::string message = "Reconciliation: Task is unknown";
  if (agent_id) {
    Agent* agent = world_.find_agent_by_id(*agent_id);
    if (agent && agent->state == AgentState::kUp && agent->reregistering) return;  // recovering
    if (agent && agent->state == AgentState::kUp) {
      state = pa ? "TASK_GONE" : "TASK_LOST";
      message = "Reconciliation: Task is unknown to the agent";
    } else if (agent) {
      state = pa ? "TASK_UNREACHABLE" : "TASK_LOST";
      message = "Reconciliation: Task is unknown; the agent is unreachable";
    } else if (world_.retired_agent_ids.count(*agent_id)) {
      state = pa ? "TASK_GONE" : "TASK_LOST";
      message = "Reconciliation: Task is gone; its agent was replaced";
    } else {
      state = pa ? "TASK_UNKNOWN" : "TASK_LOST";
    }
  } else {
    state = pa ? "TASK_UNKNOWN" : "TASK_LOST";
  }
  master_update(framework, task_id, state, "REASON_RECONCILIATION", message, agent_id.value_or(""));
}

}  // namespace scaleio::sim
