#include "cli/scaleioctl/log_views.h"

#include <algorithm>
#include <set>

#include "core/observed/drift.h"
#include "core/plan/plan_builder.h"
#include "core/plan/plan_recorder.h"
#include "core/views/json_views.h"

namespace scaleio::ctl {

namespace {

// The last event of `type` at or before `up_to`, read through the type index.
Result<std::optional<Envelope>> last_of_type(const EventStore& store, std::string_view type,
                                             uint64_t up_to) {
  std::optional<Envelope> last;
  uint64_t next = 1;
  while (true) {
    auto batch = store.read_type(type, next, 1024);
    if (!batch.ok()) return batch.status();
    if (batch->empty()) return last;
    for (auto& e : *batch) {
      if (e.sequence() > up_to) return last;
      last = std::move(e);
    }
    next = last->sequence() + 1;
  }
}

std::set<std::string> reconciler_names(const ActionJournal& journal) {
  std::set<std::string> names(standard_reconcilers().begin(), standard_reconcilers().end());
  for (const auto& name : journal.paused_reconcilers()) names.insert(name);
  return names;
}

nlohmann::json backoff_json(const TargetRecord& t) {
  return {{"target", t.target},
          {"action", t.last_action},
          {"failures", t.consecutive_failures},
          {"code", t.last_code},
          {"error", t.last_error},
          {"nextAttempt", views::iso8601_utc(t.next_attempt_unix_ms)}};
}

}  // namespace

Result<LogViews> LogViews::load(const EventStore& store, uint64_t up_to_sequence,
                                const plan::ClusterSettings& settings) {
  LogViews v;
  const uint64_t up_to = std::min(up_to_sequence, store.last_sequence());
  Projection* projections[] = {&v.agents_, &v.tasks_, &v.observed_, &v.journal_};
  for (Projection* p : projections) {
    Result<ProjectionLoad> l = load_projection(store, *p, up_to);
    if (!l.ok()) return l.status();
  }
  v.as_of_ = up_to;
  std::vector<events::AgentObserved> agents;
  for (const auto& [host, agent] : v.agents_.agents()) agents.push_back(agent);
  v.plan_ = plan::build_plan(agents, settings);

  auto framework = last_of_type(store, "FrameworkRegistered", up_to);
  if (!framework.ok()) return framework.status();
  if (*framework) v.framework_id_ = (*framework)->framework_registered().framework_id();
  auto recorded = last_of_type(store, "PlanComputed", up_to);
  if (!recorded.ok()) return recorded.status();
  if (*recorded) v.recorded_plan_hash_ = (*recorded)->plan_computed().content_hash();
  return v;
}

nlohmann::json LogViews::plan_json() const {
  nlohmann::json j = {
      {"contentHash", plan_.content_hash()}, {"asOfSequence", as_of_}, {"plan", plan_.to_json()}};
  if (!recorded_plan_hash_.empty() && recorded_plan_hash_ != plan_.content_hash()) {
    // The plan depends on the daemon's cluster settings too (--mdm-ips, --default-pool, ...).
    j["warning"] = "the daemon recorded plan " + recorded_plan_hash_ +
                   " but the agents give plan " + plan_.content_hash() +
                   " with these cluster settings: pass the daemon's settings with --config FILE, "
                   "or ask the daemon with --server";
  }
  return j;
}

nlohmann::json LogViews::state_json() const {
  nlohmann::json agents = nlohmann::json::array();
  for (const auto& [host, agent] : agents_.agents()) agents.push_back(views::message_json(agent));
  return {{"asOfSequence", as_of_},
          {"frameworkId", framework_id_},
          {"agents", agents},
          {"tasks", views::tasks_json(tasks_.tasks())},
          {"scaleio", views::observed_json(observed_.state())}};
}

nlohmann::json LogViews::drift_json(int64_t now_unix_ms) const {
  const auto diff = observed::drift(plan_, observed_.state());
  bool converged = diff.empty();
  nlohmann::json per_reconciler = nlohmann::json::object();
  for (const auto& name : reconciler_names(journal_)) {
    nlohmann::json items = nlohmann::json::array();
    for (const TargetRecord* t : journal_.pending(name)) {
      items.push_back({{"resource", t->target},
                       {"kind", "in-flight"},
                       {"detail", t->pending->action() + " started, no outcome yet"},
                       {"sinceSequence", t->pending_sequence}});
    }
    for (const TargetRecord* t : journal_.failing(name)) {
      if (!journal_.in_backoff(name, t->target, now_unix_ms)) continue;
      items.push_back(
          {{"resource", t->target},
           {"kind", "backoff"},
           {"detail", t->last_action + " failed " + std::to_string(t->consecutive_failures) +
                          "x (" + t->last_code + ": " + t->last_error + "); next attempt " +
                          views::iso8601_utc(t->next_attempt_unix_ms)},
           {"sinceSequence", t->last_outcome_sequence}});
    }
    if (!items.empty()) converged = false;
    per_reconciler[name] = std::move(items);
  }
  nlohmann::json j = {{"converged", converged},
                      {"asOfSequence", as_of_},
                      {"reconcilers", per_reconciler},
                      {"observed", views::drift_json(diff)}};
  if (const nlohmann::json plan = plan_json(); plan.contains("warning")) {
    j["warning"] = plan["warning"];
  }
  return j;
}

nlohmann::json LogViews::reconcilers_json(int64_t now_unix_ms) const {
  nlohmann::json list = nlohmann::json::array();
  for (const auto& name : reconciler_names(journal_)) {
    nlohmann::json backoff = nlohmann::json::array();
    for (const TargetRecord* t : journal_.failing(name)) {
      if (journal_.in_backoff(name, t->target, now_unix_ms)) backoff.push_back(backoff_json(*t));
    }
    nlohmann::json pending = nlohmann::json::array();
    for (const TargetRecord* t : journal_.pending(name)) {
      pending.push_back({{"target", t->target},
                         {"action", t->pending->action()},
                         {"sinceSequence", t->pending_sequence}});
    }
    // Pass counters and timings live in the daemon's memory, not in the log.
    list.push_back({{"name", name},
                    {"paused", journal_.paused(name)},
                    {"passes", nullptr},
                    {"lastPassStart", nullptr},
                    {"lastPassEnd", nullptr},
                    {"lastResult", nullptr},
                    {"backoff", backoff},
                    {"inFlight", pending}});
  }
  return {{"reconcilers", list}};
}

}  // namespace scaleio::ctl
