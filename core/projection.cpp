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

Result<ProjectionLoad> load_projection(const EventStore& store, Projection& projection,
                                       uint64_t up_to_sequence) {
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
    } else if (s.sequence > up_to_sequence || s.sequence > store.last_sequence()) {
      load.snapshot_problem = "snapshot is newer than the requested sequence";
    } else if (Status r = projection.restore(s.state); !r.ok()) {
      load.snapshot_problem = r.to_string();
      projection.reset();
    } else {
      load.from_snapshot = true;
      load.snapshot_sequence = s.sequence;
    }
  }
  uint64_t start = load.from_snapshot ? load.snapshot_sequence : 0;
  Result<uint64_t> last = catch_up_projection(store, projection, start, up_to_sequence);
  if (!last.ok()) return last.status();
  load.last_sequence = *last;
  load.events_applied = *last - start;
  return load;
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
