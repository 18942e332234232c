// The deterministic reconcile runtime: every reconciler's loop, stepped by the caller on one
// clock. next_due() says when something is to be done; run_due() does it, synchronously and in
// the order the reconcilers were given; notify() feeds the events appended to the log (from a
// subscription) so that loops wake on what concerns them. The simulation drives this directly;
// the daemon runs the same loops on threads (threaded_runtime.h).
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "reconcilers/runtime/reconciler_loop.h"

namespace scaleio::reconcilers {

class Runtime {
 public:
  // `random` returns uniform values in [0, 1) (backoff jitter). The reconcilers, the store, the
  // clock and the observer (may be null) must outlive the runtime. Throws std::invalid_argument
  // on a null reconciler or two with the same name (a start-up mistake).
  Runtime(EventStore& store, const Clock& clock, std::function<double()> random,
          RuntimeOptions options, std::vector<Reconciler*> reconcilers,
          RuntimeObserver* observer = nullptr);
  // The loops refer to this object's options: it stays where it was made.
  Runtime(const Runtime&) = delete;
  Runtime& operator=(const Runtime&) = delete;

  // The earliest time a pass is due; nullopt without reconcilers.
  std::optional<Clock::TimePoint> next_due() const;
  // Runs every pass due at clock.now(); returns how many ran.
  size_t run_due();
  void notify(const Envelope& event);

  std::vector<ReconcilerStatus> status() const;  // thread-safe
  std::vector<std::string> names() const;
  // Makes the named reconciler's pass due now (e.g. offers arrived for it); unknown names are
  // ignored.
  void wake(std::string_view reconciler);

 private:
  const Clock& clock_;
  const RuntimeOptions options_;    // before loops_, which refer to it
  ObservationRefresher refresher_;  // shared by the loops
  std::vector<std::unique_ptr<ReconcilerLoop>> loops_;
};

// The reconcilers' names, checked unique and non-null (shared by both runtimes).
std::vector<std::string> reconciler_names(const std::vector<Reconciler*>& reconcilers);

}  // namespace scaleio::reconcilers
