// POST .../action/{action}: instance actions (removals, mappings, MDM membership) and type
// actions (queryIdByKey, querySelectedStatistics).
#include "sim/gateway/object_views.h"
#include "sim/gateway/rest_handlers.h"

namespace scaleio::sim::rest {

namespace {

using nlohmann::json;

Reply done(const MdmStatus& status) {
  if (!status.ok()) return status.error();
  return json(nullptr);
}

MdmError unknown_action(const std::string& type, const std::string& action) {
  return bad_request("Unknown action " + action + " for type " + type);
}

MdmResult<MdmRole> parse_mdm_role(const std::string& text) {
  if (text == "Manager" || text == "manager") return MdmRole::kManager;
  if (text == "TieBreaker" || text == "tb" || text == "Tiebreaker") return MdmRole::kTieBreaker;
  return bad_request("Invalid role: " + text);
}

Reply system_action(ScaleioWorld& world, const std::string& action, const RequestBody& body) {
  if (action == "queryMdmCluster") return views::mdm_cluster(world);
  if (action == "addStandbyMdm") {
    SIM_ASSIGN_OR_RETURN(const auto ips, body.strings_or_empty("ips"));
    if (ips.empty()) return missing_key("ips");
    SIM_ASSIGN_OR_RETURN(const std::string role_text, body.string("role"));
    SIM_ASSIGN_OR_RETURN(const MdmRole role, parse_mdm_role(role_text));
    SIM_ASSIGN_OR_RETURN(const std::string name, body.string_or("name", ""));
    SIM_ASSIGN_OR_RETURN(const auto management, body.strings_or_empty("managementIps"));
    auto added = world.add_standby_mdm(ips, role, name, management);
    if (!added.ok()) return added.error();
    return json{{"id", added.value()}};
  }
  if (action == "removeStandbyMdm") {
    SIM_ASSIGN_OR_RETURN(const std::string id, body.string("id"));
    return done(world.remove_standby_mdm(id));
  }
  if (action == "switchClusterMode") {
    SIM_ASSIGN_OR_RETURN(const std::string mode_text, body.string("mode"));
    const auto mode = ScaleioWorld::parse_mode(mode_text);
    if (!mode) return bad_request("Invalid mode: " + mode_text);
    ScaleioWorld::ModeChange change;
    change.mode = *mode;
    SIM_ASSIGN_OR_RETURN(change.add_slaves, body.strings_or_empty("addSlaveMdmIdList"));
    SIM_ASSIGN_OR_RETURN(change.add_tie_breakers, body.strings_or_empty("addTBIdList"));
    SIM_ASSIGN_OR_RETURN(change.remove_slaves, body.strings_or_empty("removeSlaveMdmIdList"));
    SIM_ASSIGN_OR_RETURN(change.remove_tie_breakers, body.strings_or_empty("removeTBIdList"));
    return done(world.switch_cluster_mode(change));
  }
  if (action == "changeMdmOwnership") {
    SIM_ASSIGN_OR_RETURN(const std::string id, body.string("id"));
    return done(world.change_mdm_ownership(id));
  }
  if (action == "setSystemName") {
    SIM_ASSIGN_OR_RETURN(const std::string name, body.string("newName"));
    return done(world.set_system_name(name));
  }
  return unknown_action("System", action);
}

Reply volume_action(ScaleioWorld& world, const std::string& id, const std::string& action,
                    const RequestBody& body) {
  if (action == "addMappedSdc") {
    SIM_ASSIGN_OR_RETURN(const std::string sdc, body.string("sdcId"));
    SIM_ASSIGN_OR_RETURN(const bool multi, body.boolean_or("allowMultipleMappings", false));
    return done(world.map_volume(id, sdc, multi));
  }
  if (action == "removeMappedSdc") {
    SIM_ASSIGN_OR_RETURN(const std::string sdc, body.string("sdcId"));
    return done(world.unmap_volume(id, sdc));
  }
  if (action == "removeVolume") {
    SIM_ASSIGN_OR_RETURN(const std::string mode, body.string_or("removeMode", "ONLY_ME"));
    if (mode != "ONLY_ME" && mode != "INCLUDING_DESCENDANTS" && mode != "DESCENDANTS_ONLY" &&
        mode != "WHOLE_VTREE") {
      return bad_request("Invalid removeMode: " + mode);
    }
    return done(world.remove_volume(id));
  }
  if (action == "setVolumeSize") {
    SIM_ASSIGN_OR_RETURN(const int64_t size_gb, body.integer("sizeInGB"));
    return done(world.resize_volume(id, size_gb));
  }
  return unknown_action("Volume", action);
}

Reply query_id_by_key(const ScaleioWorld& world, const std::string& type, const RequestBody& body) {
  if (type == "Sdc" && body.has("ip")) {
    SIM_ASSIGN_OR_RETURN(const std::string ip, body.string("ip"));
    for (const auto& [id, sdc] : world.sdcs()) {
      if (sdc.ip == ip) return json(id);
    }
    return not_found_for(type);
  }
  SIM_ASSIGN_OR_RETURN(const std::string name, body.string("name"));
  // Pool and fault-set names are unique only inside their protection domain.
  SIM_ASSIGN_OR_RETURN(const std::string pd, body.string_or("protectionDomainId", ""));
  for (const auto& object : views::list(world, type)) {
    if (!object.at("name").is_string() || object.at("name") != name) continue;
    if (!pd.empty() && object.value("protectionDomainId", json()) != pd) continue;
    return object.at("id");
  }
  return not_found_for(type);
}

Reply query_selected_statistics(const ScaleioWorld& world, const std::string& type,
                                const RequestBody& body) {
  SIM_ASSIGN_OR_RETURN(const auto properties, body.strings_or_empty("properties"));
  if (properties.empty()) return missing_key("properties");
  std::vector<std::string> ids;
  if (body.raw().contains("allIds")) {
    for (const auto& object : views::list(world, type)) ids.push_back(object.at("id"));
  } else {
    SIM_ASSIGN_OR_RETURN(ids, body.strings_or_empty("ids"));
    if (ids.empty()) return missing_key("ids");
  }
  json out = json::object();
  for (const auto& id : ids) {
    if (!views::get(world, type, id)) return not_found_for(type);
    const json all = views::statistics(world, type, id);
    json selected = json::object();
    for (const auto& property : properties) {
      if (!all.contains(property)) {
        return bad_request("Request message is not valid. Unknown statistics property: " +
                           property);
      }
      selected[property] = all.at(property);
    }
    out[id] = selected;
  }
  return out;
}

}  // namespace

MdmError not_found_for(const std::string& type) {
  if (type == "Volume") return mdm_error(mdm_code::kVolumeNotFound, "Could not find the volume");
  if (type == "ProtectionDomain") {
    return mdm_error(mdm_code::kProtectionDomainNotFound, "Could not find Protection Domain");
  }
  if (type == "Sdc") return mdm_error(mdm_code::kSdcNotFound, "Could not find the SDC");
  return mdm_error(mdm_code::kNotFound, "Not found");
}

Reply instance_action(ScaleioWorld& world, const std::string& type, const std::string& id,
                      const std::string& action, const RequestBody& body) {
  if (type == "System") {
    // Some clients address the one System without its id.
    if (!id.empty() && id != world.system_id()) return not_found_for(type);
    return system_action(world, action, body);
  }
  if (!views::get(world, type, id)) return not_found_for(type);
  if (type == "Volume") return volume_action(world, id, action, body);
  if (type == "Sdc" && action == "setSdcName") {
    SIM_ASSIGN_OR_RETURN(const std::string name, body.string("sdcName"));
    return done(world.set_sdc_name(id, name));
  }
  if (action != "remove" + type) return unknown_action(type, action);
  if (type == "ProtectionDomain") return done(world.remove_protection_domain(id));
  if (type == "FaultSet") return done(world.remove_fault_set(id));
  if (type == "StoragePool") return done(world.remove_storage_pool(id));
  if (type == "Sds") return done(world.remove_sds(id));
  if (type == "Device") return done(world.remove_device(id));
  if (type == "Sdc") return done(world.remove_sdc(id));
  return unknown_action(type, action);
}

Reply type_action(ScaleioWorld& world, const std::string& type, const std::string& action,
                  const RequestBody& body) {
  if (action == "queryIdByKey") return query_id_by_key(world, type, body);
  if (action == "querySelectedStatistics") return query_selected_statistics(world, type, body);
  return unknown_action(type, action);
}

}  // namespace scaleio::sim::rest
