#pragma once
// Small helpers for the Mesos v1 JSON forms: `{"value": "..."}` ids and event envelopes.
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

namespace scaleio::sim {

inline nlohmann::json id_object(const std::string& value) {
  return {{"value", value}};
}

// The string inside an id object; nullopt when absent. `malformed` is set when the key is present
// but not an object with a string value (a bare string id is a 400 on a real master).
inline std::optional<std::string> read_id(const nlohmann::json& parent, const char* key,
                                          bool& malformed) {
  if (!parent.is_object() || !parent.contains(key) || parent[key].is_null()) return std::nullopt;
  const auto& id = parent[key];
  if (!id.is_object() || !id.contains("value") || !id["value"].is_string()) {
    malformed = true;
    return std::nullopt;
  }
  return id["value"].get<std::string>();
}

inline nlohmann::json event(const std::string& type, const char* payload_key = nullptr,
                            nlohmann::json payload = nullptr) {
  nlohmann::json e = {{"type", type}};
  if (payload_key) e[payload_key] = std::move(payload);
  return e;
}

}  // namespace scaleio::sim
