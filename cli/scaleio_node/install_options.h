// What `scaleio-node install` is asked to do: the node's roles and where its packages come from.
#pragma once

#include <chrono>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "cli/scaleio_node/packages.h"
#include "core/status.h"

namespace scaleio::node {

// A node's ScaleIO roles, as the operator's plan names them: an MDM manager, a tie-breaker, a data
// server, a data client, the light installation agent.
enum class Role { kMdm, kTb, kSds, kSdc, kLia };

std::string_view role_name(Role role);
// "mdm,sds,sdc" -> roles. InvalidArgument names an unknown role; mdm and tb exclude each other
// (both run the one MDM package, as a manager or not).
Result<std::set<Role>> parse_roles(const std::string& comma_list);

struct InstallOptions {
  std::set<Role> roles;
  std::vector<std::string> mdm_ips;  // every MDM's IP: the SDC's MDM_IP
  std::string version;
  std::string package_source;
  PackageFormat format = PackageFormat::kAuto;
  std::chrono::milliseconds check_interval = std::chrono::seconds(10);
  bool once = false;
  // Consecutive failed service checks before the task gives up (a restart blip is not a failure).
  int max_failed_checks = 3;
  // The health check of one systemd unit; "{unit}" is replaced by the unit's name (appended when
  // absent). Run without a shell.
  std::vector<std::string> check_command = {"systemctl", "is-active", "{unit}"};
  std::string download_dir = "scaleio-packages";  // relative: inside the Mesos sandbox
  std::string lia_token_file;  // else env SCALEIO_LIA_TOKEN; the token is never printed
};

// "10s", "500ms", "2m", "1h", or plain seconds. InvalidArgument when not a positive duration.
Result<std::chrono::milliseconds> parse_duration(const std::string& text);

}  // namespace scaleio::node
