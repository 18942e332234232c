// When each MDM member was first seen out of the cluster (status not Normal), for the
// member-loss timeout. Kept in memory by the reconciler from its passes: the observed projection
// keeps log positions, not times, and after a restart the count starts again — which errs on the
// side of waiting longer before replacing anything.
#pragma once

#include <map>
#include <string>

#include "core/clock.h"
#include "core/observed/observed_state.h"

namespace scaleio::reconcilers::mdm {

class OutageTracker {
 public:
  // A stale view changes nothing (the last known state is kept, not re-judged).
  void update(const observed::ObservedState& observed, Clock::TimePoint now);
  const std::map<std::string, Clock::TimePoint>& down_since() const { return down_since_; }

 private:
  std::map<std::string, Clock::TimePoint> down_since_;  // member id -> first seen not Normal
};

}  // namespace scaleio::reconcilers::mdm
