#include "core/views/json_views.h"

#include <google/protobuf/util/json_util.h>

#include <ctime>

namespace scaleio::views {

namespace {

const char* source_name(events::Source source) {
  switch (source) {
    case events::SOURCE_OBSERVER:
      return "observer";
    case events::SOURCE_RECONCILER:
      return "reconciler";
    case events::SOURCE_OPERATOR:
      return "operator";
    case events::SOURCE_SYSTEM:
      return "system";
    default:
      return "unspecified";
  }
}

// The payload of the oneof, when this build knows it.
const google::protobuf::Message* payload_of(const events::Envelope& event) {
  const auto* oneof = event.GetDescriptor()->FindOneofByName("payload");
  const auto* field = event.GetReflection()->GetOneofFieldDescriptor(event, oneof);
  if (!field) return nullptr;
  return &event.GetReflection()->GetMessage(event, field);
}

template <typename T>
nlohmann::json objects_json(const std::map<std::string, observed::Seen<T>>& objects) {
  nlohmann::json out = nlohmann::json::array();
  for (const auto& [id, seen] : objects) {
    nlohmann::json j = message_json(seen.value);
    j["sinceSequence"] = seen.since;
    out.push_back(std::move(j));
  }
  return out;
}

}  // namespace

std::string iso8601_utc(int64_t unix_ms) {
  const std::time_t seconds = unix_ms / 1000;
  std::tm tm{};
  gmtime_r(&seconds, &tm);
  char date[32];
  std::strftime(date, sizeof date, "%Y-%m-%dT%H:%M:%S", &tm);
  char out[48];
  std::snprintf(out, sizeof out, "%s.%03dZ", date, static_cast<int>(unix_ms % 1000));
  return out;
}

nlohmann::json message_json(const google::protobuf::Message& message) {
  std::string text;
  google::protobuf::util::JsonPrintOptions options;
  options.preserve_proto_field_names = false;
  if (!google::protobuf::util::MessageToJsonString(message, &text, options).ok()) {
    return nlohmann::json::object();
  }
  nlohmann::json j = nlohmann::json::parse(text, nullptr, false);
  return j.is_discarded() ? nlohmann::json::object() : j;
}

nlohmann::json event_json(const events::Envelope& event) {
  nlohmann::json j = {{"sequence", event.sequence()},
                      {"stream", event.stream_id()},
                      {"streamVersion", event.stream_version()},
                      {"type", event.event_type()},
                      {"time", iso8601_utc(event.timestamp_unix_ms())},
                      {"timestampUnixMs", event.timestamp_unix_ms()},
                      {"source", source_name(event.source())}};
  if (!event.correlation_id().empty()) j["correlationId"] = event.correlation_id();
  if (!event.causation_id().empty()) j["causationId"] = event.causation_id();
  const google::protobuf::Message* payload = payload_of(event);
  j["payload"] = payload ? message_json(*payload) : nlohmann::json(nullptr);
  return j;
}

nlohmann::json observed_json(const observed::ObservedState& state) {
  nlohmann::json j = {{"everReached", state.ever_reached},
                      {"reachable", state.reachable},
                      {"stale", state.stale},
                      {"lastError", state.last_error},
                      {"gatewayVersion", state.gateway_version},
                      {"lastSequence", state.last_sequence}};
  j["mdmCluster"] = state.mdm ? message_json(state.mdm->value) : nlohmann::json(nullptr);
  j["mdmHealthy"] = state.mdm_healthy();
  j["protectionDomains"] = objects_json(state.protection_domains);
  j["faultSets"] = objects_json(state.fault_sets);
  j["storagePools"] = objects_json(state.storage_pools);
  for (auto& pool : j["storagePools"]) {
    pool["protectionDomainName"] =
        state.domain_name(pool.value("protectionDomainId", std::string()));
  }
  j["sdss"] = objects_json(state.sdss);
  for (auto& sds : j["sdss"]) {
    sds["protectionDomainName"] = state.domain_name(sds.value("protectionDomainId", std::string()));
  }
  j["sdcs"] = objects_json(state.sdcs);
  j["volumes"] = objects_json(state.volumes);
  return j;
}

nlohmann::json drift_item_json(const observed::DriftItem& item) {
  return {{"resource", item.resource},
          {"kind", std::string(observed::drift_kind_name(item.kind))},
          {"detail", item.detail},
          {"sinceSequence", item.since}};
}

nlohmann::json drift_json(const std::vector<observed::DriftItem>& items) {
  nlohmann::json out = nlohmann::json::array();
  for (const auto& item : items) out.push_back(drift_item_json(item));
  return out;
}

nlohmann::json tasks_json(const std::map<std::string, KnownTask>& tasks) {
  nlohmann::json out = nlohmann::json::array();
  for (const auto& [id, task] : tasks) {
    out.push_back({{"taskId", task.task_id},
                   {"agentId", task.agent_id},
                   {"state", task.state},
                   {"terminal", task.terminal}});
  }
  return out;
}

}  // namespace scaleio::views
