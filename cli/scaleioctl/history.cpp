#include "cli/scaleioctl/history.h"

namespace scaleio::ctl {

namespace {

std::vector<std::string> split(const std::string& text, char sep) {
  std::vector<std::string> out;
  size_t start = 0;
  while (true) {
    const size_t end = text.find(sep, start);
    out.push_back(text.substr(start, end == std::string::npos ? std::string::npos : end - start));
    if (end == std::string::npos) return out;
    start = end + 1;
  }
}

bool is_or_below(const std::string& name, const std::string& prefix) {
  return name == prefix ||
         (name.size() > prefix.size() && name.starts_with(prefix) && name[prefix.size()] == '/');
}

// Minimum number of parts after the kind, and the maximum (devices have a path: any number).
struct KindShape {
  size_t min_parts;
  size_t max_parts;
};
const std::map<std::string, KindShape>& kinds() {
  static const std::map<std::string, KindShape> k = {
      {"node", {1, 2}},   {"mdm", {1, 1}},     {"domain", {1, 1}},  {"fault-set", {2, 2}},
      {"pool", {2, 2}},   {"sds", {1, 2}},     {"device", {2, 99}}, {"sdc", {1, 1}},
      {"volume", {1, 1}}, {"mapping", {2, 2}}, {"task", {1, 1}}};
  return k;
}

}  // namespace

Result<HistoryMatcher> HistoryMatcher::create(const std::string& resource) {
  if (resource.empty()) return invalid_argument("RESOURCE is empty");
  HistoryMatcher m(resource);
  if (resource == "mdm-cluster" || resource == "gateway" || resource == "plan") {
    m.kind_ = resource;
    return m;
  }
  if (resource.find('/') == std::string::npos) {
    m.kind_ = "host";
    m.host_ = resource;
    return m;
  }
  std::vector<std::string> parts = split(resource, '/');
  m.kind_ = parts.front();
  parts.erase(parts.begin());
  auto shape = kinds().find(m.kind_);
  if (shape == kinds().end()) {
    std::string known;
    for (const auto& [k, _] : kinds()) known += k + "/..., ";
    return invalid_argument("RESOURCE '" + resource + "': unknown kind '" + m.kind_ + "' (known: " +
                            known + "mdm-cluster, gateway, plan, or a bare hostname)");
  }
  for (const auto& p : parts) {
    if (p.empty() && m.kind_ != "device") {
      return invalid_argument("RESOURCE '" + resource + "' has an empty part");
    }
  }
  if (parts.size() < shape->second.min_parts || parts.size() > shape->second.max_parts) {
    return invalid_argument("RESOURCE '" + resource + "': " + m.kind_ + " resources look like " +
                            (m.kind_ == "pool"        ? "pool/DOMAIN/POOL"
                             : m.kind_ == "fault-set" ? "fault-set/DOMAIN/NAME"
                             : m.kind_ == "sds"       ? "sds/HOST/DOMAIN"
                             : m.kind_ == "device"    ? "device/HOST/PATH"
                             : m.kind_ == "mapping"   ? "mapping/VOLUME/HOST"
                                                      : m.kind_ + "/NAME"));
  }
  m.parts_ = parts;
  if (m.kind_ == "node" || m.kind_ == "mdm" || m.kind_ == "sds" || m.kind_ == "device" ||
      m.kind_ == "sdc") {
    m.host_ = parts[0];
  }
  return m;
}

bool HistoryMatcher::is_host_address(const std::string& ip) const {
  return !ip.empty() && host_ips_.count(ip) > 0;
}

bool HistoryMatcher::names_host(const std::string& name, const std::string& ip) const {
  return (!host_.empty() && name == host_) || is_host_address(ip);
}

bool HistoryMatcher::target_matches(const std::string& target) const {
  if (kind_ == "host") {
    for (const auto& part : split(target, '/')) {
      if (part == host_) return true;
    }
    return false;
  }
  if (is_or_below(target, resource_)) return true;
  return kind_ == "volume" && is_or_below(target, "mapping/" + parts_[0]);
}

bool HistoryMatcher::matches(const events::Envelope& event) {
  const bool yes = decide(event);
  fold(event);
  return yes;
}

void HistoryMatcher::fold(const events::Envelope& event) {
  if (!host_.empty()) {
    if (event.has_agent_observed() && event.agent_observed().hostname() == host_) {
      const auto& a = event.agent_observed();
      host_ips_.insert(a.ip());
      host_agent_ids_.insert(a.agent_id());
      for (const auto& attr : a.attributes()) {
        if (attr.name() == "scaleio-ip") host_ips_.insert(attr.text());
      }
    }
    if (event.has_task_launch_requested() && event.task_launch_requested().hostname() == host_) {
      host_task_ids_.insert(event.task_launch_requested().task_id());
    }
  }
  observed_.apply(event);
}

bool HistoryMatcher::decide(const events::Envelope& event) {
  if (is_or_below(event.stream_id(), resource_)) return true;
  if (kind_ == "host" && is_or_below(event.stream_id(), "node/" + host_)) return true;

  const bool about_host = kind_ == "host" || kind_ == "node";
  const auto remember = [&](const std::string& kind, const std::string& id) {
    matched_objects_.insert({kind, id});
    return true;
  };
  const auto sds_matches = [&](const events::SdsObserved& s) {
    bool at_host = s.name() == host_;
    for (const auto& ip : s.ips()) at_host = at_host || is_host_address(ip.ip());
    return at_host;
  };

  switch (event.payload_case()) {
    case events::Envelope::kActionStarted:
      return target_matches(event.action_started().target());
    case events::Envelope::kActionSucceeded:
      return target_matches(event.action_succeeded().target());
    case events::Envelope::kActionFailed:
      return target_matches(event.action_failed().target());
    case events::Envelope::kAgentObserved:
      return about_host && event.agent_observed().hostname() == host_;
    case events::Envelope::kAgentRemoved:
      return about_host && event.agent_removed().hostname() == host_;
    case events::Envelope::kTaskLaunchRequested:
      return about_host && event.task_launch_requested().hostname() == host_;
    case events::Envelope::kTaskStatusObserved: {
      const auto& s = event.task_status_observed();
      if (kind_ == "task") return s.task_id() == parts_[0];
      return about_host &&
             (host_task_ids_.count(s.task_id()) || host_agent_ids_.count(s.agent_id()));
    }
    case events::Envelope::kGatewayReachable:
    case events::Envelope::kGatewayUnreachable:
      return kind_ == "gateway";
    case events::Envelope::kPlanComputed:
      return kind_ == "plan";
    case events::Envelope::kMdmClusterObserved: {
      if (kind_ == "mdm-cluster") return true;
      if (kind_ != "host" && kind_ != "mdm") return false;
      for (const auto& member : event.mdm_cluster_observed().members()) {
        if (member.name() == host_) return true;
        for (const auto& ip : member.ips()) {
          if (is_host_address(ip)) return true;
        }
      }
      return false;
    }
    case events::Envelope::kProtectionDomainObserved: {
      const auto& pd = event.protection_domain_observed();
      return kind_ == "domain" && pd.name() == parts_[0] && remember("ProtectionDomain", pd.id());
    }
    case events::Envelope::kFaultSetObserved: {
      const auto& fs = event.fault_set_observed();
      return kind_ == "fault-set" && fs.name() == parts_[1] &&
             observed_.domain_name(fs.protection_domain_id()) == parts_[0] &&
             remember("FaultSet", fs.id());
    }
    case events::Envelope::kStoragePoolObserved: {
      const auto& p = event.storage_pool_observed();
      return kind_ == "pool" && p.name() == parts_[1] &&
             observed_.domain_name(p.protection_domain_id()) == parts_[0] &&
             remember("StoragePool", p.id());
    }
    case events::Envelope::kSdsObserved: {
      const auto& s = event.sds_observed();
      if (kind_ == "host" || kind_ == "device" || (kind_ == "sds" && parts_.size() == 1)) {
        return sds_matches(s) && remember("Sds", s.id());
      }
      return kind_ == "sds" && sds_matches(s) &&
             observed_.domain_name(s.protection_domain_id()) == parts_[1] &&
             remember("Sds", s.id());
    }
    case events::Envelope::kSdcObserved: {
      const auto& s = event.sdc_observed();
      return (kind_ == "host" || kind_ == "sdc") && names_host(s.name(), s.ip()) &&
             remember("Sdc", s.id());
    }
    case events::Envelope::kVolumeObserved: {
      const auto& v = event.volume_observed();
      return kind_ == "volume" && v.name() == parts_[0] && remember("Volume", v.id());
    }
    case events::Envelope::kScaleioObjectGone: {
      const auto& gone = event.scaleio_object_gone();
      return matched_objects_.count({gone.kind(), gone.id()}) > 0;
    }
    default:
      return false;
  }
}

}  // namespace scaleio::ctl
