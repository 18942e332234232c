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

bool has_ip(const events::SdsObserved& sds, const std::string& ip) {
  for (const auto& a : sds.ips()) {
    if (a.ip() == ip) return true;
  }
  return false;
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

const events::SdsObserved* find_sds(const plan::Plan& plan, const observed::ObservedState& obs,
                                    const std::string& host, const std::string& domain) {
  const auto* pd = obs.domain_named(domain);
  if (pd == nullptr) return nullptr;
  auto node = plan.nodes.find(host);
  std::string name = host;
  if (node != plan.nodes.end()) {
    for (const auto& [_, s] : obs.sdss) {
      if (s.value.protection_domain_id() == pd->id() && has_ip(s.value, node->second.ip)) {
        return &s.value;
      }
    }
    name = sds_identity(node->second, domain).name;
  }
  for (const auto& [_, s] : obs.sdss) {
    if (s.value.protection_domain_id() != pd->id()) continue;
    if (s.value.name() == name || s.value.name() == host + "-" + domain) return &s.value;
  }
  return nullptr;
}

const events::SdsObserved* find_sds_named(const observed::ObservedState& obs,
                                          const std::string& name_or_id) {
  for (const auto& [id, s] : obs.sdss) {
    if (s.value.name() == name_or_id || id == name_or_id) return &s.value;
  }
  return nullptr;
}

FoundDevice find_device(const plan::Plan& plan, const observed::ObservedState& obs,
                        const std::string& host, const std::string& path) {
  auto node = plan.nodes.find(host);
  for (const auto& [_, s] : obs.sdss) {
    const bool on_host = node != plan.nodes.end()
                             ? has_ip(s.value, node->second.ip)
                             : s.value.name() == host || s.value.name().rfind(host + "-", 0) == 0;
    if (!on_host) continue;
    for (const auto& d : s.value.devices()) {
      if (d.path() == path) return {&s.value, &d};
    }
  }
  return {};
}

std::string observed_id(const plan::Plan& plan, const observed::ObservedState& obs,
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
