#include "reconcilers/runtime/shared_projections.h"

#include <algorithm>

#include "core/plan/plan_builder.h"
#include "core/plan/plan_recorder.h"

namespace scaleio::reconcilers {

namespace {

// Makes `p` safe to change: a copy when a version handed out refers to it.
template <typename T>
T& owned(std::shared_ptr<T>& p, bool& shared) {
  if (shared) {
    p = std::make_shared<T>(*p);
    shared = false;
  }
  return *p;
}

}  // namespace

void LiveStateLoad::add(std::string_view projection, const ProjectionLoad& load) {
  if (load.from_snapshot) from_snapshot.emplace_back(projection);
  if (!load.snapshot_problem.empty()) {
    snapshot_problems.push_back(std::string(projection) + ": " + load.snapshot_problem);
  }
  replayed_from = std::min(replayed_from, load.snapshot_sequence);
  events_replayed = std::max(events_replayed, load.events_applied);
}

const observed::DriftAnalysis& LazyAnalysis::get() const {
  std::call_once(once_, [this] {
    analysis_.emplace(*plan_, observed_->state());
    computed_.fetch_add(1);
  });
  return *analysis_;
}

Result<ProjectionsVersion> SharedProjections::latest() {
  std::lock_guard lock(mu_);
  if (!loaded_) {
    LiveStateLoad ignored;
    return reload_locked({}, ignored);
  }
  if (Status s = fold_locked(); !s.ok()) return s;
  return version_locked();
}

bool SharedProjections::loaded() {
  std::lock_guard lock(mu_);
  return loaded_;
}

Result<ProjectionsVersion> SharedProjections::reload(std::span<Projection* const> extra,
                                                     LiveStateLoad& summary) {
  std::lock_guard lock(mu_);
  return reload_locked(extra, summary);
}

Result<ProjectionsVersion> SharedProjections::reload_locked(std::span<Projection* const> extra,
                                                            LiveStateLoad& summary) {
  loaded_ = false;
  // New objects: versions handed out keep the old ones.
  auto agents = std::make_shared<AgentsProjection>();
  auto tasks = std::make_shared<MesosTasksProjection>();
  auto observed = std::make_shared<observed::ObservedProjection>();
  std::vector<Projection*> projections = {agents.get(), tasks.get(), observed.get()};
  projections.insert(projections.end(), extra.begin(), extra.end());
  // Every projection up to the same sequence, although appends may go on meanwhile.
  const uint64_t up_to = store_.last_sequence();
  Result<std::vector<ProjectionLoad>> loads = load_projections(store_, projections, up_to);
  if (!loads.ok()) return loads.status();
  summary = LiveStateLoad(up_to);
  for (size_t i = 0; i < loads->size(); ++i) summary.add(projections[i]->name(), (*loads)[i]);
  agents_ = std::move(agents);
  tasks_ = std::move(tasks);
  observed_ = std::move(observed);
  agents_shared_ = tasks_shared_ = observed_shared_ = false;
  sequence_ = up_to;
  loaded_ = true;
  compute_plan_locked();
  if (Status s = record_plan_locked(); !s.ok()) return s;
  return version_locked();
}

Status SharedProjections::fold_locked() {
  const uint64_t to = store_.last_sequence();
  bool agents_changed = false;
  bool observed_changed = false;
  if (to > sequence_) {
    // One scan feeds the three projections; each is copied at most once, before its first change.
    Status s = store_.scan(sequence_ + 1, to, [&](const Envelope& e) {
      if (AgentsProjection::folds(e)) {
        owned(agents_, agents_shared_).apply(e);
        agents_changed = true;
      }
      if (MesosTasksProjection::folds(e)) owned(tasks_, tasks_shared_).apply(e);
      if (observed::ObservedProjection::folds(e)) {
        owned(observed_, observed_shared_).apply(e);
        observed_changed = true;
      }
      sequence_ = e.sequence();
      return true;
    });
    if (!s.ok()) return s;
    sequence_ = std::max(sequence_, to);
  }
  if (agents_changed) compute_plan_locked();
  if (observed_changed) analysis_.reset();
  if (agents_changed || plan_unrecorded_) return record_plan_locked();
  return Status();
}

void SharedProjections::compute_plan_locked() {
  std::vector<events::AgentObserved> agents;
  agents.reserve(agents_->agents().size());
  for (const auto& [host, agent] : agents_->agents()) agents.push_back(agent);
  plan_ = std::make_shared<const plan::Plan>(plan::build_plan(agents, settings_));
  analysis_.reset();
}

Status SharedProjections::record_plan_locked() {
  plan_unrecorded_ = true;
  // A conflict means another recorder (a LiveState with projections of its own) recorded a plan
  // between our read and our append: look again.
  for (int attempt = 0; attempt < 3; ++attempt) {
    Result<uint64_t> version = store_.stream_version(plan::kPlanStream);
    if (!version.ok()) return version.status();
    if (*version > 0) {
      Result<std::vector<Envelope>> last = store_.read_stream(plan::kPlanStream, *version, 1);
      if (!last.ok()) return last.status();
      if (!last->empty() && last->front().sequence() > sequence_) {
        plan_unrecorded_ = false;  // recorded from a newer view; ours will catch up to it
        return Status();
      }
    }
    Result<bool> recorded = plan::record_plan_if_changed(store_, *plan_);
    if (recorded.ok()) {
      plan_unrecorded_ = false;
      return Status();
    }
    if (recorded.status().code() != StatusCode::kAborted) return recorded.status();
  }
  return aborted("plan: the plan stream kept changing while recording; trying again next pass");
}

ProjectionsVersion SharedProjections::version_locked() {
  if (!analysis_)
    analysis_ = std::make_shared<const LazyAnalysis>(plan_, observed_, analyses_computed_);
  agents_shared_ = tasks_shared_ = observed_shared_ = true;
  return ProjectionsVersion{.agents = agents_,
                            .plan = plan_,
                            .tasks = tasks_,
                            .observed = observed_,
                            .analysis = analysis_,
                            .sequence = sequence_};
}

}  // namespace scaleio::reconcilers
