#include "core/agents_projection.h"

#include "core/snapshots.pb.h"

namespace scaleio {

bool AgentsProjection::folds(const Envelope& event) {
  return event.payload_case() == Envelope::kAgentObserved ||
         event.payload_case() == Envelope::kAgentRemoved;
}

void AgentsProjection::apply(const Envelope& event) {
  if (!folds(event)) return;
  switch (event.payload_case()) {
    case Envelope::kAgentObserved:
      agents_[event.agent_observed().hostname()] = event.agent_observed();
      break;
    case Envelope::kAgentRemoved:
      agents_.erase(event.agent_removed().hostname());
      break;
    default:
      break;
  }
}

std::string AgentsProjection::save() const {
  snapshots::AgentsState state;
  for (const auto& [host, agent] : agents_) *state.add_agents() = agent;
  return state.SerializeAsString();
}

Status AgentsProjection::restore(std::string_view bytes) {
  snapshots::AgentsState state;
  if (!state.ParseFromArray(bytes.data(), static_cast<int>(bytes.size()))) {
    return data_loss("agents snapshot cannot be decoded");
  }
  agents_.clear();
  for (const auto& agent : state.agents()) agents_[agent.hostname()] = agent;
  return Status();
}

}  // namespace scaleio
