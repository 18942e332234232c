// scaleio-node: the program scaleio-operator runs as a Mesos task on every agent. See README.md.
#include <iostream>

#include "cli/scaleio_node/node_app.h"

int main(int argc, char** argv) {
  using namespace scaleio::node;
  PosixStopSignal stop;  // first: blocks SIGTERM before anything can start a child
  PosixProcessRunner runner;
  NodeWorld world{runner, stop, process_environment(), std::cout, std::cerr};
  std::vector<std::string> args(argv + 1, argv + argc);
  try {
    int code = run_node(args, world);
    std::cout.flush();
    return code;
  } catch (const std::exception& e) {
    std::cerr << "scaleio-node: internal error: " << e.what() << "\n";
    return 1;
  }
}
