// The gateway's JSON representation of each ScaleIO object (field names and value forms as 2.0
// gateways answer), plus the type-generic lookups the REST router needs.
#pragma once

#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "sim/gateway/scaleio_world.h"

namespace scaleio::sim::views {

nlohmann::json mdm_cluster(const ScaleioWorld& world);
nlohmann::json system(const ScaleioWorld& world);

// The REST types served: System, ProtectionDomain, FaultSet, StoragePool, Sds, Device, Sdc, Volume.
bool known_type(const std::string& type);
// GET /api/types/{T}/instances.
nlohmann::json list(const ScaleioWorld& world, const std::string& type);
// GET /api/instances/{T}::{id}; nullopt when there is no such object.
std::optional<nlohmann::json> get(const ScaleioWorld& world, const std::string& type,
                                  const std::string& id);
// GET /api/instances/{T}::{id}/relationships/{T2}; nullopt when T has no such relationship.
std::optional<nlohmann::json> related(const ScaleioWorld& world, const std::string& type,
                                      const std::string& id, const std::string& relation);
// GET /api/instances: the System and every list.
nlohmann::json everything(const ScaleioWorld& world);

// Every statistic the sim computes for one object (capacity, counts).
nlohmann::json statistics(const ScaleioWorld& world, const std::string& type,
                          const std::string& id);

}  // namespace scaleio::sim::views
