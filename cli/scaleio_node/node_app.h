// scaleio-node as a function of its command line and its world (processes, signals, environment,
// files), so tests run all of it in-process; main.cpp passes the real world.
#pragma once

#include <ostream>
#include <string>
#include <vector>

#include "cli/scaleio_node/process_runner.h"
#include "cli/scaleio_node/secrets.h"
#include "cli/scaleio_node/stop_signal.h"

namespace scaleio::node {

struct NodeWorld {
  ProcessRunner& runner;
  StopSignal& stop;
  GetEnv env;
  std::ostream& out;  // scli's output on success, help
  std::ostream& err;  // progress and failures
  std::string os_release_path = "/etc/os-release";
};

// `args` are the words after the program name; returns the exit code (command_line.h).
int run_node(const std::vector<std::string>& args, NodeWorld& world);

}  // namespace scaleio::node
