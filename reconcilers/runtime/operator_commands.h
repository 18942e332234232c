// Operator commands for the reconcile runtime, as events: the HTTP API and scaleioctl never call
// a reconciler, they append an OperatorCommand to the "operator" stream; the action journal folds
// it (paused / resumed) and the loop it names wakes on it.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "core/clock.h"
#include "core/event_store.h"

namespace scaleio::reconcilers {

inline constexpr std::string_view kPauseCommand = "pause";
inline constexpr std::string_view kResumeCommand = "resume";

// Appends `command` ("pause" or "resume") for reconciler `target`. InvalidArgument for another
// command or an empty requested_by; NotFound when `target` is not one of `known_reconcilers`.
Result<AppendResult> append_operator_command(EventStore& store, const Clock& clock,
                                             std::string_view command, std::string_view target,
                                             std::string_view requested_by, std::string_view reason,
                                             const std::vector<std::string>& known_reconcilers);

}  // namespace scaleio::reconcilers
