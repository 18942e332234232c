// Runs a program as a child process with pipes to its stdin and stdout, for tests that need a
// second process (crash tests with SIGKILL, a second writer, the real binaries).
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include <sys/types.h>

namespace scaleio::testing {

class ChildProcess {
 public:
  // Starts argv[0] with the given arguments; stderr is inherited (it shows in ctest's output).
  explicit ChildProcess(const std::vector<std::string>& argv);
  ~ChildProcess();  // SIGKILLs and reaps the child if it still runs
  ChildProcess(const ChildProcess&) = delete;
  ChildProcess& operator=(const ChildProcess&) = delete;

  pid_t pid() const { return pid_; }
  // The next line of stdout (without '\n'), or nullopt on EOF or when `timeout` passes first.
  std::optional<std::string> read_line(std::chrono::milliseconds timeout);
  // Why the last read_line() returned nothing: "timeout", "end of output", or the failing call.
  const std::string& read_problem() const { return read_problem_; }
  // Everything the child still prints until it closes stdout (after a kill, say), bounded.
  std::vector<std::string> drain_lines(std::chrono::milliseconds timeout);
  void close_stdin();
  void kill(int signal);
  // Waits for the exit; returns the exit code, 128+signal when killed, or -1 on timeout.
  int wait(std::chrono::milliseconds timeout);

 private:
  pid_t pid_ = -1;
  int stdin_fd_ = -1;
  int stdout_fd_ = -1;
  bool reaped_ = false;
  int exit_code_ = -1;
  std::string buffer_;
  bool eof_ = false;
  std::string read_problem_;
};

}  // namespace scaleio::testing
