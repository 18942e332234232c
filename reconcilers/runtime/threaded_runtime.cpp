#include "reconcilers/runtime/threaded_runtime.h"

#include <algorithm>
#include <stdexcept>

#include "reconcilers/runtime/runtime.h"

namespace scaleio::reconcilers {

namespace {
constexpr size_t kBatch = 256;
}

ThreadedRuntime::ThreadedRuntime(EventStore& store, const Clock& clock,
                                 std::function<double()> random, RuntimeOptions options,
                                 std::vector<Reconciler*> reconcilers, RuntimeObserver* observer)
    : store_(store),
      clock_(clock),
      options_(std::move(options)),
      refresher_(options_.refresh_observation),
      random_(std::move(random)) {
  (void)reconciler_names(reconcilers);
  auto shared_random = [this] {
    std::lock_guard lock(random_mu_);
    return random_ ? random_() : 0.5;
  };
  auto projections = options_.projections
                         ? options_.projections
                         : std::make_shared<SharedProjections>(store, options_.cluster);
  for (Reconciler* r : reconcilers) {
    loops_.push_back(std::make_unique<ReconcilerLoop>(store, clock, shared_random, options_, *r,
                                                      observer, refresher_, projections));
  }
}

ThreadedRuntime::~ThreadedRuntime() {
  stop();
}

void ThreadedRuntime::start() {
  if (started_) return;
  started_ = true;
  for (const auto& loop : loops_) {
    // Subscribed before the thread starts: every event after this moment reaches the loop, and
    // everything before it is read by the first pass.
    auto subscription = store_.subscribe(store_.last_sequence() + 1);
    threads_.emplace_back([this, l = loop.get(), s = std::move(subscription)]() mutable {
      run_loop(*l, std::move(s));
    });
  }
}

void ThreadedRuntime::run_loop(ReconcilerLoop& loop,
                               std::unique_ptr<EventSubscription> subscription) {
  while (!stopping_) {
    const Clock::TimePoint now = clock_.now();
    if (loop.due(now)) {
      loop.run_pass();
      continue;
    }
    // Wait for events until the pass is due, in slices so that stop() is noticed.
    const Clock::Duration until_due = loop.next_due() - now;
    const Clock::Duration wait =
        std::clamp<Clock::Duration>(until_due, Clock::Duration::zero(), options_.idle_wait);
    Result<std::vector<Envelope>> batch = subscription->next_batch(kBatch, wait);
    if (!batch.ok()) {
      // The log is closed or unreadable: passes will report it; do not spin meanwhile.
      std::unique_lock lock(stop_mu_);
      stop_cv_.wait_for(lock, options_.idle_wait, [this] { return stopping_.load(); });
      continue;
    }
    for (const Envelope& e : *batch) loop.notify(e);
  }
}

void ThreadedRuntime::stop() {
  {
    std::lock_guard lock(stop_mu_);
    stopping_ = true;
  }
  stop_cv_.notify_all();
  for (std::thread& t : threads_) {
    if (t.joinable()) t.join();
  }
  threads_.clear();
}

std::vector<ReconcilerStatus> ThreadedRuntime::status() const {
  std::vector<ReconcilerStatus> out;
  for (const auto& loop : loops_) out.push_back(loop->status());
  return out;
}

void ThreadedRuntime::wake(std::string_view reconciler) {
  for (const auto& loop : loops_) {
    if (loop->name() == reconciler) loop->wake();
  }
}

std::vector<std::string> ThreadedRuntime::names() const {
  std::vector<std::string> out;
  for (const auto& loop : loops_) out.push_back(loop->name());
  return out;
}

}  // namespace scaleio::reconcilers
