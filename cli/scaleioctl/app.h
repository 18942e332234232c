// scaleioctl's command line: parses the words, picks the source (--server or --data-dir), runs
// one command and renders its document as a table or JSON. Everything the process touches is
// passed in, so tests can run it in-process as well as the real binary.
#pragma once

#include <chrono>
#include <functional>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include "core/clock.h"

namespace scaleio::ctl {

inline constexpr int kExitOk = 0;
// drift, `at ... drift` and `watch --until-converged` only: not converged
inline constexpr int kExitDrift = 1;
inline constexpr int kExitError = 2;  // bad flags, unreachable daemon, missing data dir, ...

inline constexpr char kDefaultServer[] = "http://127.0.0.1:9110";

struct AppEnvironment {
  // An environment variable, nullopt when unset (NO_COLOR, SCALEIO_ADMIN_TOKEN, ...).
  std::function<std::optional<std::string>(const std::string&)> env;
  bool stdout_is_terminal = false;
  const Clock* clock = &SystemClock::instance();
  // How `watch` waits between polls; unset = std::this_thread::sleep_for.
  std::function<void(std::chrono::milliseconds)> sleep;
};

// `args` are the words after the program name. Returns the exit code.
int run_app(const std::vector<std::string>& args, std::ostream& out, std::ostream& err,
            const AppEnvironment& environment);

}  // namespace scaleio::ctl
