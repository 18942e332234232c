// The node task a planned host should run, and the names of node tasks.
//
// Task ids are "scaleio-node.<hostname>.<generation>.<incarnation>". The generation is a short
// digest of what the node installs (roles, MDM addresses, package version): when it changes, the
// host's running task is stale and is replaced. The incarnation counts launches for the host,
// because Mesos (and the simulator) refuse a task id that was used before, even by a task that has
// ended. Both are derived from the log (the plan and the tasks Mesos knows), so a restarted
// operator derives the same next id and never launches a host twice.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/plan/plan.h"
#include "core/ports/mesos_types.h"
#include "reconcilers/nodes/nodes_settings.h"

namespace scaleio::reconcilers {

inline constexpr std::string_view kNodeTaskPrefix = "scaleio-node.";

struct NodeTaskSpec {
  std::string hostname;
  std::vector<std::string> roles;    // "mdm", "tb", "sds", "sdc" (PlannedNode::roles())
  std::vector<std::string> mdm_ips;  // --mdm-ips
  std::string version;
  std::string generation;  // 8 hex digits
  bool mdm_host = false;   // a manager or a tie-breaker
  NodeResources resources;
};

// The addresses every node is given with --mdm-ips: an adopted cluster's, else the planned
// managers' (primary first). Tie-breakers are left out: SDSs and SDCs talk to managers only.
std::vector<std::string> plan_mdm_ips(const plan::Plan& plan);

NodeTaskSpec node_task_spec(const plan::PlannedNode& node, const std::vector<std::string>& mdm_ips,
                            const NodesSettings& settings);

struct NodeTaskId {
  std::string hostname;
  std::string generation;
  uint64_t incarnation = 0;
};
std::string node_task_id(std::string_view hostname, std::string_view generation,
                         uint64_t incarnation);
// nullopt for ids that are not node tasks (e.g. mdm_quorum's one-shot tasks).
std::optional<NodeTaskId> parse_node_task_id(std::string_view task_id);

// The TaskInfo: `./scaleio-node install --roles .. --mdm-ips .. --version .. --package-source ..`
// without a shell, the program fetched from the artifact URL.
mesos::TaskLaunch node_task_launch(const NodeTaskSpec& spec, const std::string& task_id,
                                   const std::string& agent_id, const NodesSettings& settings);

}  // namespace scaleio::reconcilers
