#include "reconcilers/runtime/runtime.h"

#include <algorithm>
#include <set>
#include <stdexcept>

namespace scaleio::reconcilers {

std::vector<std::string> reconciler_names(const std::vector<Reconciler*>& reconcilers) {
  std::vector<std::string> names;
  std::set<std::string> seen;
  for (const Reconciler* r : reconcilers) {
    if (r == nullptr) throw std::invalid_argument("reconcile runtime: a null reconciler");
    std::string name(r->name());
    if (!seen.insert(name).second) {
      throw std::invalid_argument("reconcile runtime: two reconcilers named " + name);
    }
    names.push_back(std::move(name));
  }
  return names;
}

Runtime::Runtime(EventStore& store, const Clock& clock, std::function<double()> random,
                 RuntimeOptions options, std::vector<Reconciler*> reconcilers,
                 RuntimeObserver* observer)
    : clock_(clock), options_(std::move(options)), refresher_(options_.refresh_observation) {
  (void)reconciler_names(reconcilers);
  auto projections = options_.projections
                         ? options_.projections
                         : std::make_shared<SharedProjections>(store, options_.cluster);
  for (Reconciler* r : reconcilers) {
    loops_.push_back(std::make_unique<ReconcilerLoop>(store, clock, random, options_, *r, observer,
                                                      refresher_, projections));
  }
}

std::optional<Clock::TimePoint> Runtime::next_due() const {
  std::optional<Clock::TimePoint> earliest;
  for (const auto& loop : loops_) {
    const Clock::TimePoint due = loop->next_due();
    if (!earliest || due < *earliest) earliest = due;
  }
  return earliest;
}

size_t Runtime::run_due() {
  size_t ran = 0;
  for (const auto& loop : loops_) {
    // Each loop is checked against the clock as it is when its turn comes (a pass may take time).
    if (loop->due(clock_.now()) && loop->run_pass()) ++ran;
  }
  return ran;
}

void Runtime::notify(const Envelope& event) {
  for (const auto& loop : loops_) loop->notify(event);
}

std::vector<ReconcilerStatus> Runtime::status() const {
  std::vector<ReconcilerStatus> out;
  for (const auto& loop : loops_) out.push_back(loop->status());
  return out;
}

void Runtime::wake(std::string_view reconciler) {
  for (const auto& loop : loops_) {
    if (loop->name() == reconciler) loop->wake();
  }
}

std::vector<std::string> Runtime::names() const {
  std::vector<std::string> out;
  for (const auto& loop : loops_) out.push_back(loop->name());
  return out;
}

}  // namespace scaleio::reconcilers
