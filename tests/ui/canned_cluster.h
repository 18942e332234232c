// One canned cluster, as the daemon's JSON API would describe it: 3 hosts, a 3-node MDM cluster in
// ClusteredNormal, one pool with capacity, 2 drift items, 4 reconcilers and 5 events. Built with
// the daemon's own code where it is reachable (plan::Plan::to_json, views::observed_json,
// views::drift_json, views::event_json), so the shapes are the daemon's; the reconcilers' list
// copies reconciler_json() in cli/operator/api_routes.cpp field by field.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace scaleio::ui::testing {

inline const std::vector<std::string> kHosts = {"stor-alpha-01", "stor-bravo-02",
                                                "stor-charlie-03"};
inline const std::vector<std::string> kReconcilers = {"nodes", "mdm_quorum", "storage_pools",
                                                      "sdc_mappings"};
inline const std::vector<std::string> kDriftResources = {"device/stor-bravo-02/dev/sdz",
                                                         "sdc/stor-charlie-03"};
// The pool's capacity as the page prints it ("%.1f GiB", like scaleioctl status).
inline constexpr char kPoolCapacity[] = "300.0 GiB";
inline constexpr char kPoolUsed[] = "100.0 GiB";

nlohmann::json plan_document();         // GET /v1/plan
nlohmann::json state_document();        // GET /v1/state
nlohmann::json drift_document();        // GET /v1/drift
nlohmann::json reconcilers_document();  // GET /v1/reconcilers
// GET /v1/events?from=&limit= over the 5 canned events.
nlohmann::json events_document(uint64_t from, uint64_t limit);

}  // namespace scaleio::ui::testing
