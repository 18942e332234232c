// One side effect for one drift item, as the gateway reconcilers take it: through the executor
// (intent first), counted, and the item reported with what happened (it stays in the drift until
// the observer sees the change).
#pragma once

#include <functional>
#include <string>

#include "reconcilers/reconciler.h"

namespace scaleio::reconcilers {

// False when the log refused the intent: `call` did not run, out.status holds why, and the pass
// must stop.
bool act_on_drift_item(ActionExecutor& actions, PassOutcome& out, const observed::DriftItem& item,
                       const std::string& action, const std::string& key, const std::string& detail,
                       const std::function<Result<std::string>()>& call);

// A Status-returning gateway call as the Result an action returns (`what` on success).
Result<std::string> result_of(const Status& s, const std::string& what);

}  // namespace scaleio::reconcilers
