#include "sim/dst/invariants.h"

#include <algorithm>

#include "core/plan/plan_builder.h"

namespace scaleio::dst {

namespace {

std::string mdm_summary(const sim::ScaleioWorld& world) {
  const auto& cluster = world.mdm_cluster();
  if (!cluster) return "no MDM cluster";
  int healthy = 0;
  int total = 0;
  auto count = [&](const std::string& id) {
    ++total;
    if (world.mdm_healthy(cluster->members.at(id))) ++healthy;
  };
  count(cluster->master_id);
  for (const auto& id : cluster->slave_ids) count(id);
  for (const auto& id : cluster->tie_breaker_ids) count(id);
  return sim::ScaleioWorld::mode_name(cluster->mode) + " with " + std::to_string(healthy) + " of " +
         std::to_string(total) + " members good";
}

// Every storage object by "kind/id". The kinds are listed in alphabetical order and no kind is a
// prefix of another, and each map iterates its ids in order, so every name arrives after the
// previous one and an end hint makes each insert constant time: this runs twice per operator
// step, and the whole set is linear in the objects instead of a log factor more.
std::set<std::string> storage_objects(const sim::ScaleioWorld& world) {
  std::set<std::string> out;
  auto add = [&](const std::string& kind, const auto& objects) {
    for (const auto& [id, _] : objects) out.emplace_hint(out.end(), kind + "/" + id);
  };
  add("device", world.devices());
  add("fault set", world.fault_sets());
  add("protection domain", world.protection_domains());
  add("sdc", world.sdcs());
  add("sds", world.sdss());
  add("storage pool", world.storage_pools());
  add("volume", world.volumes());
  return out;
}

std::vector<std::string> sorted(std::vector<std::string> v) {
  std::sort(v.begin(), v.end());
  return v;
}

std::string joined(const std::vector<std::string>& v) {
  std::string out;
  for (const auto& s : v) out += (out.empty() ? "" : ",") + s;
  return out;
}

std::string tasks_digest(const MesosTasksProjection& tasks) {
  std::string out;
  for (const auto& [id, t] : tasks.tasks()) {
    out += id + "|" + t.agent_id + "|" + t.state + "|" + (t.terminal ? "T" : "-") + "\n";
  }
  return out;
}

}  // namespace

// --- quorum
// ---------------------------------------------------------------------------------------

void QuorumInvariant::before_operator_step(const sim::ScaleioWorld& world) {
  had_quorum_ = world.has_quorum();
  before_ = mdm_summary(world);
}

std::optional<Violation> QuorumInvariant::after_operator_step(
    const sim::ScaleioWorld& world) const {
  if (!had_quorum_ || world.has_quorum()) return std::nullopt;
  return Violation{"mdm_quorum", "an operator step took the MDM cluster below quorum: before " +
                                     before_ + ", after " + mdm_summary(world)};
}

// --- created once
// ---------------------------------------------------------------------------------

std::optional<Violation> CreatedOnceInvariant::check(const sim::ScaleioWorld& world,
                                                     bool removals_allowed) {
  std::map<std::string, std::string> live;  // identity -> id
  std::optional<Violation> found;
  // `once_ever`: the identity may not come back under a new id either (storage objects are
  // removed only with --allow-removals; a standby MDM that never joined is rolled back by design
  // and added again later, so MDMs are only checked for two at once).
  auto see = [&](const std::string& identity, const std::string& id, bool once_ever = true) {
    if (found) return;
    auto [it, inserted] = live.emplace(identity, id);
    if (!inserted && it->second != id) {
      found =
          Violation{"created_twice", identity + " exists twice: ids " + it->second + " and " + id};
      return;
    }
    if (!once_ever) return;
    auto [first, fresh] = first_id_.emplace(identity, id);
    if (!fresh && first->second != id) {
      if (removals_allowed) {
        first->second = id;  // removed and created again: allowed with removals
      } else {
        found = Violation{"created_twice", identity + " was created again: first id " +
                                               first->second + ", now " + id};
      }
    }
  };
  for (const auto& [id, pd] : world.protection_domains()) see("protection domain " + pd.name, id);
  for (const auto& [id, fs] : world.fault_sets()) {
    see("fault set " + fs.protection_domain_id + "/" + fs.name, id);
  }
  for (const auto& [id, sp] : world.storage_pools()) {
    see("storage pool " + sp.protection_domain_id + "/" + sp.name, id);
  }
  for (const auto& [id, sds] : world.sdss()) {
    see("sds " + sds.name, id);
    // One SDS per host and domain: a host in two domains has two SDSs on one IP.
    for (const auto& ip : sds.ips)
      see("sds in " + sds.protection_domain_id + " with ip " + ip.ip, id);
  }
  for (const auto& [id, d] : world.devices()) see("device " + d.sds_id + ":" + d.path, id);
  for (const auto& [id, v] : world.volumes()) see("volume " + v.name, id);
  if (const auto& cluster = world.mdm_cluster()) {
    see("mdm cluster", cluster->id);
    for (const auto& [id, member] : cluster->members) {
      for (const auto& ip : member.ips) see("mdm with ip " + ip, id, false);
    }
  }
  return found;
}

std::optional<Violation> CreatedOnceInvariant::check_node_tasks(const sim::AgentWorld& mesos) {
  std::map<std::string, std::string> live;  // hostname -> task id
  for (const auto& [_, task] : mesos.tasks) {
    if (sim::is_terminal_state(task.state)) continue;
    if (task.command.kind != sim::NodeCommand::Kind::kInstall) continue;
    auto [it, inserted] = live.emplace(task.hostname, task.task_id);
    if (!inserted) {
      return Violation{"created_twice", "two node tasks alive on " + task.hostname + ": " +
                                            it->second + " and " + task.task_id + " (" +
                                            task.state + ")"};
    }
  }
  return std::nullopt;
}

// --- removals
// -------------------------------------------------------------------------------------

void NoRemovalInvariant::before_operator_step(const sim::ScaleioWorld& world) {
  before_ = storage_objects(world);
}

std::optional<Violation> NoRemovalInvariant::after_operator_step(const sim::ScaleioWorld& world,
                                                                 bool removals_allowed) const {
  if (removals_allowed) return std::nullopt;
  const std::set<std::string> after = storage_objects(world);
  // One merge walk over both sorted sets finds the first object of before_ missing afterwards
  // (the same one a lookup per object would find), in linear time.
  auto found = after.begin();
  for (const auto& object : before_) {
    while (found != after.end() && *found < object) ++found;
    if (found == after.end() || *found != object) {
      return Violation{"removal_without_flag",
                       object + " was removed by an operator step without --allow-removals"};
    }
  }
  return std::nullopt;
}

// --- acknowledged
// ---------------------------------------------------------------------------------

void AcknowledgedInLogInvariant::observe(const Envelope& event) {
  if (event.has_task_status_observed() && !event.task_status_observed().uuid().empty()) {
    logged_uuids_.insert(event.task_status_observed().uuid());
  }
}

std::optional<Violation> AcknowledgedInLogInvariant::check(
    const std::vector<AcknowledgedStatus>& acknowledged) {
  for (; checked_ < acknowledged.size(); ++checked_) {
    const auto& ack = acknowledged[checked_];
    if (!logged_uuids_.count(ack.uuid)) {
      return Violation{"acknowledged_not_logged", "the " + ack.state + " update of task " +
                                                      ack.task_id +
                                                      " was acknowledged but is not in the log"};
    }
  }
  return std::nullopt;
}

// --- agents kept
// -------------------------------------------------------------------------------

void AgentKeptInvariant::watch(const sim::AgentWorld& mesos, Clock::TimePoint now) {
  for (const auto& [hostname, agent] : mesos.agents) {
    if (agent.state == sim::AgentState::kUp) {
      away_since_.erase(hostname);
    } else {
      away_since_.emplace(hostname, now);  // keeps the start of an absence already noted
    }
  }
}

void AgentKeptInvariant::observe(const Envelope& event) {
  if (found_ || !event.has_agent_removed()) return;
  const std::string& host = event.agent_removed().hostname();
  auto away = away_since_.find(host);
  if (away == away_since_.end()) {
    found_ = Violation{"agent_kept", "host " + host + " left the plan (" +
                                         event.agent_removed().reason() +
                                         ") while its agent is registered with the master"};
    return;
  }
  const auto since_ms =
      std::chrono::duration_cast<std::chrono::milliseconds>(away->second.time_since_epoch())
          .count();
  const int64_t away_ms = event.timestamp_unix_ms() - since_ms;
  if (away_ms < gone_after_.count()) {
    found_ = Violation{"agent_kept", "host " + host + " left the plan after its agent was away " +
                                         std::to_string(away_ms / 1000) + " s, less than " +
                                         std::to_string(gone_after_.count() / 1000) + " s (" +
                                         event.agent_removed().reason() + ")"};
  }
}

// --- foreign volumes
// ------------------------------------------------------------------------------

void ForeignVolumeInvariant::remember(const sim::ScaleioWorld& world, const std::string& id) {
  auto it = world.volumes().find(id);
  if (it != world.volumes().end()) volumes_[id] = it->second;
}

std::optional<Violation> ForeignVolumeInvariant::check(const sim::ScaleioWorld& world) const {
  for (const auto& [id, before] : volumes_) {
    auto it = world.volumes().find(id);
    if (it == world.volumes().end()) {
      return Violation{"foreign_volume_touched", "volume " + before.name + " (" + id +
                                                     "), not created by the operator, was removed"};
    }
    const sim::Volume& now = it->second;
    if (now.size_kb != before.size_kb || now.name != before.name ||
        now.storage_pool_id != before.storage_pool_id) {
      return Violation{"foreign_volume_touched",
                       "volume " + before.name + " (" + id + "), not created by the operator, " +
                           "changed: size " + std::to_string(before.size_kb) + " -> " +
                           std::to_string(now.size_kb) + " KB, name " + now.name};
    }
    if (sorted(now.mapped_sdc_ids) != sorted(before.mapped_sdc_ids)) {
      return Violation{"foreign_volume_touched",
                       "volume " + before.name + " (" + id + "), not created by the operator, " +
                           "was mapped to [" + joined(sorted(before.mapped_sdc_ids)) +
                           "] and now to [" + joined(sorted(now.mapped_sdc_ids)) + "]"};
    }
  }
  return std::nullopt;
}

// --- projections
// ----------------------------------------------------------------------------------

std::string observed_digest(const observed::ObservedState& s) {
  std::string out;
  out += std::string(s.ever_reached ? "R" : "-") + (s.reachable ? "r" : "-") +
         (s.stale ? "S" : "-") + std::to_string(s.stale_since) + "|" + s.last_error + "|" +
         s.gateway_version + "\n";
  if (s.mdm) out += "mdm@" + std::to_string(s.mdm->since) + s.mdm->value.SerializeAsString();
  auto each = [&](const char* kind, const auto& objects) {
    for (const auto& [id, seen] : objects) {
      out += std::string(kind) + "/" + id + "@" + std::to_string(seen.since) + ":" +
             seen.value.SerializeAsString() + "\n";
    }
  };
  each("pd", s.protection_domains);
  each("fs", s.fault_sets);
  each("sp", s.storage_pools);
  each("sds", s.sdss);
  each("sdc", s.sdcs);
  each("vol", s.volumes);
  return out;
}

std::optional<Violation> check_projections(const EventStore& store,
                                           const reconcilers::LiveState& live,
                                           const observed::ObservedState& observer_state,
                                           const plan::ClusterSettings& settings) {
  const uint64_t up_to = live.last_sequence();
  AgentsProjection agents;
  MesosTasksProjection tasks;
  observed::ObservedProjection observed;
  ActionJournal journal;
  Status s = store.scan(1, up_to, [&](const Envelope& e) {
    agents.apply(e);
    tasks.apply(e);
    observed.apply(e);
    journal.apply(e);
    return true;
  });
  if (!s.ok()) return Violation{"projections_rebuilt", "cannot read the log: " + s.to_string()};
  auto differs = [](const char* what, uint64_t at) {
    return Violation{"projections_rebuilt",
                     std::string("the live ") + what +
                         " differs from the one rebuilt from the log up to " + std::to_string(at)};
  };
  if (agents.save() != live.agents().save()) return differs("agents projection", up_to);
  if (tasks_digest(tasks) != tasks_digest(live.tasks())) return differs("tasks projection", up_to);
  if (journal.save() != live.journal().save()) return differs("action journal", up_to);
  if (observed_digest(observed.state()) != observed_digest(live.observed())) {
    return differs("observed state", up_to);
  }
  std::vector<events::AgentObserved> agent_list;
  for (const auto& [_, a] : agents.agents()) agent_list.push_back(a);
  if (plan::build_plan(agent_list, settings).to_json() != live.plan().to_json()) {
    return differs("plan", up_to);
  }
  // The observer folds only what it observed; compared when it is at the same point.
  if (observer_state.last_sequence <= up_to) {
    observed::ObservedProjection at_observer;
    Status o = store.scan(1, observer_state.last_sequence, [&](const Envelope& e) {
      at_observer.apply(e);
      return true;
    });
    if (o.ok() && observed_digest(at_observer.state()) != observed_digest(observer_state)) {
      return differs("gateway observer's state", observer_state.last_sequence);
    }
  }
  return std::nullopt;
}

}  // namespace scaleio::dst
