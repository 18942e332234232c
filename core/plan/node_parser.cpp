#include "core/plan/node_parser.h"

#include <algorithm>
#include <map>
#include <set>

namespace scaleio::plan {

namespace {

constexpr std::string_view kPrefix = "scaleio-";
constexpr std::string_view kSdsPrefix = "scaleio-sds-";
constexpr std::string_view kSdcPrefix = "scaleio-sdc-";

std::string_view type_name(events::Attribute::Type t) {
  switch (t) {
    case events::Attribute::SCALAR:
      return "SCALAR";
    case events::Attribute::RANGES:
      return "RANGES";
    case events::Attribute::SET:
      return "SET";
    case events::Attribute::TEXT:
      return "TEXT";
    default:
      return "UNKNOWN";
  }
}

// Reads one node's scaleio-* attributes, remembering which were used so that the rest can be
// reported as typos.
class NodeReader {
 public:
  NodeReader(const events::AgentObserved& agent, std::vector<PlanProblem>& problems)
      : host_(agent.hostname()), problems_(problems) {
    for (const auto& a : agent.attributes()) {
      if (std::string_view(a.name()).starts_with(kPrefix)) attributes_[a.name()] = &a;
    }
  }

  bool empty() const { return attributes_.empty(); }
  bool has(const std::string& name) const { return attributes_.count(name) > 0; }

  // The TEXT value of `name`; a value of another type is a node error (Mesos types any number as
  // SCALAR, and a name must be text).
  std::optional<std::string> text(const std::string& name) {
    auto it = attributes_.find(name);
    if (it == attributes_.end()) return std::nullopt;
    used_.insert(name);
    const events::Attribute& a = *it->second;
    if (a.type() != events::Attribute::TEXT) {
      std::string hint = a.type() == events::Attribute::SCALAR
                             ? " (Mesos reads a bare number as SCALAR: use a name with a letter)"
                             : " (write it as plain comma-separated text)";
      node_error(name, "value '" + a.text() + "' has type " + std::string(type_name(a.type())) +
                           " but must be TEXT" + hint);
      return std::nullopt;
    }
    return a.text();
  }

  // The value of `name` as written, for attributes that may be numbers.
  std::optional<std::string> any_value(const std::string& name) {
    auto it = attributes_.find(name);
    if (it == attributes_.end()) return std::nullopt;
    used_.insert(name);
    if (it->second->type() == events::Attribute::SET ||
        it->second->type() == events::Attribute::RANGES) {
      node_error(name, "value '" + it->second->text() + "' has type " +
                           std::string(type_name(it->second->type())) + "; write a plain number");
      return std::nullopt;
    }
    return it->second->text();
  }

  void mark_used(const std::string& name) { used_.insert(name); }

  void report_unused() {
    for (const auto& [name, attr] : attributes_) {
      if (used_.count(name)) continue;
      std::string why;
      if (std::string_view(name).starts_with(kSdsPrefix)) {
        why =
            "is not used: no protection domain or storage pool of this node's "
            "scaleio-sds-domains matches it (a typo?)";
      } else if (std::string_view(name).starts_with(kSdcPrefix)) {
        why = "is not used: no domain of this node's scaleio-sdc-domains matches it (a typo?)";
      } else {
        why = "is not a known ScaleIO attribute (a typo?); it is ignored";
      }
      warning(name, why);
    }
  }

  void node_error(const std::string& attribute, std::string message) {
    problems_.push_back({ProblemSeverity::kNodeError, host_, attribute, std::move(message)});
  }
  void cluster_error(const std::string& attribute, std::string message) {
    problems_.push_back({ProblemSeverity::kClusterError, host_, attribute, std::move(message)});
  }
  void warning(const std::string& attribute, std::string message) {
    problems_.push_back({ProblemSeverity::kWarning, host_, attribute, std::move(message)});
  }

