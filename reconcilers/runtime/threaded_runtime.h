// The daemon's reconcile runtime: each reconciler's loop (the same ReconcilerLoop the
// deterministic Runtime steps) on its own thread, woken by its own log subscription.
//
// Why a thread per loop rather than an Asio pool with a strand each: a pass makes blocking calls
// (gateway, Mesos) for as long as it takes, and waiting for new events is a blocking
// EventSubscription::next_batch. A thread per loop keeps both plain, and with four reconcilers
// it costs four threads; a strand would still need a blocking waiter somewhere. One thread per
// loop also makes "a pass never overlaps itself" hold by construction.
#pragma once

#include <atomic>
#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "reconcilers/runtime/reconciler_loop.h"

namespace scaleio::reconcilers {

class ThreadedRuntime {
 public:
  // As Runtime's. `random` is called under a lock (it need not be thread-safe); `clock` and
  // `observer` are used from every loop's thread.
  ThreadedRuntime(EventStore& store, const Clock& clock, std::function<double()> random,
                  RuntimeOptions options, std::vector<Reconciler*> reconcilers,
                  RuntimeObserver* observer = nullptr);
  ~ThreadedRuntime();  // stop()
  ThreadedRuntime(const ThreadedRuntime&) = delete;
  ThreadedRuntime& operator=(const ThreadedRuntime&) = delete;

  // Starts one thread per reconciler; each runs its first pass at once. Once only.
  void start();
  // Lets each loop finish the pass it is in, then joins: returns within the longest current pass
  // plus options.idle_wait. Idempotent.
  void stop();

  std::vector<ReconcilerStatus> status() const;  // thread-safe
  std::vector<std::string> names() const;
  // Makes the named reconciler's pass due now (e.g. offers arrived for it); unknown names are
  // ignored.
  void wake(std::string_view reconciler);

 private:
  void run_loop(ReconcilerLoop& loop, std::unique_ptr<EventSubscription> subscription);

  EventStore& store_;
  const Clock& clock_;
  const RuntimeOptions options_;    // before loops_, which refer to it
  ObservationRefresher refresher_;  // shared by the loops
  std::mutex random_mu_;
  std::function<double()> random_;
  std::vector<std::unique_ptr<ReconcilerLoop>> loops_;
  std::vector<std::thread> threads_;

  std::mutex stop_mu_;
  std::condition_variable stop_cv_;
  std::atomic<bool> stopping_{false};
  bool started_ = false;
};

}  // namespace scaleio::reconcilers
