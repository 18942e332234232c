// SchedulerClient: what the client records in the event log — the framework id, task status
// updates and agents — and the periodic GET_AGENTS poll. Only changes are appended, so the log
// grows with what happens, not with time.
#include <utility>  // before Boost 1.74 asio: awaitable.hpp needs std::exchange

#include <algorithm>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <set>

#include "adapters/mesos/observation_records.h"
#include "adapters/mesos/scheduler_client.h"

namespace scaleio::mesos {

namespace net = boost::asio;

namespace {

constexpr char kFrameworkStream[] = "mesos/framework";

std::string task_stream(const std::string& task_id) {
  return "task/" + task_id;
}

}  // namespace

Status SchedulerClient::load_state() {
  std::vector<Envelope> registered;
  if (Status s = read_all_of_type(store_, "FrameworkRegistered", registered); !s.ok()) return s;
  std::vector<Envelope> task_events;
  if (Status s = read_all_of_type(store_, "TaskLaunchRequested", task_events); !s.ok()) return s;
  if (Status s = read_all_of_type(store_, "TaskStatusObserved", task_events); !s.ok()) return s;
  std::sort(task_events.begin(), task_events.end(),
            [](const Envelope& a, const Envelope& b) { return a.sequence() < b.sequence(); });
  AgentsProjection agents;
  auto loaded = load_projection(store_, agents);
  if (!loaded.ok()) return loaded.status();
  // Agents away when the daemon stopped keep their timer (--agent-gone-after).
  AgentAbsences absences;
  if (Status s = absences.load(store_, agents); !s.ok()) return s;

  std::lock_guard lock(mu_);
  if (!registered.empty()) {
    // The newest registration wins (a new one exists only after an allowed re-registration).
    framework_id_ = registered.back().framework_registered().framework_id();
    framework_id_durable_ = true;
  }
  tasks_.reset();
  for (const auto& e : task_events) {
    tasks_.apply(e);
    if (e.has_task_status_observed())
      last_status_[e.task_status_observed().task_id()] = e.task_status_observed();
  }
  agents_ = std::move(agents);
  absences_ = std::move(absences);
  return Status();
}

Status SchedulerClient::record_framework_id(const std::string& framework_id) {
  Envelope e;
  e.set_source(events::SOURCE_OBSERVER);
  e.set_timestamp_unix_ms(options_.clock->now_unix_ms());
  auto* registered = e.mutable_framework_registered();
  registered->set_framework_id(framework_id);
  registered->set_master(leader());
  auto appended = store_.append(kFrameworkStream, ExpectedVersion::any(), {std::move(e)});
  if (!appended.ok()) return appended.status();
  std::lock_guard lock(mu_);
  framework_id_durable_ = true;
  return Status();
}

bool SchedulerClient::record_status(const TaskStatus& status) {
  events::TaskStatusObserved observed;
  observed.set_task_id(status.task_id);
  observed.set_agent_id(status.agent_id);
  observed.set_state(task_state_name(status.state));
  observed.set_reason(status.reason);
  observed.set_message(status.message);
  observed.set_source(status_source_name(status.source));
  observed.set_uuid(status.uuid);
  observed.set_has_healthy(status.healthy.has_value());
  observed.set_healthy(status.healthy.value_or(false));
  observed.set_timestamp(status.timestamp);
  {
    std::lock_guard lock(mu_);
    auto last = last_status_.find(status.task_id);
    if (last != last_status_.end()) {
      const auto& prev = last->second;
      // A resent update (same uuid) or a reconciliation answer that says nothing new is already
      // in the log: durable, so it may be acknowledged, and not appended twice.
      const bool resent = !status.uuid.empty() && prev.uuid() == status.uuid;
      const bool nothing_new = status.uuid.empty() && prev.state() == observed.state() &&
                               prev.agent_id() == observed.agent_id();
      if (resent || nothing_new) return true;
    }
  }
  Envelope e;
  e.set_source(events::SOURCE_OBSERVER);
  e.set_timestamp_unix_ms(options_.clock->now_unix_ms());
  *e.mutable_task_status_observed() = observed;
  auto appended = store_.append(task_stream(status.task_id), ExpectedVersion::any(), {e});
  if (!appended.ok()) {
    // Not acknowledged: the agent resends it later; reconciliation asks again for the rest.
    log("cannot record the status of task " + status.task_id +
        " (not acknowledged): " + appended.status().to_string());
    return false;
  }
  e.set_sequence(appended->last_sequence);
  std::lock_guard lock(mu_);
  tasks_.apply(e);
  last_status_[status.task_id] = observed;
  ++counters_.updates_recorded;
  return true;
}

bool SchedulerClient::observe_agent(const std::string& hostname, const std::string& agent_id,
                                    std::optional<std::string> ip,
                                    const std::vector<events::Attribute>& attributes, bool active) {
  std::optional<events::AgentObserved> change;
  {
    std::lock_guard lock(mu_);
    change = agent_change(agents_, hostname, agent_id, std::move(ip), attributes, active);
  }
  if (!change) return false;
  Envelope e;
  *e.mutable_agent_observed() = std::move(*change);
  return record_agent(std::move(e));
}

bool SchedulerClient::record_agent(Envelope e) {
  const std::string& hostname =
      e.has_agent_observed() ? e.agent_observed().hostname() : e.agent_removed().hostname();
  e.set_source(events::SOURCE_OBSERVER);
  e.set_timestamp_unix_ms(options_.clock->now_unix_ms());
  auto appended = store_.append(agent_stream(hostname), ExpectedVersion::any(), {e});
  if (!appended.ok()) {
    log("cannot record agent " + hostname + ": " + appended.status().to_string());
    return false;  // seen again at the next offer or poll
  }
  e.set_sequence(appended->last_sequence);
  std::lock_guard lock(mu_);
  agents_.apply(e);
  absences_.apply(e);
  return true;
}

void SchedulerClient::agent_failed(const std::string& agent_id) {
  std::optional<events::AgentObserved> away;
  {
    std::lock_guard lock(mu_);
    away = failed_agent(agents_, agent_id);
  }
  if (!away) return;
  log("agent " + away->hostname() + " (" + agent_id +
      ") lost by the master: recorded away, kept in the plan");
  Envelope e;
  *e.mutable_agent_observed() = std::move(*away);
  (void)record_agent(std::move(e));
}

void SchedulerClient::agent_gone_if_marked(const TaskStatus& status) {
  std::optional<events::AgentRemoved> removed;
  {
    std::lock_guard lock(mu_);
    removed = gone_agent(agents_, status);
  }
  if (!removed) return;
  log("agent " + removed->hostname() + " leaves the plan: " + removed->reason());
  Envelope e;
  *e.mutable_agent_removed() = std::move(*removed);
  (void)record_agent(std::move(e));
}

net::awaitable<void> SchedulerClient::agents_poll_loop(uint64_t generation) {
  net::steady_timer timer(io_);
  while (!stopping_.load()) {
    {
      std::lock_guard lock(mu_);
      if (generation != generation_) co_return;
    }
    co_await poll_agents_once();
    timer.expires_after(options_.agents_poll_interval);
    boost::system::error_code ec;
    co_await timer.async_wait(net::redirect_error(net::use_awaitable, ec));
  }
}

net::awaitable<void> SchedulerClient::poll_agents_once() {
  std::optional<MasterAddress> leader;
  {
    std::lock_guard lock(mu_);
    leader = leader_;
  }
  if (!leader || agents_poll_in_flight_) co_return;
  agents_poll_in_flight_ = true;
  auto reply = co_await operator_connection_.post(
      *leader, "/api/v1", auth_headers(), encode_get_agents().dump(), options_.request_timeout);
  agents_poll_in_flight_ = false;
  if (!reply.ok() || reply->status != 200) {
    // Recovering (503), redirected or unreachable: the next poll or the stream sorts it out.
    log("GET_AGENTS failed: " +
        (reply.ok() ? "HTTP " + std::to_string(reply->status) : reply.status().to_string()));
    co_return;
  }
  auto view = decode_get_agents(reply->body);
  if (!view.ok()) {
    log("GET_AGENTS answer unusable: " + view.status().message());
    co_return;
  }
  std::set<std::string> listed(view->recovered_hostnames.begin(), view->recovered_hostnames.end());
  for (const auto& agent : view->agents) {
    listed.insert(agent.hostname);
    observe_agent(agent.hostname, agent.agent_id, agent.ip, agent.attributes, agent.active);
  }
  UnlistedAgents unlisted;
  {
    std::lock_guard lock(mu_);
    unlisted = unlisted_agents(agents_, absences_, listed, options_.clock->now_unix_ms(),
                               options_.agent_gone_after);
  }
  for (auto& away : unlisted.away) {
    log("agent " + away.hostname() + " is not listed by the master: recorded away, kept in the " +
        "plan for up to --agent-gone-after");
    Envelope e;
    *e.mutable_agent_observed() = std::move(away);
    (void)record_agent(std::move(e));
  }
  for (auto& gone : unlisted.gone) {
    log("agent " + gone.hostname() + " leaves the plan: " + gone.reason());
    Envelope e;
    *e.mutable_agent_removed() = std::move(gone);
    (void)record_agent(std::move(e));
  }
  std::lock_guard lock(mu_);
  ++counters_.agents_polls;
}

}  // namespace scaleio::mesos
