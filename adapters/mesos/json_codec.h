// The JSON form of the v1 scheduler and operator API messages this adapter uses
// (shared/design/mesos-v1-api.md): proto field names, enums as names, bytes as base64, ids as
// {"value": ...} objects. Encoders cannot fail; decoders return kDataLoss for a message that does
// not have the shape the API promises (the stream is then treated as broken).
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/ports/mesos_types.h"
#include "core/status.h"

namespace scaleio::mesos {

struct FrameworkSettings {
  std::string user = "root";
  std::string name = "scaleio";
  std::vector<std::string> roles = {"scaleio"};
  std::string principal;  // empty = none
  std::string webui_url;  // empty = none
  std::string hostname;   // empty = let the master pick
  // One week: a scheduler restart or a master failover must not kill the storage cluster's tasks.
  double failover_timeout_seconds = 604800;
  bool checkpoint = true;
};

// --- calls ------------------------------------------------------------------------------------
nlohmann::json encode_subscribe(const FrameworkSettings& settings,
                                const std::optional<std::string>& framework_id);
nlohmann::json encode_accept(const std::string& framework_id,
                             const std::vector<std::string>& offer_ids,
                             const std::vector<TaskLaunch>& tasks, double refuse_seconds);
nlohmann::json encode_decline(const std::string& framework_id,
                              const std::vector<std::string>& offer_ids, double refuse_seconds);
nlohmann::json encode_revive(const std::string& framework_id,
                             const std::vector<std::string>& roles);
nlohmann::json encode_suppress(const std::string& framework_id,
                               const std::vector<std::string>& roles);
nlohmann::json encode_kill(const std::string& framework_id, const std::string& task_id,
                           const std::string& agent_id);
nlohmann::json encode_acknowledge(const std::string& framework_id, const TaskStatus& status);
nlohmann::json encode_reconcile(const std::string& framework_id, const std::vector<TaskRef>& tasks);
nlohmann::json encode_teardown(const std::string& framework_id);
// Operator API.
nlohmann::json encode_get_agents();

// --- events -----------------------------------------------------------------------------------
struct Event {
  enum class Type { kSubscribed, kOffers, kRescind, kUpdate, kError, kHeartbeat, kFailure, kOther };
  Type type = Type::kOther;
  std::string type_name;  // as received, for logs ("MESSAGE", ...)

  // SUBSCRIBED
  std::string framework_id;
  double heartbeat_interval_seconds = 15;
  std::string master_id;
  // OFFERS
  std::vector<Offer> offers;
  // RESCIND
  std::string offer_id;
  // UPDATE
  TaskStatus status;
  // ERROR
  std::string message;
  // FAILURE: an agent (no executor id) or an executor failed.
  std::string agent_id;
  std::string executor_id;
};

Result<Event> decode_event(std::string_view record);
Result<TaskStatus> decode_task_status(const nlohmann::json& status);
Result<Offer> decode_offer(const nlohmann::json& offer);
// Attributes as the agent declared them; non-TEXT values printed the way Mesos prints them
// ("10", "[1000-1500]", "{a,b}").
Result<std::vector<events::Attribute>> decode_attributes(const nlohmann::json& attributes);

// --- operator API -----------------------------------------------------------------------------
struct AgentInfo {
  std::string hostname;
  std::string agent_id;
  std::string ip;  // from the agent's pid "slave(1)@IP:PORT"
  std::vector<events::Attribute> attributes;
  bool active = true;
};

struct AgentsView {
  std::vector<AgentInfo> agents;
  // Agents the master knows from its registry but that have not re-registered yet (after a
  // failover): not gone, just not confirmed.
  std::vector<std::string> recovered_hostnames;
};

Result<AgentsView> decode_get_agents(std::string_view body);
// "slave(1)@10.0.0.5:5051" → "10.0.0.5"; empty when the pid has no '@'.
std::string ip_from_pid(std::string_view pid);

}  // namespace scaleio::mesos
