// Runs the real scaleioctl binary to completion with its stdout and stderr captured apart, a
// chosen environment (no inherited NO_COLOR or SCALEIO_ADMIN_TOKEN surprises) and a deadline.
#pragma once

#include <chrono>
#include <map>
#include <string>
#include <vector>

namespace scaleio::ctl::testing {

struct BinaryRun {
  int exit_code = -1;  // -1: did not finish before the deadline (it was killed)
  std::string out;
  std::string err;
};

BinaryRun run_scaleioctl(const std::vector<std::string>& args,
                         const std::map<std::string, std::string>& env = {},
                         std::chrono::milliseconds deadline = std::chrono::seconds(60));

}  // namespace scaleio::ctl::testing
