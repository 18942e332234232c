// The cluster settings the daemon computes its plan with (--cluster-name, --mdm-ips,
// --default-domain/-pool/-devices), read from the daemon's own JSON config file so that the plan
// scaleioctl computes offline is the daemon's. Other keys of that file are ignored here.
#pragma once

#include <string>

#include "core/plan/settings.h"
#include "core/status.h"

namespace scaleio::ctl {

// "" = defaults. InvalidArgument naming the file and key for an unreadable file or a bad value.
Result<plan::ClusterSettings> load_cluster_settings(const std::string& config_path);

}  // namespace scaleio::ctl
