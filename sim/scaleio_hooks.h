#pragma once
// What the Mesos side of the simulator tells the ScaleIO side when tasks and agents change. An
// interface so the Mesos master can be tested on its own and the ScaleIO world stays ignorant of
// Mesos: the bridge to ScaleioWorld lives in scaleio_world_hooks.h.
#include <set>
#include <string>
#include <vector>

#include "core/status.h"

namespace scaleio::sim {

struct NodeInstallRequest {
  std::string hostname;
  std::string ip;
  std::set<std::string> roles;  // subset of mdm, tb, sds, sdc, lia
  std::vector<std::string> mdm_ips;
  std::string version;
};

class ScaleioHooks {
 public:
  virtual ~ScaleioHooks() = default;
  virtual void node_installed(const NodeInstallRequest& install) = 0;
  virtual void node_down(const std::string& hostname) = 0;
  virtual void node_up(const std::string& hostname) = 0;
  // argv starts at the verb group: {"mdm", "create-cluster", "--master-ip", ...}. Errors carry
  // scli's text ("Error: MDM failed command.  Status: ...").
  virtual Result<std::string> run_mdm_command(const std::string& hostname,
                                              const std::vector<std::string>& argv) = 0;
};

}  // namespace scaleio::sim
