#include "reconcilers/runtime/operator_commands.h"

#include <algorithm>

#include "core/action_journal.h"

namespace scaleio::reconcilers {

Result<AppendResult> append_operator_command(EventStore& store, const Clock& clock,
                                             std::string_view command, std::string_view target,
                                             std::string_view requested_by, std::string_view reason,
                                             const std::vector<std::string>& known_reconcilers) {
  if (command != kPauseCommand && command != kResumeCommand) {
    return invalid_argument("unknown command '" + std::string(command) +
                            "': the reconcilers take pause and resume");
  }
  if (std::find(known_reconcilers.begin(), known_reconcilers.end(), target) ==
      known_reconcilers.end()) {
    std::string known;
    for (const std::string& name : known_reconcilers) known += (known.empty() ? "" : ", ") + name;
    return not_found("no reconciler named '" + std::string(target) + "' (known: " + known + ")");
  }
  if (requested_by.empty()) return invalid_argument("an operator command needs requested_by");
  Envelope e;
  e.set_source(events::SOURCE_OPERATOR);
  e.set_timestamp_unix_ms(clock.now_unix_ms());
  auto* c = e.mutable_operator_command();
  c->set_command(std::string(command));
  c->set_target(std::string(target));
  c->set_requested_by(std::string(requested_by));
  c->set_reason(std::string(reason));
  std::vector<Envelope> events;
  events.push_back(std::move(e));
  return store.append(kOperatorStream, ExpectedVersion::any(), std::move(events));
}

}  // namespace scaleio::reconcilers
