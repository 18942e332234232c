// Drift: what separates the observed ScaleIO system from the plan, as a list of items the
// reconcilers act on (level-triggered: recomputed from the whole state on every pass). Pure.
//
// Resources are named the way the plan names things: "mdm-cluster", "mdm/<host>",
// "domain/<pd>", "fault-set/<pd>/<fs>", "pool/<pd>/<sp>", "sds/<host>/<pd>",
// "device/<host>/<path>", "sdc/<host>", "volume/<name>", "mapping/<volume>/<host>"; objects the
// plan does not know are named by their gateway name (or id).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/observed/observed_index.h"
#include "core/observed/observed_state.h"
#include "core/plan/plan.h"
#include "core/ports/scaleio_types.h"

namespace scaleio::observed {

enum class DriftKind {
  kMissing,      // planned, not observed: create it
  kUnexpected,   // observed, not planned: report (remove only when asked and safe)
  kMismatch,     // observed with other properties than planned
  kUnhealthy,    // present as planned but not working (disconnected, degraded, failed capacity)
  kInvalidPlan,  // the plan itself is at fault; nothing to do until it is fixed
  kWaiting,      // cannot progress until something else is in place (a healthy MDM, a pool, an SDC)
};
std::string_view drift_kind_name(DriftKind kind);

struct DriftItem {
  std::string resource;
  DriftKind kind = DriftKind::kMissing;
  std::string detail;
  // Sequence of the event that last changed the observed object (or started the outage); 0 when
  // nothing observed is involved (a missing object: drift since the plan asked for it).
  uint64_t since = 0;
  bool operator==(const DriftItem&) const = default;
};

// Items sorted by resource, then kind. An observed state that was never reached gives a single
// "gateway" waiting item; a stale one adds a "gateway" unhealthy item to the (last known) drift.
std::vector<DriftItem> drift(const plan::Plan& plan, const ObservedState& observed);
// The same over an index a pass already built of the observed state (one index per pass).
std::vector<DriftItem> drift(const plan::Plan& plan, const ObservedIndex& observed);

// An observed state's index and its drift from a plan, computed together once and shared by
// every pass that reads the same plan and state: an idle pass then rebuilds neither (issue 11:
// they were most of a steady-state pass at 5,000 agents). Points into `state`, like the index:
// valid while neither the state nor the plan changes.
class DriftAnalysis {
 public:
  DriftAnalysis(const plan::Plan& plan, const ObservedState& state)
      : index_(state), items_(drift(plan, index_)) {}
  DriftAnalysis(const DriftAnalysis&) = delete;
  DriftAnalysis& operator=(const DriftAnalysis&) = delete;

  const ObservedIndex& index() const { return index_; }
  const std::vector<DriftItem>& items() const { return items_; }

 private:
  ObservedIndex index_;
  std::vector<DriftItem> items_;
};

}  // namespace scaleio::observed
