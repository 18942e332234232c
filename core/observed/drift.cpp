#include "core/observed/drift.h"

#include <algorithm>
#include <map>
#include <set>
#include <string_view>
#include <unordered_set>

namespace scaleio::observed {

namespace {

using plan::Plan;
using plan::PlannedNode;

std::string mode_for_size(int size) {
  switch (size) {
    case 1:
      return "OneNode";
    case 3:
      return "ThreeNodes";
    case 5:
      return "FiveNodes";
    default:
      return "";
  }
}

bool contains(const google::protobuf::RepeatedPtrField<std::string>& list, const std::string& v) {
  return std::find(list.begin(), list.end(), v) != list.end();
}

std::string display_name(const std::string& name, const std::string& id) {
  return name.empty() ? id : name;
}

// The observed objects the plan accounts for, by address (every object is found through the
// index or the state, so its address is its identity for the pass). Hashing addresses instead of
// copying id strings into an ordered set keeps the pass linear and off the strings' memory (the
// set was a fifth of the drift at 5,000 agents).
using ObjectSet = std::unordered_set<const void*>;
// Ids, where only an id is at hand (a volume's mapped SDC ids). Views into the observed state.
using IdSet = std::unordered_set<std::string_view>;

class DriftBuilder {
 public:
  DriftBuilder(const Plan& plan, const ObservedIndex& index)
      : plan_(plan), obs_(index.state()), index_(index) {}

  std::vector<DriftItem> run() {
    if (!obs_.ever_reached && !obs_.mdm) {
      add("gateway", DriftKind::kWaiting, "the gateway has not been observed yet", 0);
      return finish();
    }
    if (obs_.stale) {
      add("gateway", DriftKind::kUnhealthy,
          "unreachable; observed state is stale: " + obs_.last_error, obs_.stale_since);
    }
    plan_problems();
    mdm();
    storage();
    sdcs();
    volumes();
    return finish();
  }

 private:
  void add(std::string resource, DriftKind kind, std::string detail, uint64_t since) {
    items_.push_back({std::move(resource), kind, std::move(detail), since});
  }

  std::vector<DriftItem> finish() {
    std::sort(items_.begin(), items_.end(), [](const DriftItem& a, const DriftItem& b) {
      if (a.resource != b.resource) return a.resource < b.resource;
      if (a.kind != b.kind) return a.kind < b.kind;
      return a.detail < b.detail;
    });
    return std::move(items_);
  }

  // Missing things whose parent is not there yet wait for it rather than being "missing".
  DriftKind missing_or_waiting(bool can_create) const {
    return can_create ? DriftKind::kMissing : DriftKind::kWaiting;
  }

  void plan_problems() {
    for (const auto& p : plan_.problems) {
      if (p.severity == plan::ProblemSeverity::kWarning) continue;
      std::string resource = p.host.empty() ? "plan" : "node/" + p.host;
      std::string detail = p.attribute.empty() ? p.message : p.attribute + ": " + p.message;
      add(std::move(resource), DriftKind::kInvalidPlan, std::move(detail), 0);
    }
  }

  bool mdm_healthy() const { return obs_.mdm_healthy(); }

  const std::string& ip_of(const std::string& host) const {
    static const std::string kNone;
    auto it = plan_.nodes.find(host);
    return it == plan_.nodes.end() ? kNone : it->second.ip;
  }

