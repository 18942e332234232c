// scaleioctl: the operator's CLI (see docs/cli.md). The logic is in scaleioctl_lib (app.h).
#include <unistd.h>

#include <cstdlib>
#include <iostream>

#include "cli/scaleioctl/app.h"

int main(int argc, char** argv) {
  std::ios::sync_with_stdio(true);
  scaleio::ctl::AppEnvironment environment;
  environment.env = [](const std::string& name) -> std::optional<std::string> {
    const char* value = std::getenv(name.c_str());
    if (value == nullptr) return std::nullopt;
    return std::string(value);
  };
  environment.stdout_is_terminal = ::isatty(STDOUT_FILENO) == 1;
  std::vector<std::string> args(argv + 1, argv + argc);
  try {
    return scaleio::ctl::run_app(args, std::cout, std::cerr, environment);
  } catch (const std::exception& e) {
    std::cerr << "scaleioctl: " << e.what() << "\n";
    return scaleio::ctl::kExitError;
  }
}
