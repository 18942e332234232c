// POST /api/types/{T}/instances for each type, with the request shapes of the fact sheet.
#include "sim/gateway/rest_handlers.h"

namespace scaleio::sim::rest {

namespace {

using nlohmann::json;

Reply id_reply(const MdmResult<std::string>& created) {
  if (!created.ok()) return created.error();
  return json{{"id", created.value()}};
}

Reply create_protection_domain(ScaleioWorld& world, const RequestBody& body) {
  SIM_ASSIGN_OR_RETURN(const std::string name, body.string_or("name", ""));
  return id_reply(world.add_protection_domain(name));
}

Reply create_fault_set(ScaleioWorld& world, const RequestBody& body) {
  SIM_ASSIGN_OR_RETURN(const std::string pd, body.string("protectionDomainId"));
  SIM_ASSIGN_OR_RETURN(const std::string name, body.string_or("name", ""));
  return id_reply(world.add_fault_set(pd, name));
}

Reply create_storage_pool(ScaleioWorld& world, const RequestBody& body) {
  StoragePool spec;
  SIM_ASSIGN_OR_RETURN(spec.protection_domain_id, body.string("protectionDomainId"));
  SIM_ASSIGN_OR_RETURN(spec.name, body.string_or("name", ""));
  SIM_ASSIGN_OR_RETURN(spec.media_type, body.string_or("mediaType", "HDD"));
  SIM_ASSIGN_OR_RETURN(const int64_t spare, body.integer_or("sparePercentage", 10));
  spec.spare_percentage = static_cast<int>(spare);
  SIM_ASSIGN_OR_RETURN(spec.zero_padding_enabled, body.boolean_or("zeroPaddingEnabled", false));
  return id_reply(world.add_storage_pool(spec));
}

// POST sends [{"SdsIp":{"ip","role"}}] although GET answers a flat ipList; a flat entry on POST
// is a client bug the sim reports instead of forgiving.
MdmResult<std::vector<SdsIp>> parse_sds_ips(const RequestBody& body) {
  if (!body.has("sdsIpList")) return missing_key("sdsIpList");
  const json& list = body.raw().at("sdsIpList");
  if (!list.is_array() || list.empty()) return missing_key("sdsIpList");
  std::vector<SdsIp> ips;
  for (const auto& entry : list) {
    if (!entry.is_object() || !entry.contains("SdsIp") || !entry.at("SdsIp").is_object()) {
      return missing_key("SdsIp");
    }
    const json& wrapped = entry.at("SdsIp");
    if (!wrapped.contains("ip")) return missing_key("ip");
    SdsIp ip;
    SIM_ASSIGN_OR_RETURN(ip.ip, RequestBody::as_string(wrapped.at("ip"), "ip"));
    ip.role = "all";
    if (wrapped.contains("role")) {
      SIM_ASSIGN_OR_RETURN(ip.role, RequestBody::as_string(wrapped.at("role"), "role"));
    }
    ips.push_back(ip);
  }
  return ips;
}

Reply create_sds(ScaleioWorld& world, const RequestBody& body) {
  NewSds spec;
  SIM_ASSIGN_OR_RETURN(spec.protection_domain_id, body.string("protectionDomainId"));
  SIM_ASSIGN_OR_RETURN(spec.ips, parse_sds_ips(body));
  SIM_ASSIGN_OR_RETURN(spec.name, body.string_or("name", ""));
  SIM_ASSIGN_OR_RETURN(spec.fault_set_id, body.string_or("faultSetId", ""));
  SIM_ASSIGN_OR_RETURN(const int64_t port, body.integer_or("sdsPort", 7072));
  spec.port = static_cast<int>(port);
  if (body.has("deviceInfoList")) {
    for (const auto& d : body.raw().at("deviceInfoList")) {
      if (!d.is_object()) return missing_key("devicePath");
      if (!d.contains("devicePath")) return missing_key("devicePath");
      if (!d.contains("storagePoolId")) return missing_key("storagePoolId");
      NewDevice device;
      SIM_ASSIGN_OR_RETURN(device.path, RequestBody::as_string(d.at("devicePath"), "devicePath"));
      SIM_ASSIGN_OR_RETURN(device.storage_pool_id,
                           RequestBody::as_string(d.at("storagePoolId"), "storagePoolId"));
      if (d.contains("deviceName") && !d.at("deviceName").is_null()) {
        SIM_ASSIGN_OR_RETURN(device.name, RequestBody::as_string(d.at("deviceName"), "deviceName"));
      }
      spec.devices.push_back(device);
    }
  }
  return id_reply(world.add_sds(spec));
}

Reply create_device(ScaleioWorld& world, const RequestBody& body) {
  NewDevice spec;
  // Clients disagree on the capital N; GET answers deviceCurrentPathName.
  const char* path_key =
      body.has("deviceCurrentPathname") ? "deviceCurrentPathname" : "deviceCurrentPathName";
  SIM_ASSIGN_OR_RETURN(spec.path, body.string(path_key));
  SIM_ASSIGN_OR_RETURN(spec.sds_id, body.string("sdsId"));
  SIM_ASSIGN_OR_RETURN(spec.storage_pool_id, body.string("storagePoolId"));
  SIM_ASSIGN_OR_RETURN(spec.name, body.string_or("name", ""));
  SIM_ASSIGN_OR_RETURN(const std::string test_mode, body.string_or("testMode", "testAndActivate"));
  if (test_mode != "testAndActivate" && test_mode != "testOnly" && test_mode != "noTest") {
    return bad_request("Invalid testMode: " + test_mode);
  }
  return id_reply(world.add_device(spec));
}

Reply create_volume(ScaleioWorld& world, const RequestBody& body) {
  NewVolume spec;
  SIM_ASSIGN_OR_RETURN(spec.storage_pool_id, body.string("storagePoolId"));
  SIM_ASSIGN_OR_RETURN(spec.size_kb, body.integer("volumeSizeInKb"));
  SIM_ASSIGN_OR_RETURN(spec.name, body.string_or("name", ""));
  SIM_ASSIGN_OR_RETURN(spec.protection_domain_id, body.string_or("protectionDomainId", ""));
  // ScaleIO's default volume type is thick.
  SIM_ASSIGN_OR_RETURN(const std::string type, body.string_or("volumeType", "ThickProvisioned"));
  if (type != "ThinProvisioned" && type != "ThickProvisioned") {
    return bad_request("Invalid volumeType: " + type);
  }
  spec.thin = type == "ThinProvisioned";
  return id_reply(world.add_volume(spec));
}

}  // namespace

Reply create(ScaleioWorld& world, const std::string& type, const RequestBody& body) {
  if (type == "ProtectionDomain") return create_protection_domain(world, body);
  if (type == "FaultSet") return create_fault_set(world, body);
  if (type == "StoragePool") return create_storage_pool(world, body);
  if (type == "Sds") return create_sds(world, body);
  if (type == "Device") return create_device(world, body);
  if (type == "Volume") return create_volume(world, body);
  // System, MDMs and SDCs come into being outside REST (scli, SDC driver registration).
  return MdmError{405, 0, "Method not allowed: " + type + " instances cannot be created"};
}

}  // namespace scaleio::sim::rest
