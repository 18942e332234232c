// The desired ScaleIO layout, computed from the agents' attributes (see docs/attributes.md and
// shared/design/plan-attributes.md). A Plan is a value: the same agents and settings always give
// the same Plan and the same content hash.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace scaleio::plan {

enum class Persona { kPrimary, kSecondary, kTiebreaker, kData };
std::string_view persona_name(Persona p);

enum class ProblemSeverity {
  kClusterError,  // the MDM quorum reconciler does not act; the others go on
  kNodeError,     // the offending part of one node is left out of the plan
  kWarning,       // reported, nothing left out
};
std::string_view severity_name(ProblemSeverity s);

// One finding of validation: which node, which attribute, why, and what to do.
struct PlanProblem {
  ProblemSeverity severity = ProblemSeverity::kWarning;
  std::string host;       // empty for cluster-wide problems
  std::string attribute;  // the attribute at fault, when one is
  std::string message;
  bool operator==(const PlanProblem&) const = default;
};

struct PlannedPool {
  std::string domain;
  std::string pool;
  std::vector<std::string> devices;  // absolute paths, in declaration order
  bool operator==(const PlannedPool&) const = default;
};

struct PoolRef {
  std::string domain;
  std::string pool;
  auto operator<=>(const PoolRef&) const = default;
};

enum class VolumeType { kThin, kThick };

struct PlannedVolume {
  std::string name;
  uint64_t requested_gb = 0;
  uint64_t size_gb = 0;  // rounded up to a multiple of 8 GB, as ScaleIO does
  PoolRef pool;
  VolumeType type = VolumeType::kThin;
  std::set<std::string> hosts;  // SDC hosts it is mapped to (several = multi-mapped)
  bool operator==(const PlannedVolume&) const = default;
};

struct PlannedNode {
  std::string hostname;
  std::string agent_id;
  std::string ip;  // scaleio-ip when given, else the agent's address
  Persona persona = Persona::kData;
  std::string fault_set;           // empty = none
  std::vector<PlannedPool> pools;  // SDS pools with their devices, ordered by (domain, pool)
  std::set<PoolRef> sdc_pools;     // pools this node consumes from
  std::set<std::string> sdc_domains;
  std::set<std::string> volumes;  // volume names mapped to this node's SDC

  bool runs_mdm() const { return persona == Persona::kPrimary || persona == Persona::kSecondary; }
  bool runs_tiebreaker() const { return persona == Persona::kTiebreaker; }
  bool runs_sds() const { return !pools.empty(); }
  bool runs_sdc() const { return !sdc_domains.empty() || !volumes.empty(); }
  std::set<std::string> sds_domains() const;
  // "mdm", "tb", "sds", "sdc" — what the node task installs.
  std::vector<std::string> roles() const;
  bool operator==(const PlannedNode&) const = default;
};

struct MdmClusterPlan {
  bool valid = false;  // false: the MDM quorum reconciler must not act
  int size = 0;        // 1, 3 or 5 when valid
  std::string primary;
  std::vector<std::string> secondaries;  // hostnames, sorted
  std::vector<std::string> tiebreakers;
  bool adopt = false;  // an existing cluster given by --mdm-ips
  std::vector<std::string> adopt_mdm_ips;
  bool operator==(const MdmClusterPlan&) const = default;
};

struct Plan {
  std::map<std::string, PlannedNode> nodes;  // by hostname
  MdmClusterPlan mdm;
  std::map<std::string, PlannedVolume> volumes;  // by name
  std::vector<PlanProblem> problems;

  std::set<std::string> domains() const;
  std::set<PoolRef> pools() const;
  // domain -> fault sets used in it
  std::map<std::string, std::set<std::string>> fault_sets() const;
  bool has_cluster_errors() const;

  nlohmann::json to_json() const;
  // A stable digest of everything but agent ids (an agent restarted with the same attributes does
  // not change the plan). Hex, 16 characters.
  std::string content_hash() const;
};

}  // namespace scaleio::plan
