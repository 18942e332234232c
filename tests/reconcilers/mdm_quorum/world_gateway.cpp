#include "tests/reconcilers/mdm_quorum/world_gateway.h"

namespace scaleio::reconcilers::testing {

namespace {

// The gateway client's reading of an MDM error (adapters/scaleio/gateway_errors.cpp, in short).
Status from_mdm(const sim::MdmError& e) {
  const std::string& m = e.message;
  StatusCode code = StatusCode::kFailedPrecondition;
  if (m.find("already in use") != std::string::npos) code = StatusCode::kAlreadyExists;
  if (e.error_code == sim::mdm_code::kNotFound) code = StatusCode::kNotFound;
  if (m.find("Could not connect") != std::string::npos ||
      m.find("Could not communicate") != std::string::npos) {
    code = StatusCode::kUnavailable;
  }
  if (e.http_status == 400) code = StatusCode::kInvalidArgument;
  return Status(code, "HTTP " + std::to_string(e.http_status) + ": " + m);
}

sio::MdmMember member_of(const sim::ScaleioWorld& world, const std::string& id) {
  const auto& m = world.mdm_cluster()->members.at(id);
  sio::MdmMember out;
  out.id = m.id;
  out.name = m.name;
  out.ips = m.ips;
  out.management_ips = m.management_ips;
  out.role = m.role == sim::MdmRole::kManager ? "Manager" : "TieBreaker";
  out.status = world.mdm_healthy(m) ? "Normal" : "Disconnected";
  out.port = m.port;
  return out;
}

sim::ClusterMode mode_of(const std::string& name) {
  return sim::ScaleioWorld::parse_mode(name).value_or(sim::ClusterMode::kOneNode);
}

}  // namespace

Result<sio::Inventory> WorldGateway::query_instances() {
  auto s = system();
  if (!s.ok()) return s.status();
  sio::Inventory inventory;
  inventory.system = *s;
  return inventory;
}

Result<std::optional<sio::System>> WorldGateway::system() {
  if (auto up = world_.require_mdm(); !up.ok()) return from_mdm(up.error());
  const auto& c = *world_.mdm_cluster();
  sio::MdmCluster cluster;
  cluster.id = c.id;
  cluster.name = world_.system_name();
  cluster.mode = sim::ScaleioWorld::mode_name(c.mode);
  cluster.state = world_.cluster_state();
  cluster.master = member_of(world_, c.master_id);
  for (const auto& id : c.slave_ids) cluster.slaves.push_back(member_of(world_, id));
  for (const auto& id : c.tie_breaker_ids) cluster.tie_breakers.push_back(member_of(world_, id));
  for (const auto& id : c.standby_ids) cluster.standbys.push_back(member_of(world_, id));
  for (const auto* group : {&cluster.slaves, &cluster.tie_breakers}) {
    for (const auto& m : *group) cluster.good_nodes += m.status == "Normal" ? 1 : 0;
  }
  sio::System system;
  system.id = world_.system_id();
  system.name = world_.system_name();
  system.mdm_cluster = std::move(cluster);
  return std::optional<sio::System>(std::move(system));
}

Result<std::string> WorldGateway::add_standby_mdm(const sio::NewStandbyMdm& mdm) {
  calls_.push_back("add_standby_mdm");
  auto added = world_.add_standby_mdm(
      mdm.ips, mdm.role == "TieBreaker" ? sim::MdmRole::kTieBreaker : sim::MdmRole::kManager,
      mdm.name, mdm.management_ips);
  if (!added.ok()) return from_mdm(added.error());
  return added.value();
}

Status WorldGateway::remove_standby_mdm(const std::string& id) {
  calls_.push_back("remove_standby_mdm");
  auto removed = world_.remove_standby_mdm(id);
  if (!removed.ok()) {
    Status s = from_mdm(removed.error());
    return s.code() == StatusCode::kNotFound ? Status() : s;
  }
  return Status();
}

Status WorldGateway::switch_cluster_mode(const sio::ClusterModeChange& change) {
  calls_.push_back("switch_cluster_mode");
  sim::ScaleioWorld::ModeChange c;
  c.mode = mode_of(change.mode);
  c.add_slaves = change.add_slaves;
  c.add_tie_breakers = change.add_tie_breakers;
  c.remove_slaves = change.remove_slaves;
  c.remove_tie_breakers = change.remove_tie_breakers;
  auto switched = world_.switch_cluster_mode(c);
  if (!switched.ok()) return from_mdm(switched.error());
  return Status();
}

}  // namespace scaleio::reconcilers::testing
