// Finding the observed objects a storage drift resource names, and the names the reconciler
// gives the SDSs it creates. Pure functions of the plan and the observed state, looked up through
// the pass's index of it (a pass looks up every planned object: scans would make it quadratic).
#pragma once

#include <string>

#include "core/events.pb.h"
#include "core/observed/observed_index.h"
#include "core/plan/plan.h"

namespace scaleio::reconcilers::storage {

// How an SDS of `host` in `domain` is called and where it listens. A host's first SDS domain
// (in name order) gets the host's name and the standard port 7072; an SDS of the same host in
// another domain is called "<host>-<domain>" and listens on 7072 + its index, since ScaleIO
// identifies an SDS by IP and port and the host has one data IP.
struct SdsIdentity {
  std::string name;
  int port = 7072;
};
SdsIdentity sds_identity(const plan::PlannedNode& node, const std::string& domain);

// "device/<host><path>" -> {host, path}; empty host when the resource is not a device.
struct DeviceRef {
  std::string host;
  std::string path;
};
DeviceRef parse_device_resource(const std::string& resource);

// The SDS of `host` in `domain`: by the planned IP, else (a host that left the plan) by the name
// the reconciler gave it.
const events::SdsObserved* find_sds(const plan::Plan& plan, const observed::ObservedIndex& obs,
                                    const std::string& host, const std::string& domain);
const events::SdsObserved* find_sds_named(const observed::ObservedIndex& obs,
                                          const std::string& name_or_id);
// The device at `path` on any SDS of `host` (with the SDS it is on).
struct FoundDevice {
  const events::SdsObserved* sds = nullptr;
  const events::DeviceObserved* device = nullptr;
};
FoundDevice find_device(const plan::Plan& plan, const observed::ObservedIndex& obs,
                        const std::string& host, const std::string& path);

// The id of the object a storage drift resource names, "" when it is not observed. For
// "sds/<name>" (an SDS the plan does not know) the name is the gateway's name or id.
std::string observed_id(const plan::Plan& plan, const observed::ObservedIndex& obs,
                        const std::string& resource);

// An SDS ScaleIO is removing (its data is being moved away): any state but Normal.
bool sds_being_removed(const events::SdsObserved& sds);

}  // namespace scaleio::reconcilers::storage
