#pragma once
// Unreserved agent resources as the simulated master tracks them: scalars (cpus, mem, disk, ...)
// and port ranges, with the arithmetic offers and launches need and Mesos' JSON form.
#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <utility>
#include <vector>

#include "core/status.h"

namespace scaleio::sim {

using PortRanges = std::vector<std::pair<uint64_t, uint64_t>>;  // inclusive, sorted, disjoint

class Resources {
 public:
  std::map<std::string, double> scalars;
  PortRanges ports;

  bool empty() const;
  bool contains(const Resources& other) const;
  Resources& operator+=(const Resources& other);
  Resources& operator-=(const Resources& other);  // saturating; callers check contains() first

  // Resource objects for an offer or a task; `allocation_role` empty = no allocation_info.
  nlohmann::json to_json(const std::string& allocation_role = "") const;
  // Parses a Resource list (as in TaskInfo.resources). Only unreserved SCALAR and RANGES resources.
  static Result<Resources> from_json(const nlohmann::json& list);
  // Agent defaults and cluster files: {"cpus":8,"mem":32768,"disk":500000,"ports":"[31000-32000]"}.
  static Result<Resources> from_spec(const nlohmann::json& object);
};

}  // namespace scaleio::sim
