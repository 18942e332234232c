// Appends a PlanComputed event when, and only when, the plan's content hash differs from the last
// one recorded: the log grows with changes of the plan, not with how often it is computed.
#pragma once

#include "core/event_store.h"
#include "core/plan/plan.h"

namespace scaleio::plan {

inline constexpr std::string_view kPlanStream = "plan";

// True when an event was appended. Safe to call on every pass; concurrent recorders cannot
// append the same change twice (expected version on the "plan" stream).
Result<bool> record_plan_if_changed(EventStore& store, const Plan& plan);

}  // namespace scaleio::plan
