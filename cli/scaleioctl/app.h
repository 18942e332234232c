// scaleioctl's command line: parses the words, picks the source (--server or --data-dir), runs
// one command and renders its document as a table or JSON. Everything the process touches is
// passed in, so tests can run it in-process as well as the real binary.
#pragma once

#include <functional>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include "core/clock.h"

namespace scaleio::ctl {

inline constexpr int kExitOk = 0;
inline constexpr int kExitDrift = 1;  // drift (and `at ... drift`) only: not converged
inline constexpr int kExitError = 2;  // bad flags, unreachable daemon, missing data dir, ...

inline constexpr char kDefaultServer[] = "http://127.0.0.1:9110";

struct AppEnvironment {
  // An environment variable, nullopt when unset (NO_COLOR, SCALEIO_ADMIN_TOKEN, ...).
  std::function<std::optional<std::string>(const std::string&)> env;
  bool stdout_is_terminal = false;
  const Clock* clock = &SystemClock::instance();
};

// `args` are the words after the program name. Returns the exit code.
int run_app(const std::vector<std::string>& args, std::ostream& out, std::ostream& err,
            const AppEnvironment& environment);

}  // namespace scaleio::ctl
