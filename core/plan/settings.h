// Cluster-wide settings that are not attributes: they come from the daemon's flags.
#pragma once

#include <string>
#include <vector>

namespace scaleio::plan {

struct ClusterSettings {
  std::string cluster_name = "scaleio";
  // Adopt an existing MDM cluster at these addresses: personas then only cross-check.
  std::vector<std::string> adopt_mdm_ips;
  // The original's "single global pool" mode: `data` nodes that declare no SDS attributes
  // contribute these devices to this pool. Empty = off.
  std::string default_domain;
  std::string default_pool;
  std::vector<std::string> default_devices;
};

}  // namespace scaleio::plan
