// Every program scaleio-node starts (dpkg, rpm, scli, systemctl, curl) goes through ProcessRunner,
// so the install and MDM logic is tested with a fake runner and the binary with fake programs on
// PATH.
#pragma once

#include <chrono>
#include <string>
#include <utility>
#include <vector>

#include "core/status.h"

namespace scaleio::node {

struct Command {
  std::vector<std::string> argv;  // argv[0] is looked up on PATH; no shell is involved
  // Set in the child's environment on top of the inherited one (MDM_IP, MDM_ROLE_IS_MANAGER,
  // TOKEN).
  std::vector<std::pair<std::string, std::string>> env;
  std::chrono::milliseconds timeout = std::chrono::minutes(2);
  // Values (passwords, tokens) that must never reach our logs or messages; describe() and
  // scrub() replace them with "***". scli takes passwords on its argv, so argv may hold them.
  std::vector<std::string> secrets;
};

struct ProcessResult {
  int exit_code = 0;  // 128+N when the child died of signal N
  std::string out;
  std::string err;
};

class ProcessRunner {
 public:
  virtual ~ProcessRunner() = default;
  // The child's exit, whatever its code. Errors: NotFound (the program is not on PATH),
  // DeadlineExceeded (it ran past the timeout and was killed), Internal (fork or pipe failed).
  virtual Result<ProcessResult> run(const Command& command) = 0;
};

// fork + execvp, no shell; stdin is /dev/null, stdout and stderr are captured (up to 1 MiB each).
// The child runs in its own process group so a timeout kills whatever it started too.
class PosixProcessRunner final : public ProcessRunner {
 public:
  Result<ProcessResult> run(const Command& command) override;
};

// "MDM_IP=10.0.0.1 dpkg -i /p/x.deb" with every secret replaced by ***, for logs and messages.
std::string describe(const Command& command);
// `text` with every occurrence of every secret replaced by ***.
std::string scrub(std::string text, const std::vector<std::string>& secrets);
// The last `max_lines` non-empty lines of `text`, joined with " | ", for one-line messages.
std::string tail_lines(const std::string& text, std::size_t max_lines = 3);

}  // namespace scaleio::node
