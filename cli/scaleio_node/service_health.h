// Whether the ScaleIO services of a node's roles are running: one check command per systemd unit.
#pragma once

#include <set>
#include <string>
#include <vector>

#include "cli/scaleio_node/install_options.h"
#include "cli/scaleio_node/process_runner.h"
#include "core/status.h"

namespace scaleio::node {

struct ServiceUnit {
  Role role;
  std::string unit;  // systemd unit the package installs
};

// mdm and tb -> mdm, sds -> sds, sdc -> scini (the SDC's kernel-module service), lia -> lia.
std::vector<ServiceUnit> service_units(const std::set<Role>& roles);

// `check_template` with "{unit}" replaced by `unit` (appended when the template has none).
Command service_check_command(const std::vector<std::string>& check_template,
                              const std::string& unit);

// OK when every unit's check exits 0. Otherwise FailedPrecondition naming each unhealthy role and
// unit, what the check said, and where to look.
Status check_services(ProcessRunner& runner, const std::set<Role>& roles,
                      const std::vector<std::string>& check_template);

}  // namespace scaleio::node
