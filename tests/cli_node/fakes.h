// In-process fakes of scaleio-node's ports: the process runner, the stop signal, the package
// source.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "cli/scaleio_node/package_source.h"
#include "cli/scaleio_node/process_runner.h"
#include "cli/scaleio_node/stop_signal.h"

namespace scaleio::node::testing {

class FakeRunner final : public ProcessRunner {
 public:
  using Responder = std::function<Result<ProcessResult>(const Command&)>;
  std::vector<Command> calls;
  // Exit 0, no output, unless told otherwise.
  Responder respond = [](const Command&) -> Result<ProcessResult> { return ProcessResult{}; };

  Result<ProcessResult> run(const Command& command) override {
    calls.push_back(command);
    return respond(command);
  }
  std::vector<Command> calls_to(const std::string& program) const {
    std::vector<Command> out;
    for (const auto& c : calls) {
      if (!c.argv.empty() && c.argv[0] == program) out.push_back(c);
    }
    return out;
  }
};

inline ProcessResult exited(int code, std::string out = "", std::string err = "") {
  return ProcessResult{code, std::move(out), std::move(err)};
}

inline std::string env_of(const Command& c, const std::string& name) {
  for (const auto& [k, v] : c.env) {
    if (k == name) return v;
  }
  return "<unset>";
}

// Asks to stop after `waits_before_stop` waits (never when negative); counts the waits.
class FakeStop final : public StopSignal {
 public:
  explicit FakeStop(int waits_before_stop = -1) : waits_before_stop_(waits_before_stop) {}
  bool stop_requested() override { return stop_now; }
  bool wait_for_stop(std::chrono::milliseconds) override {
    ++waits;
    if (waits_before_stop_ >= 0 && waits > waits_before_stop_) stop_now = true;
    return stop_now;
  }
  int waits = 0;
  bool stop_now = false;

 private:
  int waits_before_stop_;
};

class FakeSource final : public PackageSource {
 public:
  Result<std::string> fetch(Component component, const std::string& version,
                            PackageFormat format) override {
    return "/pkgs/EMC-ScaleIO-" + std::string(component_name(component)) + "-" + version + "." +
           std::string(format_name(format));
  }
};

}  // namespace scaleio::node::testing
