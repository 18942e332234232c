#pragma once
// The scaleio-node command lines the operator launches as Mesos tasks, as the simulated agent
// understands them (docs/simulator.md, "scaleio-node verbs").
#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <vector>

namespace scaleio::sim {

struct NodeCommand {
  enum class Kind {
    kInstall,  // long-running: installs packages, then keeps the services running
    kMdm,      // one-shot MDM operation (create-cluster, add-standby, switch-mode, set-password)
    kInvalid,  // the task fails with `error`
  };
  Kind kind = Kind::kInvalid;
  std::vector<std::string> argv;  // the words after the program name
  std::string error;              // for kInvalid

  // kInstall only.
  std::set<std::string> roles;
  std::vector<std::string> mdm_ips;
  std::string version;
  std::string package_source;
};

// Interprets TaskInfo.command: {"shell": false, "value": "./scaleio-node", "arguments": [...]} or
// {"shell": true, "value": "./scaleio-node install --roles ..."}.
NodeCommand parse_node_command(const nlohmann::json& command_info);

}  // namespace scaleio::sim
