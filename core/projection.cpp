#include "core/projection.h"

#include <algorithm>

namespace scaleio {

Result<uint64_t> catch_up_projection(const EventStore& store, Projection& projection,
                                     uint64_t after_sequence, uint64_t up_to_sequence) {
  uint64_t last = after_sequence;
  uint64_t to = std::min(up_to_sequence, store.last_sequence());
  Status s = store.scan(after_sequence + 1, to, [&](const Envelope& e) {
    projection.apply(e);
    last = e.sequence();
    return true;
  });
  if (!s.ok()) return s;
  return last;
}

namespace {

// Restores `projection` from its newest snapshot when that one is usable as of `to_sequence`;
// otherwise leaves it reset and says why (the log stays the source of truth).
ProjectionLoad restore_newest_snapshot(const EventStore& store, Projection& projection,
                                       uint64_t to_sequence) {
  ProjectionLoad load;
  projection.reset();
  Result<std::optional<Snapshot>> snap = store.latest_snapshot(projection.name());
  if (!snap.ok()) {
    load.snapshot_problem = snap.status().to_string();
  } else if (snap->has_value()) {
    const Snapshot& s = **snap;
    if (s.format_version != projection.format_version()) {
      load.snapshot_problem = "snapshot format " + std::to_string(s.format_version) +
                              " is not this build's " + std::to_string(projection.format_version());
    } else if (s.sequence > to_sequence) {
      load.snapshot_problem = "snapshot is newer than the requested sequence";
    } else if (Status r = projection.restore(s.state); !r.ok()) {
      load.snapshot_problem = r.to_string();
      projection.reset();
    } else {
      load.from_snapshot = true;
      load.snapshot_sequence = s.sequence;
    }
  }
  return load;
}

}  // namespace

Result<std::vector<ProjectionLoad>> load_projections(const EventStore& store,
                                                     std::span<Projection* const> projections,
                                                     uint64_t up_to_sequence) {
  const uint64_t to = std::min(up_to_sequence, store.last_sequence());
  std::vector<ProjectionLoad> loads;
  loads.reserve(projections.size());
  uint64_t from = to;  // the scan starts after the oldest snapshot used (0: none)
  for (Projection* p : projections) {
    loads.push_back(restore_newest_snapshot(store, *p, to));
    from = std::min(from, loads.back().snapshot_sequence);
  }
  uint64_t last = from;
  if (from < to) {
    Status s = store.scan(from + 1, to, [&](const Envelope& e) {
      for (size_t i = 0; i < projections.size(); ++i) {
        if (e.sequence() > loads[i].snapshot_sequence) projections[i]->apply(e);
      }
      last = e.sequence();
      return true;
    });
    if (!s.ok()) return s;
  }
  for (ProjectionLoad& load : loads) {
    load.last_sequence = std::max(last, load.snapshot_sequence);
    load.events_applied = load.last_sequence - load.snapshot_sequence;
  }
  return loads;
}

Result<ProjectionLoad> load_projection(const EventStore& store, Projection& projection,
                                       uint64_t up_to_sequence) {
  Projection* const one[] = {&projection};
  Result<std::vector<ProjectionLoad>> loads = load_projections(store, one, up_to_sequence);
  if (!loads.ok()) return loads.status();
  return std::move(loads->front());
}

Status save_projection_snapshot(EventStore& store, const Projection& projection,
                                uint64_t at_sequence) {
  Snapshot s;
  s.sequence = at_sequence;
  s.format_version = projection.format_version();
  s.state = projection.save();
  return store.save_snapshot(projection.name(), s);
}

}  // namespace scaleio
