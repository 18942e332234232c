// `scaleio-node mdm ...`: one-shot MDM cluster operations through scli, run by the operator as
// Mesos tasks on an MDM host.
#pragma once

#include <optional>
#include <ostream>
#include <string>

#include "cli/scaleio_node/process_runner.h"
#include "cli/scaleio_node/scli_commands.h"
#include "core/status.h"

namespace scaleio::node {

struct MdmRequest {
  enum class Verb { kCreateCluster, kAddStandby, kSwitchMode, kSetPassword };
  Verb verb = Verb::kCreateCluster;
  // create-cluster
  std::string master_ip;
  std::string master_name;
  // add-standby
  std::string ip;
  std::string role;  // manager or tb
  std::string name;
  // switch-mode
  SwitchModeRequest switch_mode;
};

// Runs the verb's scli commands and returns the last one's stdout. `admin_password` is the new
// password for set-password (required) and, for add-standby and switch-mode, the password to log
// in with first when known (scli needs a session for them). Failures carry scli's message, with
// every secret scrubbed out: FailedPrecondition when scli refused, InvalidArgument when
// set-password has no password, and the runner's code when scli could not run.
Result<std::string> run_mdm(const MdmRequest& request, ProcessRunner& runner,
                            const std::optional<std::string>& admin_password, std::ostream& log);

}  // namespace scaleio::node
