#include "reconcilers/storage_pools/node_readiness.h"

#include <algorithm>
#include <string_view>

namespace scaleio::reconcilers::storage {

namespace {
// The nodes reconciler's task id prefix (reconcilers/nodes/node_task_spec.h: kNodeTaskPrefix);
// not included from there because reconcilers do not depend on one another.
constexpr std::string_view kNodeTaskPrefix = "scaleio-node.";
}  // namespace

bool node_task_running(const MesosTasksProjection& tasks, const std::string& host) {
  const std::string prefix = std::string(kNodeTaskPrefix) + host + ".";
  for (auto it = tasks.tasks().lower_bound(prefix);
       it != tasks.tasks().end() && it->first.starts_with(prefix); ++it) {
    // Host names may hold dots: what follows the prefix must be exactly "<generation>.<n>", or
    // the task is another host's ("node-1" vs "node-1.rack2").
    const std::string_view rest = std::string_view(it->first).substr(prefix.size());
    if (std::count(rest.begin(), rest.end(), '.') != 1) continue;
    if (it->second.state == "TASK_RUNNING") return true;
  }
  return false;
}

}  // namespace scaleio::reconcilers::storage
