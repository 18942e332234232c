// Turns one agent's attributes into its PlannedNode, reporting each problem and leaving the
// offending part out.
#pragma once

#include <optional>
#include <vector>

#include "core/events.pb.h"
#include "core/plan/attribute_values.h"
#include "core/plan/plan.h"
#include "core/plan/settings.h"

namespace scaleio::plan {

struct ParsedNode {
  PlannedNode node;
  std::vector<VolumeDeclaration> volumes;
  std::optional<int> declared_mdm_cluster_size;  // scaleio-mdm-cluster, when given and valid
  bool unknown_persona = false;
};

// nullopt when the agent declares no scaleio-* attribute at all.
std::optional<ParsedNode> parse_node(const events::AgentObserved& agent,
                                     const ClusterSettings& settings,
                                     std::vector<PlanProblem>& problems);

}  // namespace scaleio::plan