  void mdm() {
    const auto& want = plan_.mdm;
    if (!want.valid) return;  // reported as plan problems; the quorum reconciler does not act
    if (!obs_.mdm || !obs_.mdm->value.exists()) {
      add("mdm-cluster", DriftKind::kMissing,
          "no MDM cluster; planned " + mode_for_size(want.size) + " with primary " + want.primary,
          0);
      return;
    }
    const auto& c = obs_.mdm->value;
    const uint64_t since = obs_.mdm->since;
    if (c.mode() != mode_for_size(want.size)) {
      add("mdm-cluster", DriftKind::kMismatch,
          "mode " + c.mode() + ", planned " + mode_for_size(want.size), since);
    }
    if (!mdm_healthy()) add("mdm-cluster", DriftKind::kUnhealthy, "state " + c.state(), since);
    if (want.adopt) return;  // an adopted cluster keeps its own members

    struct Wanted {
      std::string host;
      bool manager;
    };
    std::vector<Wanted> wanted = {{want.primary, true}};
    for (const auto& h : want.secondaries) wanted.push_back({h, true});
    for (const auto& h : want.tiebreakers) wanted.push_back({h, false});
    std::set<std::string> matched;
    for (const auto& w : wanted) {
      const std::string& ip = ip_of(w.host);
      const std::string resource = "mdm/" + w.host;
      const events::MdmMemberObserved* member = nullptr;
      for (const auto& m : c.members()) {
        if (!ip.empty() && contains(m.ips(), ip)) member = &m;
      }
      if (member == nullptr) {
        add(resource, DriftKind::kMissing,
            std::string(w.manager ? "manager" : "tie-breaker") + " at " + ip +
                " not in the cluster",
            0);
        continue;
      }
      matched.insert(member->id());
      if (member->manager() != w.manager) {
        add(resource, DriftKind::kMismatch,
            std::string("is a ") + (member->manager() ? "manager" : "tie-breaker") + ", planned " +
                (w.manager ? "manager" : "tie-breaker"),
            since);
      }
      if (member->role() == "standby") {
        add(resource, DriftKind::kMismatch, "a standby; the cluster mode switch is pending", since);
      }
      if (member->status() != "Normal") {
        add(resource, DriftKind::kUnhealthy, "status " + member->status(), since);
      }
    }
    for (const auto& m : c.members()) {
      if (matched.count(m.id())) continue;
      add("mdm/" + display_name(m.name(), m.id()), DriftKind::kUnexpected,
          m.role() + " not in the plan", since);
    }
  }

  void storage() {
    const bool mdm_ok = mdm_healthy();
    const char* no_mdm = "waiting for a healthy MDM cluster";

    ObjectSet planned_domains;
    for (const auto& domain : plan_.domains()) {
      const auto* pd = index_.domain_named(domain);
      if (pd == nullptr) {
        add("domain/" + domain, missing_or_waiting(mdm_ok), mdm_ok ? "not created" : no_mdm, 0);
        continue;
      }
      planned_domains.insert(pd);
      if (!pd->state().empty() && pd->state() != "Active") {
        add("domain/" + domain, DriftKind::kUnhealthy, "state " + pd->state(),
            obs_.protection_domains.at(pd->id()).since);
      }
    }
    for (const auto& [id, pd] : obs_.protection_domains) {
      if (!planned_domains.count(&pd.value)) {
        add("domain/" + display_name(pd.value.name(), id), DriftKind::kUnexpected,
            "not in the plan", pd.since);
      }
    }

    ObjectSet planned_fault_sets;
    for (const auto& [domain, names] : plan_.fault_sets()) {
      const bool parent = mdm_ok && index_.domain_named(domain) != nullptr;
      for (const auto& name : names) {
        const auto* fs = index_.fault_set_named(domain, name);
        if (fs == nullptr) {
          add("fault-set/" + domain + "/" + name, missing_or_waiting(parent),
              parent ? "not created" : "waiting for domain " + domain, 0);
        } else {
          planned_fault_sets.insert(fs);
        }
      }
    }
    for (const auto& [id, fs] : obs_.fault_sets) {
      if (!planned_fault_sets.count(&fs.value)) {
        add("fault-set/" + obs_.domain_name(fs.value.protection_domain_id()) + "/" +
                display_name(fs.value.name(), id),
            DriftKind::kUnexpected, "not in the plan", fs.since);
      }
    }

    ObjectSet planned_pools;
    for (const auto& ref : plan_.pools()) {
      const std::string resource = "pool/" + ref.domain + "/" + ref.pool;
      const auto* pool = index_.pool_named(ref.domain, ref.pool);
      if (pool == nullptr) {
        const bool parent = mdm_ok && index_.domain_named(ref.domain) != nullptr;
        add(resource, missing_or_waiting(parent),
            parent ? "not created" : "waiting for domain " + ref.domain, 0);
        continue;
      }
      planned_pools.insert(pool);
      if (pool->has_capacity() && pool->capacity().failed_kb() > 0) {
        add(resource, DriftKind::kUnhealthy,
            std::to_string(pool->capacity().failed_kb()) + " KB of capacity failed",
            obs_.storage_pools.at(pool->id()).since);
      }
    }
    for (const auto& [id, pool] : obs_.storage_pools) {
      if (!planned_pools.count(&pool.value)) {
        add("pool/" + obs_.domain_name(pool.value.protection_domain_id()) + "/" +
                display_name(pool.value.name(), id),
            DriftKind::kUnexpected, "not in the plan", pool.since);
      }
    }

    ObjectSet planned_sdss;
    planned_sdss.reserve(obs_.sdss.size());
    for (const auto& [host, node] : plan_.nodes) {
      for (const auto& domain : node.sds_domains()) sds(host, node, domain, planned_sdss);
    }
    for (const auto& [id, s] : obs_.sdss) {
      if (!planned_sdss.count(&s.value)) {
        add("sds/" + display_name(s.value.name(), id), DriftKind::kUnexpected, "not in the plan",
            s.since);
      }
    }
  }

