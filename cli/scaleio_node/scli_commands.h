// The scli (ScaleIO CLI) command lines scaleio-node runs, built in one place. The flag spellings
// come from public ScaleIO 2.x material (the ScaleIO Framework for Mesos' executor, install
// scripts and runbooks that call scli); kScliFlags in scli_commands.cpp is the one table to
// correct if a ScaleIO version spells one differently.
#pragma once

#include <string>
#include <vector>

#include "cli/scaleio_node/process_runner.h"

namespace scaleio::node {

// The admin password of a freshly created MDM cluster.
inline constexpr const char* kScliDefaultPassword = "admin";

struct SwitchModeRequest {
  std::string mode;  // 1_node, 3_node or 5_node
  std::vector<std::string> add_slave_ips;
  std::vector<std::string> add_tb_ips;
  std::vector<std::string> remove_slave_ips;
  std::vector<std::string> remove_tb_ips;
};

Command scli_create_cluster(const std::string& master_ip, const std::string& master_name);
// Managers get a management IP (the same address); tie-breakers have no management role.
Command scli_add_standby(const std::string& ip, const std::string& role, const std::string& name);
Command scli_switch_mode(const SwitchModeRequest& request);
// `password` is a secret unless it is the public default.
Command scli_login(const std::string& password);
Command scli_set_password(const std::string& old_password, const std::string& new_password);

}  // namespace scaleio::node
