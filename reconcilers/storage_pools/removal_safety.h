// When taking storage away is safe: ScaleIO moves an SDS's (or a device's) data to the rest of
// its pools, so the rest must hold the data with the pool's spare still reserved, and nothing
// else may be moving data at the time (a rebuild after a failure, or the rebalance of an earlier
// removal). Pure: decided from the observed state only.
#pragma once

#include <string>
#include <vector>

#include "core/events.pb.h"
#include "core/observed/observed_state.h"

namespace scaleio::reconcilers::storage {

// Why a removal must wait, or "" when it may go ahead.
// `devices` are those leaving (all of an SDS's, or one); `domain_id` the domain they belong to.
std::string removal_blocker(const observed::ObservedState& obs, const std::string& domain_id,
                            const std::vector<const events::DeviceObserved*>& devices);

// An SDS anywhere that ScaleIO is removing: removals go one SDS at a time.
const events::SdsObserved* sds_in_removal(const observed::ObservedState& obs);

}  // namespace scaleio::reconcilers::storage
