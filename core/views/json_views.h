// JSON views of the projected state, shared by the daemon's HTTP API and scaleioctl's offline
// mode (which reads the log directly), so both print the same thing for the same events.
// Field names are protobuf's JSON names (lowerCamelCase), as in the event log's own JSON.
#pragma once

#include <map>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/events.pb.h"
#include "core/mesos_tasks_projection.h"
#include "core/observed/drift.h"
#include "core/observed/observed_state.h"

namespace scaleio::views {

// Any event payload or envelope as JSON (bytes fields base64, as protobuf's JSON mapping does).
nlohmann::json message_json(const google::protobuf::Message& message);
// {"sequence":..., "stream":..., "type":..., "time":"2026-...Z", "source":..., "payload":{...}}
nlohmann::json event_json(const events::Envelope& event);

// Domains, pools, SDSs (with devices), SDCs and volumes, with names resolved where the gateway
// gives only ids, plus reachability and staleness.
nlohmann::json observed_json(const observed::ObservedState& state);

nlohmann::json drift_item_json(const observed::DriftItem& item);
nlohmann::json drift_json(const std::vector<observed::DriftItem>& items);

nlohmann::json tasks_json(const std::map<std::string, KnownTask>& tasks);

// "2026-11-25T03:12:00.123Z"
std::string iso8601_utc(int64_t unix_ms);

}  // namespace scaleio::views
