#include "adapters/scaleio/http_gateway_client.h"

#include <algorithm>

#include "adapters/scaleio/inventory_sax.h"
#include "adapters/scaleio/json_fields.h"
#include "adapters/scaleio/object_parsers.h"

namespace scaleio::gateway {

namespace http = boost::beast::http;
using nlohmann::json;

namespace {

Result<std::string> id_from(const Result<json>& reply, const std::string& endpoint) {
  if (!reply.ok()) return reply.status();
  std::string id = fields::id(*reply, "id");
  if (id.empty()) return invalid_argument(endpoint + ": the answer carries no id");
  return id;
}

// Keeps the original clash when the lookup finds nothing to adopt.
Result<std::string> adopted_or(const Result<std::string>& found, const Status& clash) {
  if (found.ok()) return found;
  if (found.status().code() == StatusCode::kNotFound) return clash;
  return found.status();
}

template <typename T, typename Pred>
Result<std::string> find_id(const Result<std::vector<T>>& objects, const std::string& what,
                            Pred pred) {
  if (!objects.ok()) return objects.status();
  for (const auto& o : *objects) {
    if (pred(o)) return o.id;
  }
  return not_found(what + " not found");
}

}  // namespace

Result<std::unique_ptr<HttpGatewayClient>> HttpGatewayClient::create(GatewayClientOptions options) {
  auto session = RestSession::create(std::move(options));
  if (!session.ok()) return session.status();
  return std::unique_ptr<HttpGatewayClient>(new HttpGatewayClient(std::move(session).value()));
}

Result<std::unique_ptr<HttpGatewayClient>> HttpGatewayClient::create_with_transport(
    GatewayClientOptions options, std::unique_ptr<HttpTransport> transport) {
  auto session = RestSession::create_with_transport(std::move(options), std::move(transport));
  if (!session.ok()) return session.status();
  return std::unique_ptr<HttpGatewayClient>(new HttpGatewayClient(std::move(session).value()));
}

HttpGatewayClient::HttpGatewayClient(std::unique_ptr<RestSession> session)
    : session_(std::move(session)) {}

// --- reads -------------------------------------------------------------------------------------

Result<std::string> HttpGatewayClient::version() {
  auto reply = session_->call(http::verb::get, "/version", std::nullopt, Repeatable::kYes);
  if (!reply.ok()) return reply.status();
  if (!reply->is_string() || reply->get<std::string>().empty()) {
    return invalid_argument("GET " + session_->url().api_prefix +
                            "/version: expected a quoted version string");
  }
  return reply->get<std::string>();
}

template <typename T>
Result<std::vector<T>> HttpGatewayClient::list(const std::string& type, T (*parse)(const json&)) {
  const std::string path = "/types/" + type + "/instances";
  auto reply = session_->call(http::verb::get, path, std::nullopt, Repeatable::kYes);
  if (!reply.ok()) return reply.status();
  return parse_list(*reply, parse, "GET " + session_->url().api_prefix + path);
}

Result<sio::Inventory> HttpGatewayClient::query_instances() {
  if (!instances_unsupported_) {
    // The largest answer there is (every object of the system): parsed as it is read, never
    // as a JSON tree, and its body freed before the inventory is handed on.
    std::optional<sio::Inventory> inventory;
    const Status read =
        session_->call_raw(http::verb::get, "/instances", std::nullopt, Repeatable::kYes,
                           [&inventory](std::string body, const std::string& endpoint) {
                             auto parsed = parse_inventory_stream(body, endpoint);
                             if (!parsed.ok()) return parsed.status();
                             inventory = std::move(parsed).value();
                             return Status();
                           });
    // A gateway without the one-call read (HTTP 404) is read type by type from then on.
    const bool unsupported = read.code() == StatusCode::kNotFound &&
                             read.message().find("HTTP 404") != std::string::npos;
    if (!unsupported) {
      if (!read.ok()) return read;
      return std::move(*inventory);
    }
    instances_unsupported_ = true;
  }
  sio::Inventory inv;
  auto system = this->system();
  if (!system.ok()) return system.status();
  inv.system = *system;
  auto read = [](auto result, auto& into) -> Status {
    if (!result.ok()) return result.status();
    into = std::move(result).value();
    return Status();
  };
  if (Status s = read(list_protection_domains(), inv.protection_domains); !s.ok()) return s;
  if (Status s = read(list_fault_sets(), inv.fault_sets); !s.ok()) return s;
  if (Status s = read(list_storage_pools(), inv.storage_pools); !s.ok()) return s;
  if (Status s = read(list("Sds", &parse_sds), inv.sdss); !s.ok()) return s;
  if (Status s = read(list_devices(), inv.devices); !s.ok()) return s;
  if (Status s = read(list_sdcs(), inv.sdcs); !s.ok()) return s;
  if (Status s = read(list_volumes(), inv.volumes); !s.ok()) return s;
  attach_devices(inv.sdss, inv.devices);
  return inv;
}

Result<std::optional<sio::System>> HttpGatewayClient::system() {
  auto systems = list("System", &parse_system);
  if (!systems.ok()) return systems.status();
  if (systems->empty()) return std::optional<sio::System>();
  return std::optional<sio::System>(systems->front());
}

Result<std::vector<sio::ProtectionDomain>> HttpGatewayClient::list_protection_domains() {
  return list("ProtectionDomain", &parse_protection_domain);
}
Result<std::vector<sio::FaultSet>> HttpGatewayClient::list_fault_sets() {
  return list("FaultSet", &parse_fault_set);
}
Result<std::vector<sio::StoragePool>> HttpGatewayClient::list_storage_pools() {
  return list("StoragePool", &parse_storage_pool);
}
Result<std::vector<sio::Device>> HttpGatewayClient::list_devices() {
  return list("Device", &parse_device);
}
Result<std::vector<sio::Sdc>> HttpGatewayClient::list_sdcs() {
  return list("Sdc", &parse_sdc);
}
Result<std::vector<sio::Volume>> HttpGatewayClient::list_volumes() {
  return list("Volume", &parse_volume);
}

Result<std::vector<sio::Sds>> HttpGatewayClient::list_sds() {
  auto sdss = list("Sds", &parse_sds);
  if (!sdss.ok()) return sdss.status();
  auto devices = list_devices();
  if (!devices.ok()) return devices.status();
  attach_devices(*sdss, *devices);
  return sdss;
}

Result<std::map<std::string, sio::PoolStatistics>> HttpGatewayClient::pool_statistics(
    const std::vector<std::string>& pool_ids) {
  json body = {
      {"properties",
       {"maxCapacityInKb", "capacityInUseInKb", "unusedCapacityInKb", "spareCapacityInKb",
        "failedCapacityInKb", "thinCapacityAllocatedInKb", "numOfDevices", "numOfVolumes"}}};
  if (pool_ids.empty()) {
    body["allIds"] = "";
  } else {
    body["ids"] = pool_ids;
  }
  const std::string path = "/types/StoragePool/instances/action/querySelectedStatistics";
  auto reply = session_->call(http::verb::post, path, body, Repeatable::kYes);
  if (!reply.ok()) return reply.status();
  return parse_pool_statistics_map(*reply, "POST " + session_->url().api_prefix + path);
}

// --- creates -------------------------------------------------------------------------------------

Result<std::string> HttpGatewayClient::create(const std::string& type, const json& body,
                                              bool idempotent,
                                              const std::function<Result<std::string>()>& adopt) {
  const std::string path = "/types/" + type + "/instances";
  auto reply =
      session_->call(http::verb::post, path, body, idempotent ? Repeatable::kYes : Repeatable::kNo);
  if (!reply.ok() && reply.status().code() == StatusCode::kAlreadyExists && idempotent) {
    return adopted_or(adopt(), reply.status());
  }
  return id_from(reply, "POST " + session_->url().api_prefix + path);
}

Result<std::string> HttpGatewayClient::create_protection_domain(const std::string& name) {
  return create("ProtectionDomain", {{"name", name}}, !name.empty(), [&]() -> Result<std::string> {
    const std::string path = "/types/ProtectionDomain/instances/action/queryIdByKey";
    auto reply = session_->call(http::verb::post, path, json{{"name", name}}, Repeatable::kYes);
    if (!reply.ok()) return reply.status();
    if (!reply->is_string() || fields::is_unset_id(reply->get<std::string>())) {
      return invalid_argument("POST " + session_->url().api_prefix + path +
                              ": expected a quoted id");
    }
    return reply->get<std::string>();
  });
}

Result<std::string> HttpGatewayClient::create_fault_set(const std::string& protection_domain_id,
                                                        const std::string& name) {
  return create("FaultSet", {{"protectionDomainId", protection_domain_id}, {"name", name}},
                !name.empty(), [&] {
                  return find_id(list_fault_sets(), "fault set " + name, [&](const auto& f) {
                    return f.name == name && f.protection_domain_id == protection_domain_id;
                  });
                });
}

Result<std::string> HttpGatewayClient::create_storage_pool(const sio::NewStoragePool& pool) {
  json body = {{"name", pool.name}, {"protectionDomainId", pool.protection_domain_id}};
  if (!pool.media_type.empty()) body["mediaType"] = pool.media_type;
  if (pool.spare_percentage) body["sparePercentage"] = std::to_string(*pool.spare_percentage);
  if (pool.zero_padding_enabled) body["zeroPaddingEnabled"] = *pool.zero_padding_enabled;
  return create("StoragePool", body, !pool.name.empty(), [&] {
    return find_id(list_storage_pools(), "storage pool " + pool.name, [&](const auto& p) {
      return p.name == pool.name && p.protection_domain_id == pool.protection_domain_id;
    });
  });
}

Result<std::string> HttpGatewayClient::create_sds(const sio::NewSds& sds) {
  json ips = json::array();
  for (const auto& ip : sds.ips) ips.push_back({{"SdsIp", {{"ip", ip.ip}, {"role", ip.role}}}});
  json body = {{"protectionDomainId", sds.protection_domain_id}, {"sdsIpList", ips}};
  if (!sds.name.empty()) body["name"] = sds.name;
  if (!sds.fault_set_id.empty()) body["faultSetId"] = sds.fault_set_id;
  if (sds.port) body["sdsPort"] = std::to_string(*sds.port);
  if (!sds.devices.empty()) {
    json devices = json::array();
    for (const auto& d : sds.devices) {
      json device = {{"devicePath", d.path}, {"storagePoolId", d.storage_pool_id}};
      if (!d.name.empty()) device["deviceName"] = d.name;
      devices.push_back(device);
    }
    body["deviceInfoList"] = devices;
  }
  // An SDS is the same one when it has our name, or (nameless) one of our IPs, in our domain.
  return create("Sds", body, !sds.name.empty() || !sds.ips.empty(), [&] {
    return find_id(list("Sds", &parse_sds), "SDS " + sds.name, [&](const sio::Sds& s) {
      if (s.protection_domain_id != sds.protection_domain_id) return false;
      if (!sds.name.empty()) return s.name == sds.name;
      return std::any_of(s.ips.begin(), s.ips.end(), [&](const sio::SdsIp& a) {
        return std::any_of(sds.ips.begin(), sds.ips.end(),
                           [&](const sio::SdsIp& b) { return a.ip == b.ip; });
      });
    });
  });
}

Result<std::string> HttpGatewayClient::add_device(const sio::NewDevice& device) {
  json body = {{"deviceCurrentPathname", device.path},
               {"sdsId", device.sds_id},
               {"storagePoolId", device.storage_pool_id},
               {"testMode", "testAndActivate"}};
  if (!device.name.empty()) body["name"] = device.name;
  // A path is unique on its SDS, so every device create can adopt.
  return create("Device", body, true, [&]() -> Result<std::string> {
    const std::string path = "/instances/Sds::" + device.sds_id + "/relationships/Device";
    auto reply = session_->call(http::verb::get, path, std::nullopt, Repeatable::kYes);
    if (!reply.ok()) return reply.status();
    auto devices = parse_list(*reply, &parse_device, "GET " + session_->url().api_prefix + path);
    return find_id(devices, "device " + device.path, [&](const sio::Device& d) {
      return d.path == device.path && d.storage_pool_id == device.storage_pool_id;
    });
  });
}

Result<std::string> HttpGatewayClient::create_volume(const sio::NewVolume& volume) {
  json body = {{"storagePoolId", volume.storage_pool_id},
               {"volumeSizeInKb", std::to_string(volume.size_kb)},
               {"volumeType", volume.thin ? "ThinProvisioned" : "ThickProvisioned"}};
  if (!volume.name.empty()) body["name"] = volume.name;
  if (!volume.protection_domain_id.empty()) {
    body["protectionDomainId"] = volume.protection_domain_id;
  }
  return create("Volume", body, !volume.name.empty(), [&] {
    return find_id(list_volumes(), "volume " + volume.name,
                   [&](const sio::Volume& v) { return v.name == volume.name; });
  });
}

// --- changes and removals --------------------------------------------------------------------

Status HttpGatewayClient::action(const std::string& type, const std::string& id,
                                 const std::string& action, const json& body) {
  auto reply =
      session_->call(http::verb::post, "/instances/" + type + "::" + id + "/action/" + action, body,
                     Repeatable::kNo);
  return reply.ok() ? Status() : reply.status();
}

Status HttpGatewayClient::map_volume(const std::string& volume_id, const std::string& sdc_id,
                                     bool allow_multiple_mappings) {
  json body = {{"sdcId", sdc_id}};
  if (allow_multiple_mappings) body["allowMultipleMappings"] = "TRUE";
  Status s = action("Volume", volume_id, "addMappedSdc", body);
  // Mapped already (to this SDC): the goal holds.
  if (s.code() == StatusCode::kAlreadyExists) return Status();
  return s;
}

Status HttpGatewayClient::unmap_volume(const std::string& volume_id, const std::string& sdc_id) {
  Status s = action("Volume", volume_id, "removeMappedSdc", {{"sdcId", sdc_id}});
  if (s.code() == StatusCode::kNotFound) return Status();  // not mapped, or no such volume
  return s;
}

Status HttpGatewayClient::set_sdc_name(const std::string& sdc_id, const std::string& name) {
  return action("Sdc", sdc_id, "setSdcName", {{"sdcName", name}});
}

Status HttpGatewayClient::set_volume_size(const std::string& volume_id, int64_t size_gb) {
  return action("Volume", volume_id, "setVolumeSize", {{"sizeInGB", std::to_string(size_gb)}});
}

Status HttpGatewayClient::remove(const std::string& type, const std::string& id, const json& body) {
  Status s = action(type, id, "remove" + type, body);
  if (s.code() == StatusCode::kNotFound) return Status();  // gone already
  return s;
}

Status HttpGatewayClient::remove_protection_domain(const std::string& id) {
  return remove("ProtectionDomain", id);
}
Status HttpGatewayClient::remove_fault_set(const std::string& id) {
  return remove("FaultSet", id);
}
Status HttpGatewayClient::remove_storage_pool(const std::string& id) {
  return remove("StoragePool", id);
}
Status HttpGatewayClient::remove_sds(const std::string& id) {
  return remove("Sds", id);
}
Status HttpGatewayClient::remove_device(const std::string& id) {
  return remove("Device", id);
}
Status HttpGatewayClient::remove_volume(const std::string& id) {
  return remove("Volume", id, {{"removeMode", "ONLY_ME"}});
}
Status HttpGatewayClient::remove_sdc(const std::string& id) {
  return remove("Sdc", id);
}

// --- MDM cluster -----------------------------------------------------------------------------

Result<std::string> HttpGatewayClient::system_id() {
  auto s = system();
  if (!s.ok()) return s.status();
  if (!*s) return failed_precondition("the gateway reports no System: no MDM cluster yet");
  return (*s)->id;
}

Result<std::string> HttpGatewayClient::add_standby_mdm(const sio::NewStandbyMdm& mdm) {
  auto sys = system_id();
  if (!sys.ok()) return sys.status();
  json body = {{"ips", mdm.ips}, {"role", mdm.role}};
  if (!mdm.name.empty()) body["name"] = mdm.name;
  if (!mdm.management_ips.empty()) body["managementIps"] = mdm.management_ips;
  const std::string path = "/instances/System::" + *sys + "/action/addStandbyMdm";
  const bool idempotent = !mdm.name.empty() || !mdm.ips.empty();
  auto reply =
      session_->call(http::verb::post, path, body, idempotent ? Repeatable::kYes : Repeatable::kNo);
  if (!reply.ok() && reply.status().code() == StatusCode::kAlreadyExists && idempotent) {
    // Adopt the member with our name (or, nameless, one of our IPs), whatever its role now.
    auto current = system();
    if (!current.ok()) return current.status();
    if (*current && (*current)->mdm_cluster) {
      const sio::MdmCluster& c = *(*current)->mdm_cluster;
      std::vector<sio::MdmMember> all = {c.master};
      for (const auto* group : {&c.slaves, &c.tie_breakers, &c.standbys}) {
        all.insert(all.end(), group->begin(), group->end());
      }
      for (const auto& m : all) {
        const bool same =
            !mdm.name.empty()
                ? m.name == mdm.name
                : std::any_of(m.ips.begin(), m.ips.end(), [&](const auto& ip) {
                    return std::find(mdm.ips.begin(), mdm.ips.end(), ip) != mdm.ips.end();
                  });
        if (same && !m.id.empty()) return m.id;
      }
    }
    return reply.status();
  }
  return id_from(reply, "POST " + session_->url().api_prefix + path);
}

Status HttpGatewayClient::remove_standby_mdm(const std::string& id) {
  auto sys = system_id();
  if (!sys.ok()) return sys.status();
  Status s = action("System", *sys, "removeStandbyMdm", {{"id", id}});
  if (s.code() == StatusCode::kNotFound) return Status();
  return s;
}

Status HttpGatewayClient::switch_cluster_mode(const sio::ClusterModeChange& change) {
  auto sys = system_id();
  if (!sys.ok()) return sys.status();
  json body = {{"mode", change.mode}};
  if (!change.add_slaves.empty()) body["addSlaveMdmIdList"] = change.add_slaves;
  if (!change.add_tie_breakers.empty()) body["addTBIdList"] = change.add_tie_breakers;
  if (!change.remove_slaves.empty()) body["removeSlaveMdmIdList"] = change.remove_slaves;
  if (!change.remove_tie_breakers.empty()) body["removeTBIdList"] = change.remove_tie_breakers;
  return action("System", *sys, "switchClusterMode", body);
}

}  // namespace scaleio::gateway
