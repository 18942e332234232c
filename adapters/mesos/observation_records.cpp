#include "adapters/mesos/observation_records.h"

namespace scaleio::mesos {

namespace {
constexpr size_t kPage = 1000;
constexpr uint64_t kStreamPage = 64;
}  // namespace

const char* status_source_name(StatusSource source) {
  switch (source) {
    case StatusSource::kAgent:
      return "SOURCE_AGENT";
    case StatusSource::kExecutor:
      return "SOURCE_EXECUTOR";
    case StatusSource::kMaster:
      break;
  }
  return "SOURCE_MASTER";
}

bool same_attributes(const google::protobuf::RepeatedPtrField<events::Attribute>& recorded,
                     const std::vector<events::Attribute>& offered) {
  if (static_cast<size_t>(recorded.size()) != offered.size()) return false;
  for (size_t i = 0; i < offered.size(); ++i) {
    const auto& x = recorded[static_cast<int>(i)];
    if (x.name() != offered[i].name() || x.type() != offered[i].type() ||
        x.text() != offered[i].text()) {
      return false;
    }
  }
  return true;
}

Status read_all_of_type(const EventStore& store, const std::string& type,
                        std::vector<Envelope>& out) {
  uint64_t from = 1;
  while (true) {
    auto page = store.read_type(type, from, kPage);
    if (!page.ok()) return page.status();
    const bool last = page->size() < kPage;
    for (auto& e : *page) out.push_back(std::move(e));
    if (last) return Status();
    from = out.back().sequence() + 1;
  }
}

std::string agent_stream(const std::string& hostname) {
  return "node/" + hostname;
}

std::optional<events::AgentObserved> agent_change(
    const AgentsProjection& known, const std::string& hostname, const std::string& agent_id,
    std::optional<std::string> ip, const std::vector<events::Attribute>& attributes, bool active) {
  auto k = known.agents().find(hostname);
  if (k != known.agents().end()) {
    const auto& was = k->second;
    // Offers carry no IP: keep the one GET_AGENTS reported for this host (an agent that was away
    // is still known, so it comes back with its address).
    if (!ip) ip = was.ip();
    if (was.agent_id() == agent_id && was.ip() == *ip && was.active() == active &&
        same_attributes(was.attributes(), attributes)) {
      return std::nullopt;
    }
  }
  events::AgentObserved a;
  a.set_hostname(hostname);
  a.set_agent_id(agent_id);
  a.set_ip(ip.value_or(""));
  a.set_active(active);
  for (const auto& attribute : attributes) *a.add_attributes() = attribute;
  return a;
}

std::optional<events::AgentObserved> failed_agent(const AgentsProjection& known,
                                                  const std::string& agent_id) {
  for (const auto& [hostname, agent] : known.agents()) {
    if (agent.agent_id() != agent_id) continue;
    if (!agent.active()) return std::nullopt;
    events::AgentObserved away = agent;
    away.set_active(false);
    return away;
  }
  return std::nullopt;
}

std::optional<events::AgentRemoved> gone_agent(const AgentsProjection& known,
                                               const TaskStatus& status) {
  if (status.state != TaskState::kGoneByOperator || status.agent_id.empty()) return std::nullopt;
  for (const auto& [hostname, agent] : known.agents()) {
    if (agent.agent_id() != status.agent_id) continue;
    events::AgentRemoved removed;
    removed.set_hostname(hostname);
    removed.set_agent_id(agent.agent_id());
    removed.set_reason("marked gone in Mesos (TASK_GONE_BY_OPERATOR for task " + status.task_id +
                       ")");
    return removed;
  }
  return std::nullopt;
}

Status AgentAbsences::load(const EventStore& store, const AgentsProjection& known) {
  since_ms_.clear();
  for (const auto& [hostname, agent] : known.agents()) {
    if (agent.active()) continue;
    const std::string stream = agent_stream(hostname);
    auto version = store.stream_version(stream);
    if (!version.ok()) return version.status();
    // Newest first, page by page, until the first event that is not an inactive AgentObserved.
    std::optional<int64_t> since;
    bool run_ended = false;
    for (uint64_t last = *version; last > 0 && !run_ended;) {
      const uint64_t first = last > kStreamPage ? last - kStreamPage + 1 : 1;
      auto page = store.read_stream(stream, first, last - first + 1);
      if (!page.ok()) return page.status();
      for (auto e = page->rbegin(); e != page->rend(); ++e) {
        if (!e->has_agent_observed() || e->agent_observed().active()) {
          run_ended = true;
          break;
        }
        since = e->timestamp_unix_ms();
      }
      last = first - 1;
    }
    // A snapshot without its stream (never in one log): the timer starts now, at the next poll.
    if (since) since_ms_[hostname] = *since;
  }
  return Status();
}

void AgentAbsences::apply(const Envelope& event) {
  if (event.has_agent_removed()) {
    since_ms_.erase(event.agent_removed().hostname());
  } else if (event.has_agent_observed()) {
    const auto& a = event.agent_observed();
    if (a.active()) {
      since_ms_.erase(a.hostname());
    } else {
      since_ms_.emplace(a.hostname(), event.timestamp_unix_ms());  // keeps an earlier start
    }
  }
}

std::optional<int64_t> AgentAbsences::away_since_ms(const std::string& hostname) const {
  auto it = since_ms_.find(hostname);
  if (it == since_ms_.end()) return std::nullopt;
  return it->second;
}

UnlistedAgents unlisted_agents(const AgentsProjection& known, const AgentAbsences& absences,
                               const std::set<std::string>& listed, int64_t now_ms,
                               std::chrono::milliseconds gone_after) {
  UnlistedAgents out;
  for (const auto& [hostname, agent] : known.agents()) {
    if (listed.count(hostname)) continue;
    auto since = absences.away_since_ms(hostname);
    if (agent.active() || !since) {
      // Away from now on; `since` is missing only for an inactive agent whose stream did not
      // say since when: recording it again starts its timer.
      events::AgentObserved away = agent;
      away.set_active(false);
      out.away.push_back(std::move(away));
      continue;
    }
    if (now_ms - *since < gone_after.count()) continue;
    events::AgentRemoved removed;
    removed.set_hostname(hostname);
    removed.set_agent_id(agent.agent_id());
    removed.set_reason("not listed by the master for " + std::to_string((now_ms - *since) / 1000) +
                       " s (--agent-gone-after " + std::to_string(gone_after.count() / 1000) +
                       " s)");
    out.gone.push_back(std::move(removed));
  }
  return out;
}

}  // namespace scaleio::mesos
