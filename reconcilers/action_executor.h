// Intent before action: every side effect of a reconciler goes through perform(), which appends
// ActionStarted, runs the action, and appends ActionSucceeded or ActionFailed (with the target's
// next attempt time from the backoff policy). A crash between the two leaves an intent without an
// outcome in the journal, which the reconciler resolves from fresh observation before retrying.
//
// The runtime provides the implementation over the event log (reconcilers/journaled_executor.h);
// reconciler unit tests may use it over a temporary log or a recording fake.
#pragma once

#include <functional>
#include <string>

#include "core/events.pb.h"
#include "core/status.h"

namespace scaleio::reconcilers {

struct ActionRequest {
  std::string action;           // "create_storage_pool", "launch_task", "map_volume", ...
  std::string target;           // the drift resource, e.g. "pool/pd1/sp1"
  std::string idempotency_key;  // same intended change, same key (e.g. target + plan hash)
  std::string detail;           // one line for people; never secrets
};

class ActionExecutor {
 public:
  virtual ~ActionExecutor() = default;
  // Records the intent, runs `run` (which returns what it created or changed, e.g. an id), and
  // records the outcome. Returns `run`'s result; when the intent cannot be recorded (the log
  // refuses: disk full, read-only) `run` is NOT called and the log's error is returned.
  virtual Result<std::string> perform(const ActionRequest& request,
                                      const std::function<Result<std::string>()>& run) = 0;
  // Records the outcome of an intent found pending after a restart, as established from fresh
  // observation: `done` = it took effect (ActionSucceeded, result = `result`), else ActionFailed
  // so the action is retried (without waiting for a backoff).
  virtual Status resolve(const events::ActionStarted& intent, bool done,
                         const std::string& result) = 0;
};

}  // namespace scaleio::reconcilers
