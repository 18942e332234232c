#include "reconcilers/mdm_quorum/intents.h"

#include <algorithm>
#include <sstream>

namespace scaleio::reconcilers::mdm {

namespace {

std::string join(const std::vector<std::string>& ids) {
  std::string out;
  for (const auto& id : ids) out += (out.empty() ? "" : ",") + id;
  return out;
}

std::vector<std::string> split(const std::string& text, char separator) {
  std::vector<std::string> out;
  std::stringstream in(text);
  std::string part;
  while (std::getline(in, part, separator)) out.push_back(part);
  return out;
}

std::vector<std::string> split_ids(const std::string& text) {
  std::vector<std::string> out;
  for (auto& id : split(text, ',')) {
    if (!id.empty()) out.push_back(std::move(id));
  }
  return out;
}

const events::MdmMemberObserved* member_by(const events::MdmClusterObserved& cluster,
                                           const std::string& id, const std::string& ip) {
  for (const auto& m : cluster.members()) {
    if (!id.empty() && m.id() == id) return &m;
    if (!ip.empty() && std::find(m.ips().begin(), m.ips().end(), ip) != m.ips().end()) return &m;
  }
  return nullptr;
}

bool switched(const sio::ClusterModeChange& change, const events::MdmClusterObserved& cluster) {
  if (cluster.mode() != change.mode) return false;
  auto role_of = [&](const std::string& id) {
    const auto* m = member_by(cluster, id, "");
    return m ? m->role() : std::string("gone");
  };
  for (const auto* ids : {&change.add_slaves, &change.add_tie_breakers}) {
    for (const auto& id : *ids) {
      if (role_of(id) == "standby" || role_of(id) == "gone") return false;
    }
  }
  for (const auto* ids : {&change.remove_slaves, &change.remove_tie_breakers}) {
    for (const auto& id : *ids) {
      const std::string role = role_of(id);
      if (role != "standby" && role != "gone") return false;
    }
  }
  return true;
}

}  // namespace

std::string add_standby_key(const std::string& ip, const std::string& role) {
  return "add-standby|" + ip + "|" + role;
}

std::string remove_standby_key(const std::string& member_id) {
  return "remove-standby|" + member_id;
}

std::string rollback_key(const std::string& host, const std::string& member_id) {
  return "rollback|" + host + "|" + member_id;
}

std::string switch_key(const sio::ClusterModeChange& change) {
  return "switch-mode|" + change.mode + "|" + join(change.add_slaves) + "|" +
         join(change.add_tie_breakers) + "|" + join(change.remove_slaves) + "|" +
         join(change.remove_tie_breakers);
}

std::optional<sio::ClusterModeChange> parse_switch_key(const std::string& key) {
  const auto parts = split(key, '|');
  if (parts.size() < 2 || parts[0] != "switch-mode") return std::nullopt;
  auto part = [&](size_t i) { return i < parts.size() ? parts[i] : std::string(); };
  sio::ClusterModeChange change;
  change.mode = parts[1];
  change.add_slaves = split_ids(part(2));
  change.add_tie_breakers = split_ids(part(3));
  change.remove_slaves = split_ids(part(4));
  change.remove_tie_breakers = split_ids(part(5));
  return change;
}

std::optional<Resolution> resolve_intent(const events::ActionStarted& intent,
                                         const observed::ObservedState& observed,
                                         const MesosTasksProjection& tasks) {
  Resolution r;
  r.intent = intent;
  const std::string& action = intent.action();
  const std::string& key = intent.idempotency_key();

  // One-shot launches: the Mesos adapter records TaskLaunchRequested before it sends the ACCEPT,
  // so a task the projection does not know was never launched.
  if (action == kLaunchCreateCluster || action == kLaunchSetPassword) {
    r.done = tasks.tasks().count(key) > 0;
    if (r.done) r.result = key;
    return r;
  }
  if (action == kConfirmTask) {
    auto it = tasks.tasks().find(key);
    r.done = it != tasks.tasks().end() && it->second.state == "TASK_FINISHED";
    if (r.done) r.result = it->second.state;
    return r;
  }

  // Gateway changes: only a fresh view of the cluster can tell.
  if (observed.stale || !observed.mdm || !observed.mdm->value.exists()) return std::nullopt;
  const auto& cluster = observed.mdm->value;
  if (action == kAddStandby) {
    const auto parts = split(key, '|');
    const std::string ip = parts.size() > 1 ? parts[1] : "";
    const auto* m = member_by(cluster, "", ip);
    r.done = m != nullptr;
    if (m) r.result = m->id();
    return r;
  }
  if (action == kRemoveStandby || action == kRollbackJoin) {
    const std::string id = split(key, '|').back();
    r.done = id.empty() || member_by(cluster, id, "") == nullptr;
    // A rollback is recorded as the join's failure either way (ActionFailed, retried later).
    if (action == kRollbackJoin) r.done = false;
    return r;
  }
  if (action == kSwitchMode) {
    auto change = parse_switch_key(key);
    r.done = change && switched(*change, cluster);
    if (r.done) r.result = cluster.mode();
    return r;
  }
  // Unknown to this build (a newer version's action): the next pass decides from observation.
  r.done = false;
  return r;
}

}  // namespace scaleio::reconcilers::mdm
