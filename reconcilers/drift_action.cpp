#include "reconcilers/drift_action.h"

namespace scaleio::reconcilers {

bool act_on_drift_item(ActionExecutor& actions, PassOutcome& out, const observed::DriftItem& item,
                       const std::string& action, const std::string& key, const std::string& detail,
                       const std::function<Result<std::string>()>& call) {
  bool ran = false;
  auto result =
      actions.perform({action, item.resource, action + ":" + item.resource + ":" + key, detail},
                      [&]() -> Result<std::string> {
                        ran = true;
                        return call();
                      });
  if (!ran) {
    // The log refused the intent: nothing may happen without it.
    out.status = result.status();
    out.drift.push_back(item);
    return false;
  }
  ++out.actions_taken;
  observed::DriftItem reported = item;
  reported.detail += result.ok() ? "; " + action + " done, waiting for observation"
                                 : "; " + action + " failed: " + result.status().message();
  out.drift.push_back(std::move(reported));
  return true;
}

Result<std::string> result_of(const Status& s, const std::string& what) {
  if (!s.ok()) return s;
  return what;
}

}  // namespace scaleio::reconcilers
