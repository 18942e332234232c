// What the nodes reconciler needs from the daemon's flags: the package to install, where the node
// program is served, and what a node task asks of its agent.
#pragma once

#include <chrono>
#include <string>

#include "core/clock.h"

namespace scaleio::reconcilers {

struct NodeResources {
  double cpus = 0;
  double mem_mb = 0;
};

struct NodesSettings {
  // `scaleio-node install --version`: the ScaleIO package version every node runs.
  std::string package_version;
  // `--package-source`: where scaleio-node fetches the ScaleIO packages. Empty = the flag is left
  // out.
  std::string package_source;
  // Where the agent fetches the scaleio-node program (the daemon's own HTTP server:
  // "<advertise-url>/v1/artifacts/scaleio-node"), as a CommandInfo URI.
  std::string artifact_url;
  // The original framework's defaults. MDM hosts are managers AND tie-breakers: a tie-breaker
  // runs the same MDM package (MDM_ROLE_IS_MANAGER=0).
  NodeResources mdm_host{1.5, 3072};
  NodeResources other_host{0.5, 512};
  // Filter for the unused part of an offer a node task was launched on.
  double refuse_seconds = 5;
  // A task RUNNING this long after its launch clears the relaunch backoff of its host (a task that
  // crashes after a minute keeps backing off, as Kubernetes' CrashLoopBackOff does).
  Clock::Duration stable_after = std::chrono::minutes(10);
  // A kill without a terminal status after this long is sent again.
  Clock::Duration kill_retry_after = std::chrono::minutes(1);
};

}  // namespace scaleio::reconcilers
