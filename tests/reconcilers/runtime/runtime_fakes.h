// Fakes and builders shared by the runtime tests: a reconciler that records its passes and does
// what the test tells it, a recording RuntimeObserver, event builders, a real log in a temporary
// directory and a deadline wait.
#pragma once

#include <atomic>
#include <catch2/catch.hpp>
#include <chrono>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "core/event_store.h"
#include "eventlog/rocks_event_log.h"
#include "reconcilers/reconciler.h"
#include "reconcilers/runtime/reconciler_loop.h"
#include "tests/support/temp_dir.h"

namespace scaleio::testing {

using reconcilers::ActionExecutor;
using reconcilers::PassOutcome;
using reconcilers::ReconcileInput;

// What one pass saw.
struct PassSeen {
  Clock::TimePoint now;
  uint64_t last_sequence = 0;
  std::vector<events::ActionStarted> pending;
  size_t plan_nodes = 0;
};

class FakeReconciler final : public reconcilers::Reconciler {
 public:
  explicit FakeReconciler(std::string name) : name_(std::move(name)) {}

  std::string_view name() const override { return name_; }
  bool wakes_on(const Envelope& event) const override {
    return wakes ? wakes(event) : event.payload_case() == Envelope::kAgentObserved;
  }
  PassOutcome reconcile(const ReconcileInput& input, ActionExecutor& actions) override {
    const int inside = ++in_pass_;
    int seen = max_in_pass_.load();
    while (inside > seen && !max_in_pass_.compare_exchange_weak(seen, inside)) {
    }
    PassSeen s{input.now, input.last_sequence, {}, input.plan.nodes.size()};
    for (const TargetRecord* r : input.journal.pending(name_)) s.pending.push_back(*r->pending);
    {
      std::lock_guard lock(mu_);
      passes_.push_back(s);
    }
    PassOutcome out = on_pass ? on_pass(input, actions) : PassOutcome{};
    --in_pass_;
    return out;
  }

  std::vector<PassSeen> passes() const {
    std::lock_guard lock(mu_);
    return passes_;
  }
  size_t pass_count() const {
    std::lock_guard lock(mu_);
    return passes_.size();
  }
  int max_concurrent_passes() const { return max_in_pass_.load(); }

  std::function<bool(const Envelope&)> wakes;  // default: AgentObserved
  std::function<PassOutcome(const ReconcileInput&, ActionExecutor&)> on_pass;

 private:
  const std::string name_;
  mutable std::mutex mu_;
  std::vector<PassSeen> passes_;
  std::atomic<int> in_pass_{0};
  std::atomic<int> max_in_pass_{0};
};

class RecordingObserver final : public reconcilers::RuntimeObserver {
 public:
  void pass_started(std::string_view reconciler) override {
    std::lock_guard lock(mu_);
    started.emplace_back(reconciler);
  }
  void pass_finished(std::string_view reconciler, const PassOutcome&, double duration_seconds,
                     std::string_view result) override {
    std::lock_guard lock(mu_);
    finished.push_back(std::string(reconciler) + ":" + std::string(result));
    durations.push_back(duration_seconds);
  }
  std::vector<std::string> finished_copy() const {
    std::lock_guard lock(mu_);
    return finished;
  }

  mutable std::mutex mu_;
  std::vector<std::string> started;
  std::vector<std::string> finished;
  std::vector<double> durations;
};

inline std::vector<Envelope> one_event(Envelope e) {
  std::vector<Envelope> v;
  v.push_back(std::move(e));
  return v;
}

inline Envelope agent_event(const std::string& host, bool planned = false) {
  Envelope e;
  e.set_source(events::SOURCE_OBSERVER);
  auto* a = e.mutable_agent_observed();
  a->set_hostname(host);
  a->set_agent_id("S-" + host);
  a->set_ip("10.0.0.7");
  a->set_active(true);
  if (planned) {
    auto attr = [&](const std::string& name, const std::string& value) {
      auto* x = a->add_attributes();
      x->set_name(name);
      x->set_type(events::Attribute::TEXT);
      x->set_text(value);
    };
    attr("scaleio-persona", "data");
    attr("scaleio-sds-domains", "pd1");
    attr("scaleio-sds-pd1", "sp1");
    attr("scaleio-sds-sp1", "/dev/xvdf");
  }
  return e;
}

inline Envelope task_status_event(const std::string& task) {
  Envelope e;
  e.set_source(events::SOURCE_OBSERVER);
  auto* t = e.mutable_task_status_observed();
  t->set_task_id(task);
  t->set_agent_id("S-1");
  t->set_state("TASK_RUNNING");
  return e;
}

inline Envelope task_launch_event(const std::string& task, const std::string& agent) {
  Envelope e;
  auto* l = e.mutable_task_launch_requested();
  l->set_task_id(task);
  l->set_agent_id(agent);
  return e;
}

inline Envelope sds_event(const std::string& id, const std::string& state = "Normal") {
  Envelope e;
  auto* s = e.mutable_sds_observed();
  s->set_id(id);
  s->set_name("sds-" + id);
  s->set_state(state);
  return e;
}

inline Envelope intent_event(const std::string& reconciler, const std::string& action,
                             const std::string& target) {
  Envelope e;
  e.set_source(events::SOURCE_RECONCILER);
  auto* s = e.mutable_action_started();
  s->set_reconciler(reconciler);
  s->set_action(action);
  s->set_target(target);
  s->set_idempotency_key(target + "@1");
  return e;
}

inline Envelope success_event(const std::string& reconciler, const std::string& action,
                              const std::string& target, const std::string& result = "") {
  Envelope e;
  auto* s = e.mutable_action_succeeded();
  s->set_reconciler(reconciler);
  s->set_action(action);
  s->set_target(target);
  s->set_result(result);
  return e;
}

inline Envelope failure_event(const std::string& reconciler, const std::string& action,
                              const std::string& target, uint32_t attempt, int64_t next_ms) {
  Envelope e;
  auto* f = e.mutable_action_failed();
  f->set_reconciler(reconciler);
  f->set_action(action);
  f->set_target(target);
  f->set_code("Unavailable");
  f->set_error("gateway down");
  f->set_attempt(attempt);
  f->set_next_attempt_unix_ms(next_ms);
  return e;
}

// The real event log in a temporary directory, with one-event appends to any stream.
struct TempLog {
  TempDir dir;
  std::unique_ptr<eventlog::RocksEventLog> log =
      std::move(eventlog::RocksEventLog::open(dir.path())).value();

  void append(const std::string& stream, Envelope e) {
    REQUIRE(log->append(stream, ExpectedVersion::any(), one_event(std::move(e))).ok());
  }
};

// Polls `condition` until it holds or `limit` passes; for conditions set by other threads.
inline bool eventually(const std::function<bool()>& condition,
                       std::chrono::milliseconds limit = std::chrono::seconds(10)) {
  const auto deadline = std::chrono::steady_clock::now() + limit;
  while (std::chrono::steady_clock::now() < deadline) {
    if (condition()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
  return condition();
}

}  // namespace scaleio::testing
