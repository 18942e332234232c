#include "reconcilers/runtime/live_state.h"

#include <algorithm>

#include "core/plan/plan_builder.h"
#include "core/plan/plan_recorder.h"

namespace scaleio::reconcilers {

namespace {

bool changes_agents(const Envelope& e) {
  return e.payload_case() == Envelope::kAgentObserved ||
         e.payload_case() == Envelope::kAgentRemoved;
}

}  // namespace

Result<LiveStateLoad> LiveState::load() {
  loaded_ = false;
  analysis_.reset();  // it points into the projections about to be rebuilt
  LiveStateLoad summary;
  // Every projection up to the same sequence, although appends may go on meanwhile.
  const uint64_t up_to = store_.last_sequence();
  Projection* const projections[] = {&agents_, &tasks_, &observed_, &journal_};
  Result<std::vector<ProjectionLoad>> loads = load_projections(store_, projections, up_to);
  if (!loads.ok()) return loads.status();
  summary.replayed_from = up_to;
  for (size_t i = 0; i < loads->size(); ++i) {
    const ProjectionLoad& l = (*loads)[i];
    const std::string name(projections[i]->name());
    if (l.from_snapshot) summary.from_snapshot.push_back(name);
    if (!l.snapshot_problem.empty()) {
      summary.snapshot_problems.push_back(name + ": " + l.snapshot_problem);
    }
    summary.replayed_from = std::min(summary.replayed_from, l.snapshot_sequence);
    summary.events_replayed = std::max(summary.events_replayed, l.events_applied);
  }
  last_sequence_ = up_to;
  summary.last_sequence = up_to;
  loaded_ = true;
  compute_plan();
  if (Status s = record_plan(); !s.ok()) return s;
  return summary;
}

Result<uint64_t> LiveState::catch_up() {
  if (!loaded_) {
    const uint64_t before = last_sequence_;
    Result<LiveStateLoad> l = load();
    if (!l.ok()) return l.status();
    return l->last_sequence - before;
  }
  const uint64_t to = store_.last_sequence();
  uint64_t applied = 0;
  bool agents_changed = false;
  const uint64_t observed_before = observed_.state().last_sequence;
  // One scan feeds all four projections (catch_up_projection would read the tail four times).
  Status s = store_.scan(last_sequence_ + 1, to, [&](const Envelope& e) {
    agents_.apply(e);
    tasks_.apply(e);
    observed_.apply(e);
    journal_.apply(e);
    agents_changed = agents_changed || changes_agents(e);
    last_sequence_ = e.sequence();
    ++applied;
    return true;
  });
  if (!s.ok()) return s;
  // Every event the observed state folds raises its last_sequence.
  if (observed_.state().last_sequence != observed_before) analysis_.reset();
  if (agents_changed) compute_plan();
  if (agents_changed || plan_unrecorded_) {
    if (Status r = record_plan(); !r.ok()) return r;
  }
  return applied;
}

void LiveState::compute_plan() {
  std::vector<events::AgentObserved> agents;
  agents.reserve(agents_.agents().size());
  for (const auto& [host, agent] : agents_.agents()) agents.push_back(agent);
  analysis_.reset();
  plan_ = plan::build_plan(agents, settings_);
}

Status LiveState::record_plan() {
  plan_unrecorded_ = true;
  // A conflict means another loop recorded a plan between our read and our append: look again.
  for (int attempt = 0; attempt < 3; ++attempt) {
    Result<uint64_t> version = store_.stream_version(plan::kPlanStream);
    if (!version.ok()) return version.status();
    if (*version > 0) {
      Result<std::vector<Envelope>> last = store_.read_stream(plan::kPlanStream, *version, 1);
      if (!last.ok()) return last.status();
      if (!last->empty() && last->front().sequence() > last_sequence_) {
        plan_unrecorded_ = false;  // recorded from a newer view; ours will catch up to it
        return Status();
      }
    }
    Result<bool> recorded = plan::record_plan_if_changed(store_, plan_);
    if (recorded.ok()) {
      plan_unrecorded_ = false;
      return Status();
    }
    if (recorded.status().code() != StatusCode::kAborted) return recorded.status();
  }
  return aborted("plan: the plan stream kept changing while recording; trying again next pass");
}

Status LiveState::save_snapshots() {
  if (journal_.scope()) {
    return failed_precondition("live state of " + *journal_.scope() +
                               ": a reconciler loop's journal is partial and is never a snapshot");
  }
  const Projection* projections[] = {&agents_, &tasks_, &observed_, &journal_};
  for (const Projection* p : projections) {
    if (Status s = save_projection_snapshot(store_, *p, last_sequence_); !s.ok()) return s;
  }
  return Status();
}

const observed::DriftAnalysis& LiveState::analysis() const {
  if (!analysis_) {
    analysis_.emplace(plan_, observed_.state());
    ++analyses_computed_;
  }
  return *analysis_;
}

ReconcileInput LiveState::input(Clock::TimePoint now, bool allow_removals) const {
  return ReconcileInput{
      .plan = plan_,
      .observed = observed_.state(),
      .tasks = tasks_,
      .agents = agents_,
      .journal = journal_,
      .now = now,
      .last_sequence = last_sequence_,
      .allow_removals = allow_removals,
      .analysis = [this]() -> const observed::DriftAnalysis& { return analysis(); }};
}

}  // namespace scaleio::reconcilers
