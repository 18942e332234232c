#include "reconcilers/runtime/live_state.h"

namespace scaleio::reconcilers {

Result<LiveStateLoad> LiveState::load() {
  loaded_ = false;
  version_ = ProjectionsVersion{};
  journal_.reset();
  LiveStateLoad summary;
  Projection* const own[] = {&journal_};
  // Its own projections (or shared ones nobody loaded yet): everything in one read of the log.
  // Shared ones already loaded are the others' too: their newest version, and the journal apart.
  if (!journal_.scope() && (shared_.use_count() == 1 || !shared_->loaded())) {
    Result<ProjectionsVersion> v = shared_->reload(own, summary);
    if (!v.ok()) return v.status();
    version_ = std::move(*v);
  } else {
    Result<ProjectionsVersion> v = shared_->latest();
    if (!v.ok()) return v.status();
    version_ = std::move(*v);
    Result<ProjectionLoad> l = load_projection(shared_->store(), journal_, version_.sequence);
    if (!l.ok()) return l.status();
    summary = LiveStateLoad(version_.sequence);
    summary.add(journal_.name(), *l);
  }
  last_sequence_ = version_.sequence;
  loaded_ = true;
  return summary;
}

Result<uint64_t> LiveState::catch_up() {
  if (!loaded_) {
    const uint64_t before = last_sequence_;
    Result<LiveStateLoad> l = load();
    if (!l.ok()) return l.status();
    return l->last_sequence - before;
  }
  Result<ProjectionsVersion> v = shared_->latest();
  if (!v.ok()) return v.status();
  uint64_t applied = 0;
  if (v->sequence > last_sequence_) {
    Status s = shared_->store().scan(last_sequence_ + 1, v->sequence, [&](const Envelope& e) {
      journal_.apply(e);
      ++applied;
      return true;
    });
    if (!s.ok()) return s;
  }
  version_ = std::move(*v);
  last_sequence_ = version_.sequence;
  return applied;
}

Status LiveState::save_snapshots() {
  if (journal_.scope()) {
    return failed_precondition("live state of " + *journal_.scope() +
                               ": a reconciler loop's journal is partial and is never a snapshot");
  }
  if (!version_.agents) return failed_precondition("live state: not caught up, nothing to save");
  const Projection* projections[] = {version_.agents.get(), version_.tasks.get(),
                                     version_.observed.get(), &journal_};
  EventStore& store = shared_->store();
  for (const Projection* p : projections) {
    if (Status s = save_projection_snapshot(store, *p, last_sequence_); !s.ok()) return s;
  }
  return Status();
}

ReconcileInput LiveState::input(Clock::TimePoint now, bool allow_removals) const {
  return ReconcileInput{
      .plan = *version_.plan,
      .observed = version_.observed->state(),
      .tasks = *version_.tasks,
      .agents = *version_.agents,
      .journal = journal_,
      .now = now,
      .last_sequence = last_sequence_,
      .allow_removals = allow_removals,
      .analysis = [analysis = version_.analysis]() -> const observed::DriftAnalysis& {
        return analysis->get();
      }};
}

}  // namespace scaleio::reconcilers
