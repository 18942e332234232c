#include "reconcilers/mdm_quorum/outage_tracker.h"

#include <set>

namespace scaleio::reconcilers::mdm {

void OutageTracker::update(const observed::ObservedState& observed, Clock::TimePoint now) {
  if (observed.stale || !observed.mdm) return;
  std::set<std::string> down;
  for (const auto& m : observed.mdm->value.members()) {
    if (m.status() != "Normal") down.insert(m.id());
  }
  std::erase_if(down_since_, [&](const auto& kv) { return down.count(kv.first) == 0; });
  for (const auto& id : down) down_since_.try_emplace(id, now);
}

}  // namespace scaleio::reconcilers::mdm
