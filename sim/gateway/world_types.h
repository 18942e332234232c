// Plain records of the simulated ScaleIO objects. Behaviour lives in ScaleioWorld; these only hold
// state so that the JSON views, capacity maths and the world can share them.
#pragma once

#include <cstdint>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "core/clock.h"

namespace scaleio::sim {

inline constexpr int64_t kKbPerGb = 1024 * 1024;

// What a scaleio-node `install` left on a host. Devices the host offers can be declared with their
// capacity; an SDS device path not declared here gets WorldOptions::default_device_capacity_kb.
struct NodeInstall {
  std::string hostname;
  std::string ip;
  std::set<std::string> roles;       // "mdm", "tb", "sds", "sdc", "lia"
  std::vector<std::string> mdm_ips;  // where this node's SDC/SDS look for the MDM
  std::map<std::string, int64_t> device_capacity_kb = {};  // path -> capacity
};

struct Node {
  NodeInstall install;
  bool up = true;
  std::set<std::string> failed;  // components made to fail: "mdm", "tb", "sds", "sdc"
};

enum class MdmRole { kManager, kTieBreaker };

struct MdmMember {
  std::string id;
  std::string name;
  std::vector<std::string> ips;
  std::vector<std::string> management_ips;
  MdmRole role = MdmRole::kManager;
  int port = 9011;
};

enum class ClusterMode { kOneNode, kThreeNodes, kFiveNodes };

struct ProtectionDomain {
  std::string id;
  std::string name;
};

struct FaultSet {
  std::string id;
  std::string name;
  std::string protection_domain_id;
};

struct StoragePool {
  std::string id;
  std::string name;
  std::string protection_domain_id;
  std::string media_type = "HDD";
  int spare_percentage = 10;
  bool zero_padding_enabled = false;
};

struct SdsIp {
  std::string ip;
  std::string role;  // "all", "sdcOnly", "sdsOnly"
};

enum class SdsPhase { kJoining, kJoined, kRemoving };

struct Sds {
  std::string id;
  std::string name;
  std::string protection_domain_id;
  std::string fault_set_id;  // empty when none
  std::vector<SdsIp> ips;
  int port = 7072;
  std::string hostname;
  SdsPhase phase = SdsPhase::kJoining;
  Clock::TimePoint phase_ends{};  // join or rebalance completes then
};

struct Device {
  std::string id;
  std::string name;
  std::string path;
  std::string sds_id;
  std::string storage_pool_id;
  int64_t capacity_kb = 0;
  bool testing = true;  // initial device test running; capacity not yet usable
  Clock::TimePoint test_ends{};
};

struct Sdc {
  std::string id;
  std::string name;
  std::string guid;
  std::string ip;
  std::string hostname;
  bool approved = true;
};

struct Volume {
  std::string id;
  std::string name;
  std::string storage_pool_id;
  std::string vtree_id;
  int64_t size_kb = 0;
  bool thin = true;
  int64_t creation_time = 0;  // unix seconds
  std::vector<std::string> mapped_sdc_ids;
};

}  // namespace scaleio::sim
