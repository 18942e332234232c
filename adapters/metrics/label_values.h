// Label values of the operator's metrics, bounded by construction: every value that comes from
// outside (a reconciler name, a Mesos task state, an HTTP method, a gateway state word) passes
// through one of these functions, which answer only from a closed set and map the rest to
// "other". So a bug or a surprising gateway can never create an unbounded number of series.
#pragma once

#include <array>
#include <string_view>

namespace scaleio::metrics {

inline constexpr std::string_view kOther = "other";

// The reconcilers of ARCHITECTURE.md. Unknown names become "other".
inline constexpr std::array<std::string_view, 4> kReconcilers = {"nodes", "mdm_quorum",
                                                                 "storage_pools", "sdc_mappings"};
std::string_view reconciler_label(std::string_view name);

// Mesos task states as Mesos names them ("TASK_RUNNING"); unknown names become "other".
std::string_view task_state_label(std::string_view mesos_name);

// HTTP methods the gateway client sends (upper case); anything else becomes "other".
std::string_view http_method_label(std::string_view method);
// "0" when no answer came (connection error or timeout), "100".."599" as is, else "other".
// Returns a view of static storage.
std::string_view http_code_label(int status);

// Place of an MDM in its cluster: "master", "slave", "tiebreaker", "standby", else "other".
std::string_view mdm_role_label(std::string_view role);
// An MDM's status word: "Normal" -> "normal", "Disconnected" -> "disconnected", else "other".
inline constexpr std::array<std::string_view, 3> kMdmStates = {"normal", "disconnected", "other"};
std::string_view mdm_state_label(std::string_view status);

// An SDS's mdmConnectionState: "connected", "disconnected", else "other" (unknown or empty).
inline constexpr std::array<std::string_view, 3> kSdsStates = {"connected", "disconnected",
                                                               "other"};
std::string_view sds_state_label(std::string_view connection_state);

}  // namespace scaleio::metrics
