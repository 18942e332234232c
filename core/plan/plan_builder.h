// build_plan: the attribute grammar of shared/design/plan-attributes.md, v0.3 keys verbatim plus
// our extensions, with every validation rule. Pure: no clock, no I/O.
#pragma once

#include <vector>

#include "core/events.pb.h"
#include "core/plan/plan.h"
#include "core/plan/settings.h"

namespace scaleio::plan {

// Agents without any scaleio-* attribute are not part of the plan.
Plan build_plan(const std::vector<events::AgentObserved>& agents, const ClusterSettings& settings);

}  // namespace scaleio::plan
