#include "reconcilers/storage_pools/storage_lookup.h"

#include <iterator>
#include <vector>

namespace scaleio::reconcilers::storage {

namespace {

std::vector<std::string> split(const std::string& text, char sep) {
  std::vector<std::string> parts;
  size_t start = 0;
  for (;;) {
    const size_t end = text.find(sep, start);
    parts.push_back(text.substr(start, end == std::string::npos ? std::string::npos : end - start));
    if (end == std::string::npos) return parts;
    start = end + 1;
  }
}

// The first (in id order) of `sdss`, listed in id order, that is in domain `domain_id`.
const observed::ObservedIndex::SeenSds* first_in_domain(
    const std::vector<const observed::ObservedIndex::SeenSds*>& sdss,
    const std::string& domain_id) {
  for (const auto* s : sdss) {
    if (s->value.protection_domain_id() == domain_id) return s;
  }
  return nullptr;
}

// Of two SDSs found by different keys, the one a scan in id order would meet first.
const observed::ObservedIndex::SeenSds* first_by_id(const observed::ObservedIndex::SeenSds* a,
                                                    const observed::ObservedIndex::SeenSds* b) {
  if (a == nullptr) return b;
  if (b == nullptr) return a;
  return b->value.id() < a->value.id() ? b : a;
}

}  // namespace

SdsIdentity sds_identity(const plan::PlannedNode& node, const std::string& domain) {
  const auto domains = node.sds_domains();
  auto it = domains.find(domain);
  const int index = it == domains.end() ? 0 : static_cast<int>(std::distance(domains.begin(), it));
  if (index == 0) return {node.hostname, 7072};
  return {node.hostname + "-" + domain, 7072 + index};
}

DeviceRef parse_device_resource(const std::string& resource) {
  static const std::string kPrefix = "device/";
  if (resource.rfind(kPrefix, 0) != 0) return {};
  const size_t slash = resource.find('/', kPrefix.size());
  if (slash == std::string::npos) return {};
  return {resource.substr(kPrefix.size(), slash - kPrefix.size()), resource.substr(slash)};
}

const events::SdsObserved* find_sds(const plan::Plan& plan, const observed::ObservedIndex& obs,
                                    const std::string& host, const std::string& domain) {
  const auto* pd = obs.domain_named(domain);
  if (pd == nullptr) return nullptr;
  auto node = plan.nodes.find(host);
  std::string name = host;
  if (node != plan.nodes.end()) {
    if (const auto* s = first_in_domain(obs.sdss_with_ip(node->second.ip), pd->id())) {
      return &s->value;
    }
    name = sds_identity(node->second, domain).name;
  }
  const auto* found = first_by_id(first_in_domain(obs.sdss_named(name), pd->id()),
                                  first_in_domain(obs.sdss_named(host + "-" + domain), pd->id()));
  return found ? &found->value : nullptr;
}

const events::SdsObserved* find_sds_named(const observed::ObservedIndex& obs,
                                          const std::string& name_or_id) {
  const auto& sdss = obs.state().sdss;
  auto by_id = sdss.find(name_or_id);
  const auto& named = obs.sdss_named(name_or_id);
  const auto* found = first_by_id(by_id == sdss.end() ? nullptr : &by_id->second,
                                  named.empty() ? nullptr : named.front());
  return found ? &found->value : nullptr;
}

FoundDevice find_device(const plan::Plan& plan, const observed::ObservedIndex& obs,
                        const std::string& host, const std::string& path) {
  auto on_path = [&path](const events::SdsObserved& s) -> FoundDevice {
    for (const auto& d : s.devices()) {
      if (d.path() == path) return {&s, &d};
    }
    return {};
  };
  auto node = plan.nodes.find(host);
  if (node != plan.nodes.end()) {
    for (const auto* s : obs.sdss_with_ip(node->second.ip)) {
      if (FoundDevice found = on_path(s->value); found.device) return found;
    }
    return {};
  }
  // A host that left the plan: its SDSs by the names the reconciler gave them. A scan, but only
  // for devices of unplanned hosts (removals), never for the planned ones of a steady pass.
  for (const auto& [_, s] : obs.state().sdss) {
    if (s.value.name() != host && s.value.name().rfind(host + "-", 0) != 0) continue;
    if (FoundDevice found = on_path(s.value); found.device) return found;
  }
  return {};
}

std::string observed_id(const plan::Plan& plan, const observed::ObservedIndex& obs,
                        const std::string& resource) {
  const auto parts = split(resource, '/');
  const std::string& kind = parts.front();
  if (kind == "domain" && parts.size() == 2) {
    const auto* pd = obs.domain_named(parts[1]);
    return pd ? pd->id() : "";
  }
  if (kind == "fault-set" && parts.size() == 3) {
    const auto* fs = obs.fault_set_named(parts[1], parts[2]);
    return fs ? fs->id() : "";
  }
  if (kind == "pool" && parts.size() == 3) {
    const auto* pool = obs.pool_named(parts[1], parts[2]);
    return pool ? pool->id() : "";
  }
  if (kind == "sds" && parts.size() == 3) {
    const auto* sds = find_sds(plan, obs, parts[1], parts[2]);
    return sds ? sds->id() : "";
  }
  if (kind == "sds" && parts.size() == 2) {
    const auto* sds = find_sds_named(obs, parts[1]);
    return sds ? sds->id() : "";
  }
  if (kind == "device") {
    const DeviceRef ref = parse_device_resource(resource);
    const FoundDevice found = find_device(plan, obs, ref.host, ref.path);
    return found.device ? found.device->id() : "";
  }
  return "";
}

bool sds_being_removed(const events::SdsObserved& sds) {
  return !sds.state().empty() && sds.state() != "Normal";
}

}  // namespace scaleio::reconcilers::storage