  void sds(const std::string& host, const PlannedNode& node, const std::string& domain,
           ObjectSet& planned) {
    // Names are built only for the items a pass reports: most planned objects have none.
    auto resource = [&] { return "sds/" + host + "/" + domain; };
    const auto* pd = index_.domain_named(domain);
    // The last SDS of the domain at the node's IP, in id order (as the scan this replaced).
    const Seen<events::SdsObserved>* found = nullptr;
    if (pd != nullptr) {
      for (const auto* s : index_.sdss_with_ip(node.ip)) {
        if (s->value.protection_domain_id() == pd->id()) found = s;
      }
    }
    if (found == nullptr) {
      const bool parent = mdm_healthy() && pd != nullptr;
      add(resource(), missing_or_waiting(parent),
          parent ? "no SDS at " + node.ip : "waiting for domain " + domain, 0);
      return;
    }
    const auto& s = found->value;
    planned.insert(&s);
    if (s.connection_state() != "Connected") {
      add(resource(), DriftKind::kUnhealthy, "MDM connection " + s.connection_state(),
          found->since);
    }
    if (!s.membership_state().empty() && s.membership_state() != "Joined") {
      add(resource(), DriftKind::kWaiting, "membership " + s.membership_state(), found->since);
    }
    if (!s.state().empty() && s.state() != "Normal") {
      add(resource(), DriftKind::kUnhealthy, "state " + s.state(), found->since);
    }
    std::string fault_set;
    if (!s.fault_set_id().empty()) {
      auto fs = obs_.fault_sets.find(s.fault_set_id());
      fault_set = fs == obs_.fault_sets.end() ? s.fault_set_id() : fs->second.value.name();
    }
    if (fault_set != node.fault_set) {
      add(resource(), DriftKind::kMismatch,
          "fault set '" + fault_set + "', planned '" + node.fault_set + "'", found->since);
    }

    std::vector<std::string_view> planned_paths;  // a node has a handful of devices
    for (const auto& planned : node.pools) {
      if (planned.domain != domain) continue;
      const auto* pool = index_.pool_named(domain, planned.pool);
      for (const auto& path : planned.devices) {
        planned_paths.push_back(path);
        auto device_resource = [&] { return "device/" + host + path; };
        const events::DeviceObserved* device = nullptr;
        for (const auto& d : s.devices()) {
          if (d.path() == path) device = &d;
        }
        if (device == nullptr) {
          add(device_resource(), missing_or_waiting(pool != nullptr),
              pool ? "not added to pool " + planned.pool
                   : "waiting for pool " + domain + "/" + planned.pool,
              0);
          continue;
        }
        if (pool != nullptr && device->storage_pool_id() != pool->id()) {
          add(device_resource(), DriftKind::kMismatch,
              "in pool " + device->storage_pool_id() + ", planned " + planned.pool, found->since);
        }
        if (device->state() == "InitialTest") {
          add(device_resource(), DriftKind::kWaiting, "being tested", found->since);
        } else if ((!device->state().empty() && device->state() != "Normal") ||
                   (!device->error_state().empty() && device->error_state() != "None")) {
          add(device_resource(), DriftKind::kUnhealthy,
              "state " + device->state() + ", error " + device->error_state(), found->since);
        }
      }
    }
    for (const auto& d : s.devices()) {
      if (std::find(planned_paths.begin(), planned_paths.end(), d.path()) == planned_paths.end()) {
        add("device/" + host + d.path(), DriftKind::kUnexpected, "not in the plan", found->since);
      }
    }
  }

