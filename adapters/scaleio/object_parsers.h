// Gateway JSON → the plain values of core/ports/scaleio_types.h. Defensive: odd field types,
// null ids and both spellings of deviceCurrentPathName are accepted; an answer of the wrong
// shape is a kInvalidArgument naming the endpoint, never an exception.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/ports/scaleio_types.h"
#include "core/status.h"

namespace scaleio::gateway {

using nlohmann::json;

sio::MdmMember parse_mdm_member(const json& j);
sio::MdmCluster parse_mdm_cluster(const json& j);
sio::System parse_system(const json& j);
sio::ProtectionDomain parse_protection_domain(const json& j);
sio::FaultSet parse_fault_set(const json& j);
sio::StoragePool parse_storage_pool(const json& j);
sio::Sds parse_sds(const json& j);
sio::Device parse_device(const json& j);
sio::Sdc parse_sdc(const json& j);
sio::Volume parse_volume(const json& j);
sio::PoolStatistics parse_pool_statistics(const json& j);

// An array of objects, each with an id; `endpoint` names the call in errors.
template <typename T>
Result<std::vector<T>> parse_list(const json& j, T (*parse)(const json&),
                                  const std::string& endpoint) {
  if (!j.is_array()) {
    return invalid_argument(endpoint + ": expected a JSON array, got " +
                            std::string(j.type_name()));
  }
  std::vector<T> out;
  out.reserve(j.size());
  for (const auto& item : j) {
    if (!item.is_object()) {
      return invalid_argument(endpoint + ": expected objects in the array, got " +
                              std::string(item.type_name()));
    }
    T value = parse(item);
    if (value.id.empty()) return invalid_argument(endpoint + ": an object without an id");
    out.push_back(std::move(value));
  }
  return out;
}

// Attaches each device to its SDS (sds.devices), sorted by path.
void attach_devices(std::vector<sio::Sds>& sdss, const std::vector<sio::Device>& devices);

// GET /api/instances from a JSON tree. The client streams that answer instead
// (inventory_sax.h, which lists the fields each parser above reads: keep it in step); this stays
// as the oracle its tests compare with and for the fuzzer.
Result<sio::Inventory> parse_inventory(const json& j, const std::string& endpoint);

// querySelectedStatistics: {"<id>": {...}}.
Result<std::map<std::string, sio::PoolStatistics>> parse_pool_statistics_map(
    const json& j, const std::string& endpoint);

}  // namespace scaleio::gateway