 private:
  std::string host_;
  std::vector<PlanProblem>& problems_;
  std::map<std::string, const events::Attribute*> attributes_;
  std::set<std::string> used_;
};

std::optional<Persona> parse_persona(std::string_view text) {
  if (text == "primary") return Persona::kPrimary;
  if (text == "secondary") return Persona::kSecondary;
  if (text == "tiebreaker") return Persona::kTiebreaker;
  if (text == "data") return Persona::kData;
  return std::nullopt;
}

// Names from a list attribute, each checked; bad ones are reported and left out.
std::vector<std::string> checked_names(NodeReader& r, const std::string& attribute,
                                       std::string_view kind, const std::string& value) {
  std::vector<std::string> out;
  for (auto& name : split_list(value)) {
    if (Status s = check_object_name(kind, name); !s.ok()) {
      r.node_error(attribute, s.message() + "; it is left out of the plan");
      continue;
    }
    if (std::find(out.begin(), out.end(), name) != out.end()) {
      r.warning(attribute, std::string(kind) + " '" + name + "' is listed twice");
      continue;
    }
    out.push_back(std::move(name));
  }
  return out;
}

void parse_sds(NodeReader& r, const ClusterSettings& settings, PlannedNode& node) {
  std::optional<std::string> domains_value = r.text("scaleio-sds-domains");
  if (!domains_value) {
    if (!r.has("scaleio-sds-domains") && node.persona == Persona::kData &&
        !settings.default_domain.empty() && !settings.default_pool.empty() &&
        !settings.default_devices.empty()) {
      node.pools.push_back(
          {settings.default_domain, settings.default_pool, settings.default_devices});
    }
    return;
  }
  // First the pools of every domain, so that an ambiguous legacy device key can be recognised.
  std::vector<std::pair<std::string, std::vector<std::string>>> pools_of;
  for (const auto& domain :
       checked_names(r, "scaleio-sds-domains", "protection domain", *domains_value)) {
    const std::string key = "scaleio-sds-" + domain;
    std::optional<std::string> pools = r.text(key);
    if (!pools) {
      if (!r.has(key)) {
        r.node_error(key, "protection domain '" + domain +
                              "' is listed in scaleio-sds-domains but this node has no " + key +
                              " attribute naming its storage pools (e.g. " + key + ":sp1)");
      }
      continue;
    }
    pools_of.emplace_back(domain, checked_names(r, key, "storage pool", *pools));
  }
  std::map<std::string, std::vector<std::string>> domains_with_pool;
  for (const auto& [domain, pools] : pools_of) {
    for (const auto& pool : pools) domains_with_pool[pool].push_back(domain);
  }

  for (const auto& [domain, pools] : pools_of) {
    for (const auto& pool : pools) {
      const std::string qualified = "scaleio-sds-" + domain + "." + pool;
      const std::string legacy = "scaleio-sds-" + pool;
      std::optional<std::string> devices;
      std::string source;
      if (r.has(qualified)) {
        devices = r.text(qualified);
        source = qualified;
        // The qualified key wins; a legacy key for the same pool is then deliberately unused.
        if (r.has(legacy) && domains_with_pool[pool].size() == 1) r.mark_used(legacy);
        if (!devices) continue;
      } else if (r.has(legacy)) {
        bool in_several = domains_with_pool[pool].size() > 1;
        bool is_domain_key = std::any_of(pools_of.begin(), pools_of.end(),
                                         [&](const auto& d) { return d.first == pool; });
        if (in_several || is_domain_key) {
          r.mark_used(legacy);
          std::string other =
              in_several ? "pool '" + pool + "' exists in several domains of " + "this node"
                         : "'" + pool + "' is also a protection domain here";
          r.node_error(legacy, legacy + " is ambiguous: " + other + ". Use the qualified form " +
                                   qualified + "=/dev/...; pool " + domain + "/" + pool +
                                   " is left out of the plan");
          continue;
        }
        devices = r.text(legacy);
        source = legacy;
        if (!devices) continue;
      } else {
        r.node_error(qualified, "storage pool " + domain + "/" + pool + " has no devices: set " +
                                    qualified + "=/dev/sdb,/dev/sdc (or the v0.3 form " + legacy +
                                    "); the pool is left out of the plan");
        continue;
      }
      PlannedPool planned{domain, pool, {}};
      for (const auto& device : split_list(*devices)) {
        if (Status s = check_device_path(device); !s.ok()) {
          r.node_error(source, s.message() + "; the device is left out of the plan");
          continue;
        }
        if (std::find(planned.devices.begin(), planned.devices.end(), device) !=
            planned.devices.end()) {
          r.warning(source, "device " + device + " is listed twice");
          continue;
        }
        planned.devices.push_back(device);
      }
      if (planned.devices.empty()) {
        r.node_error(source, "storage pool " + domain + "/" + pool +
                                 " lists no usable device; the pool is left out of the plan");
        continue;
      }
      node.pools.push_back(std::move(planned));
    }
  }

  // A device can serve one pool only.
  std::map<std::string, std::vector<std::string>> pools_of_device;
  for (const auto& p : node.pools) {
    for (const auto& d : p.devices) pools_of_device[d].push_back(p.domain + "/" + p.pool);
  }
  for (const auto& [device, users] : pools_of_device) {
    if (users.size() < 2) continue;
    std::string list;
    for (const auto& u : users) list += (list.empty() ? "" : ", ") + u;
    r.node_error("scaleio-sds-domains", "device " + device + " is declared for several pools (" +
                                            list + "); it is left out of all of them");
    for (auto& p : node.pools) std::erase(p.devices, device);
  }
  std::erase_if(node.pools, [](const PlannedPool& p) { return p.devices.empty(); });
  std::sort(node.pools.begin(), node.pools.end(), [](const auto& a, const auto& b) {
    return std::tie(a.domain, a.pool) < std::tie(b.domain, b.pool);
  });
}

void parse_sdc(NodeReader& r, ParsedNode& parsed) {
  PlannedNode& node = parsed.node;
  if (std::optional<std::string> domains = r.text("scaleio-sdc-domains")) {
    for (const auto& domain :
         checked_names(r, "scaleio-sdc-domains", "protection domain", *domains)) {
      node.sdc_domains.insert(domain);
      const std::string key = "scaleio-sdc-" + domain;
      if (std::optional<std::string> pools = r.text(key)) {
        for (const auto& pool : checked_names(r, key, "storage pool", *pools)) {
          node.sdc_pools.insert({domain, pool});
        }
      }
    }
  }
  if (std::optional<std::string> volumes = r.text("scaleio-sdc-volumes")) {
    std::set<std::string> seen;
    for (const auto& item : split_list(*volumes)) {
      Result<VolumeDeclaration> v = parse_volume(item);
      if (!v.ok()) {
        r.node_error("scaleio-sdc-volumes", v.status().message() + "; the volume is left out");
        continue;
      }
      if (!seen.insert(v->name).second) {
        r.node_error("scaleio-sdc-volumes",
                     "volume '" + v->name + "' is declared twice on this node; both are left out");
        std::erase_if(parsed.volumes, [&](const auto& d) { return d.name == v->name; });
        continue;
      }
      parsed.volumes.push_back(std::move(v).value());
    }
  }
}

}  // namespace

std::optional<ParsedNode> parse_node(const events::AgentObserved& agent,
                                     const ClusterSettings& settings,
                                     std::vector<PlanProblem>& problems) {
  NodeReader r(agent, problems);
  if (r.empty()) return std::nullopt;
  ParsedNode parsed;
  PlannedNode& node = parsed.node;
  node.hostname = agent.hostname();
  node.agent_id = agent.agent_id();
  node.ip = !agent.ip().empty() ? agent.ip() : (is_ipv4(agent.hostname()) ? agent.hostname() : "");

  if (std::optional<std::string> persona = r.text("scaleio-persona")) {
    if (auto p = parse_persona(*persona)) {
      node.persona = *p;
    } else {
      parsed.unknown_persona = true;
      r.cluster_error("scaleio-persona", "unknown persona '" + *persona +
                                             "': use primary, secondary, tiebreaker or data");
    }
  }
  if (std::optional<std::string> ip = r.text("scaleio-ip")) {
    if (is_ipv4(*ip)) {
      node.ip = *ip;
    } else {
      r.node_error("scaleio-ip", "'" + *ip + "' is not an IPv4 address; the agent's address " +
                                     (node.ip.empty() ? "(unknown)" : node.ip) + " is used");
    }
  }
  if (std::optional<std::string> fault_set = r.text("scaleio-faultset")) {
    if (Status s = check_object_name("fault set", *fault_set); s.ok()) {
      node.fault_set = *fault_set;
    } else {
      r.node_error("scaleio-faultset", s.message() + "; the node gets no fault set");
    }
  }
  if (std::optional<std::string> size = r.any_value("scaleio-mdm-cluster")) {
    if (*size == "1" || *size == "3" || *size == "5") {
      parsed.declared_mdm_cluster_size = std::stoi(*size);
    } else {
      r.cluster_error("scaleio-mdm-cluster",
                      "'" + *size + "' is not an MDM cluster size: use 1, 3 or 5");
    }
  }
  parse_sds(r, settings, node);
  parse_sdc(r, parsed);
  r.report_unused();
  if (node.ip.empty() && (node.runs_mdm() || node.runs_tiebreaker() || node.runs_sds())) {
    r.warning("scaleio-ip", "no IP address is known for this node; set scaleio-ip");
  }
  return parsed;
}

}  // namespace scaleio::plan