  void sdcs() {
    ObjectSet planned;
    planned.reserve(obs_.sdcs.size());
    for (const auto& [host, node] : plan_.nodes) {
      if (!node.runs_sdc()) continue;
      const auto* sdc = index_.sdc_with_ip(node.ip);
      if (sdc == nullptr) {
        add("sdc/" + host, DriftKind::kMissing, "no SDC registered from " + node.ip, 0);
        continue;
      }
      planned.insert(sdc);
      if (sdc->connection_state() != "Connected") {
        add("sdc/" + host, DriftKind::kUnhealthy, "MDM connection " + sdc->connection_state(),
            obs_.sdcs.at(sdc->id()).since);
      }
    }
    for (const auto& [id, sdc] : obs_.sdcs) {
      if (!planned.count(&sdc.value)) {
        add("sdc/" + display_name(sdc.value.name(), sdc.value.ip().empty() ? id : sdc.value.ip()),
            DriftKind::kUnexpected, "not in the plan", sdc.since);
      }
    }
  }

  void volumes() {
    ObjectSet planned;
    planned.reserve(obs_.volumes.size());
    for (const auto& [name, want] : plan_.volumes) {
      auto resource = [&] { return "volume/" + name; };
      const auto* pool = index_.pool_named(want.pool.domain, want.pool.pool);
      const auto* v = index_.volume_named(name);
      if (v == nullptr) {
        add(resource(), missing_or_waiting(pool != nullptr),
            pool ? "not created" : "waiting for pool " + want.pool.domain + "/" + want.pool.pool,
            0);
        continue;
      }
      planned.insert(v);
      const uint64_t since = obs_.volumes.at(v->id()).since;
      if (pool != nullptr && v->storage_pool_id() != pool->id()) {
        add(resource(), DriftKind::kMismatch,
            "in pool " + v->storage_pool_id() + ", planned " + want.pool.domain + "/" +
                want.pool.pool,
            since);
      }
      const int64_t want_kb = static_cast<int64_t>(want.size_gb) * sio::kKbPerGb;
      if (v->size_kb() != want_kb) {
        add(resource(), DriftKind::kMismatch,
            std::to_string(v->size_kb() / sio::kKbPerGb) + " GB, planned " +
                std::to_string(want.size_gb) + " GB",
            since);
      }
      const std::string want_type =
          want.type == plan::VolumeType::kThin ? "ThinProvisioned" : "ThickProvisioned";
      if (!v->type().empty() && v->type() != want_type) {
        add(resource(), DriftKind::kMismatch, v->type() + ", planned " + want_type, since);
      }
      IdSet planned_sdcs;
      for (const auto& host : want.hosts) {
        const auto* sdc = index_.sdc_with_ip(ip_of(host));
        auto mapping = [&] { return "mapping/" + name + "/" + host; };
        if (sdc == nullptr) {
          add(mapping(), DriftKind::kWaiting, "waiting for the SDC of " + host + " to register", 0);
          continue;
        }
        planned_sdcs.insert(sdc->id());
        if (!contains(v->mapped_sdc_ids(), sdc->id())) {
          add(mapping(), DriftKind::kMissing, "not mapped", since);
        }
      }
      for (const auto& sdc_id : v->mapped_sdc_ids()) {
        if (planned_sdcs.count(sdc_id)) continue;
        auto sdc = obs_.sdcs.find(sdc_id);
        const std::string who =
            sdc == obs_.sdcs.end() ? sdc_id
                                   : display_name(sdc->second.value.name(), sdc->second.value.ip());
        add("mapping/" + name + "/" + who, DriftKind::kUnexpected, "mapped, not in the plan",
            since);
      }
    }
    for (const auto& [id, v] : obs_.volumes) {
      if (!planned.count(&v.value)) {
        add("volume/" + display_name(v.value.name(), id), DriftKind::kUnexpected, "not in the plan",
            v.since);
      }
    }
  }

  const Plan& plan_;
  const ObservedState& obs_;
  const ObservedIndex& index_;  // every per-object lookup goes here: a pass stays linear
  std::vector<DriftItem> items_;
};

}  // namespace

std::string_view drift_kind_name(DriftKind kind) {
  switch (kind) {
    case DriftKind::kMissing:
      return "missing";
    case DriftKind::kUnexpected:
      return "unexpected";
    case DriftKind::kMismatch:
      return "mismatch";
    case DriftKind::kUnhealthy:
      return "unhealthy";
    case DriftKind::kInvalidPlan:
      return "invalid-plan";
    case DriftKind::kWaiting:
      return "waiting";
  }
  return "unknown";
}

std::vector<DriftItem> drift(const plan::Plan& plan, const ObservedState& observed) {
  return drift(plan, ObservedIndex(observed));
}

std::vector<DriftItem> drift(const plan::Plan& plan, const ObservedIndex& observed) {
  return DriftBuilder(plan, observed).run();
}

}  // namespace scaleio::observed
