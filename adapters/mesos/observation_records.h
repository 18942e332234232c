// Small pieces of how Mesos observations become events, shared by the scheduler client and the
// deterministic simulation's in-process driver so that both write the log the same way.
#pragma once

#include <chrono>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "core/agents_projection.h"
#include "core/event_store.h"
#include "core/ports/mesos_types.h"

namespace scaleio::mesos {

// "SOURCE_MASTER", "SOURCE_AGENT", "SOURCE_EXECUTOR" (TaskStatusObserved.source).
const char* status_source_name(StatusSource source);

// Same names, types and printed values, in order: an agent whose attributes did not change.
bool same_attributes(const google::protobuf::RepeatedPtrField<events::Attribute>& recorded,
                     const std::vector<events::Attribute>& offered);

// Every event of `type`, in sequence order, read page by page.
Status read_all_of_type(const EventStore& store, const std::string& type,
                        std::vector<Envelope>& out);

// --- agents -------------------------------------------------------------------------------------
//
// The rule (issue 10): the master's GET_AGENTS lists neither an agent behind a partition nor one
// that is restarting, and it does not list agents gone for good either (MESOS-8009), so an
// unlisted agent is only AWAY: it is recorded inactive with its id, IP and attributes, and the plan
// keeps the host (nothing is replaced or removed for a partition). It leaves the plan
// (AgentRemoved) once it has been away for `gone_after`, or at once when Mesos says it is gone for
// good (TASK_GONE_BY_OPERATOR for a task on it: an operator marked the agent gone). An agent that
// comes back under a new id (a restart with a fresh work dir, maybe new attributes) is simply
// observed again under its hostname.

// How long an unlisted agent stays in the plan by default (--agent-gone-after).
inline constexpr std::chrono::milliseconds kDefaultAgentGoneAfter = std::chrono::minutes(15);

// The agent's stream: "node/<hostname>".
std::string agent_stream(const std::string& hostname);

// The AgentObserved to append for an agent seen by an offer (no IP: the recorded one is kept) or
// by GET_AGENTS, or nullopt when the log already says exactly this.
std::optional<events::AgentObserved> agent_change(
    const AgentsProjection& known, const std::string& hostname, const std::string& agent_id,
    std::optional<std::string> ip, const std::vector<events::Attribute>& attributes, bool active);

// The known agent with this id recorded as away (inactive, all else kept), for a FAILURE event that
// names only the agent (the master lost it); nullopt when unknown or already inactive.
std::optional<events::AgentObserved> failed_agent(const AgentsProjection& known,
                                                  const std::string& agent_id);

// For TASK_GONE_BY_OPERATOR of a task on the host's current agent: the removal; else nullopt.
std::optional<events::AgentRemoved> gone_agent(const AgentsProjection& known,
                                               const TaskStatus& status);

// Since when each known agent has been away (not seen active), in the log's time (the timestamp of
// the event that first recorded it inactive). Derived from the log, so a restart keeps the timer.
class AgentAbsences {
 public:
  // For every inactive agent of `known` (the projection of the same log): the first event of the
  // trailing run of inactive AgentObserved in its stream.
  Status load(const EventStore& store, const AgentsProjection& known);
  // Keeps up with an appended AgentObserved / AgentRemoved (its timestamp set).
  void apply(const Envelope& event);
  std::optional<int64_t> away_since_ms(const std::string& hostname) const;

 private:
  std::map<std::string, int64_t> since_ms_;
};

// What to append for the agents a GET_AGENTS answer did not list (`listed`: the hostnames of its
// agents and recovered agents): each newly unlisted agent recorded away, each agent away for
// `gone_after` or longer removed.
struct UnlistedAgents {
  std::vector<events::AgentObserved> away;
  std::vector<events::AgentRemoved> gone;
};
UnlistedAgents unlisted_agents(const AgentsProjection& known, const AgentAbsences& absences,
                               const std::set<std::string>& listed, int64_t now_ms,
                               std::chrono::milliseconds gone_after);

}  // namespace scaleio::mesos
