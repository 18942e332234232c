// scaleio-node's command line: `install ...` or `mdm VERB ...` (see README.md). The words are the
// ones the operator puts in TaskInfo.command.arguments and the simulator interprets
// (sim/node_command.h).
#pragma once

#include <string>
#include <vector>

#include "cli/scaleio_node/install_options.h"
#include "cli/scaleio_node/mdm_verbs.h"

namespace scaleio::node {

inline constexpr int kExitOk = 0;
inline constexpr int kExitFailure = 1;  // install failed, a service is unhealthy, scli refused
inline constexpr int kExitUsage = 2;    // unknown verb or flag, bad value, missing secret

struct CommandLine {
  enum class Kind {
    kInstall,
    kMdm,
    kExit,  // print `text` (help on stdout; an error on stderr) and exit with `exit_code`
  };
  Kind kind = Kind::kExit;
  InstallOptions install;
  MdmRequest mdm;
  int exit_code = kExitOk;
  std::string text;
};

// `args` are the words after the program name. Errors name the verb or flag at fault.
CommandLine parse_command_line(const std::vector<std::string>& args);

}  // namespace scaleio::node
