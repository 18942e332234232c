// How the long-running install verb learns that Mesos wants it gone (SIGTERM on a task kill) and
// waits between service checks: one interface, so tests drive the loop without signals or sleeps.
#pragma once

#include <chrono>

namespace scaleio::node {

class StopSignal {
 public:
  virtual ~StopSignal() = default;
  // True once a stop was asked for; does not wait.
  virtual bool stop_requested() = 0;
  // Waits up to `timeout`; true as soon as a stop is asked for.
  virtual bool wait_for_stop(std::chrono::milliseconds timeout) = 0;
};

// SIGTERM and SIGINT, blocked from construction on and taken with sigtimedwait: no handler runs in
// the middle of anything, and the children we start get them unblocked (PosixProcessRunner).
// Construct it in main() before any thread or child is started.
class PosixStopSignal final : public StopSignal {
 public:
  PosixStopSignal();
  bool stop_requested() override;
  bool wait_for_stop(std::chrono::milliseconds timeout) override;

 private:
  bool stopped_ = false;
};

}  // namespace scaleio::node
