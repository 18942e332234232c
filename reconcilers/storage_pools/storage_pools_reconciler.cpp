#include "reconcilers/storage_pools/storage_pools_reconciler.h"

#include <ctime>
#include <functional>
#include <set>

#include "core/views/json_views.h"
#include "reconcilers/drift_action.h"
#include "reconcilers/storage_pools/node_readiness.h"
#include "reconcilers/storage_pools/removal_safety.h"
#include "reconcilers/storage_pools/storage_lookup.h"

namespace scaleio::reconcilers {

namespace {

using observed::DriftItem;
using observed::DriftKind;
using observed::ObservedState;

constexpr std::string_view kName = "storage_pools";

bool starts_with(const std::string& s, std::string_view prefix) {
  return s.rfind(prefix, 0) == 0;
}

// The drift resources this reconciler acts on ("gateway" items explain why it does not).
bool owned(const std::string& resource) {
  return starts_with(resource, "domain/") || starts_with(resource, "fault-set/") ||
         starts_with(resource, "pool/") || starts_with(resource, "sds/") ||
         starts_with(resource, "device/") || resource == "gateway";
}

class StoragePass {
 public:
  StoragePass(const ReconcileInput& input, ActionExecutor& actions, GatewayClient& gateway)
      : in_(input),
        obs_(input.observed),
        analysis_(analysis_of(input, own_analysis_)),
        index_(analysis_.index()),
        actions_(actions),
        gateway_(gateway) {}

  PassOutcome run() {
    std::vector<DriftItem> items;
    for (const auto& item : analysis_.items()) {
      if (owned(item.resource)) items.push_back(item);
    }
    if (obs_.stale) {
      hold(items, "waiting for a fresh observation of the gateway");
      return std::move(out_);
    }
    if (!resolve_pending()) return std::move(out_);
    std::string mdm_state;
    if (!obs_.mdm_healthy()) {
      mdm_state = obs_.mdm_state();
      hold(items, "waiting for a healthy MDM cluster");
      out_.drift.push_back({"mdm-cluster", DriftKind::kWaiting,
                            "storage changes wait for a healthy MDM cluster (" + mdm_state + ")",
                            obs_.mdm ? obs_.mdm->since : 0});
      return std::move(out_);
    }
    for (const auto& item : items) {
      if (stopped_) {
        out_.drift.push_back(item);
      } else if (item.kind == DriftKind::kMissing) {
        create(item);
      } else if (item.kind == DriftKind::kUnexpected) {
        remove(item);
      } else {
        out_.drift.push_back(item);
      }
    }
    return std::move(out_);
  }

 private:
  // Nothing is acted on: missing items become waiting ones that say why.
  void hold(const std::vector<DriftItem>& items, const std::string& why) {
    for (DriftItem item : items) {
      if (item.kind == DriftKind::kMissing) {
        item.kind = DriftKind::kWaiting;
        item.detail += "; " + why;
      }
      out_.drift.push_back(std::move(item));
    }
  }

  void wait(const DriftItem& item, const std::string& detail) {
    out_.drift.push_back({item.resource, DriftKind::kWaiting, detail, item.since});
  }

  void requeue(Clock::Duration after) {
    if (after < Clock::Duration::zero()) after = Clock::Duration::zero();
    if (!out_.requeue_after || after < *out_.requeue_after) out_.requeue_after = after;
  }

  // Intents left without an outcome (a crash between the side effect and its record) are
  // settled from what the gateway shows now, so nothing is created twice.
  bool resolve_pending() {
    for (const TargetRecord* record : in_.journal.pending(kName)) {
      const events::ActionStarted& intent = *record->pending;
      const std::string id = storage::observed_id(in_.plan, index_, intent.target());
      const bool removal = starts_with(intent.action(), "remove_");
      bool done = removal ? id.empty() : !id.empty();
      if (removal && !done && intent.action() == "remove_sds") {
        const auto* sds = storage::find_sds_named(index_, id);
        done = sds != nullptr && storage::sds_being_removed(*sds);
      }
      if (Status s = actions_.resolve(intent, done, removal ? "" : id); !s.ok()) {
        out_.status = s;
        return false;
      }
      resolved_.insert(intent.target());
    }
    return true;
  }

  // A target whose last attempt failed waits for its backoff (reported with the last error).
  bool in_backoff(const DriftItem& item) {
    const int64_t now_ms =
        std::chrono::duration_cast<std::chrono::milliseconds>(in_.now.time_since_epoch()).count();
    if (resolved_.count(item.resource) || !in_.journal.in_backoff(kName, item.resource, now_ms)) {
      return false;
    }
    const TargetRecord* r = in_.journal.find(kName, item.resource);
    wait(item, item.detail + "; " + r->last_action + " failed " +
                   std::to_string(r->consecutive_failures) + " time(s), last: " + r->last_error +
                   "; next attempt at " + views::iso8601_utc(r->next_attempt_unix_ms));
    requeue(std::chrono::milliseconds(r->next_attempt_unix_ms - now_ms));
    return true;
  }

  // One side effect through the executor. The item stays in the drift until it is observed.
  void act(const DriftItem& item, const std::string& action, const std::string& key,
           const std::string& detail, const std::function<Result<std::string>()>& call) {
    if (in_backoff(item)) return;
    if (!act_on_drift_item(actions_, out_, item, action, key, detail, call)) stopped_ = true;
  }

  // --- creates ------------------------------------------------------------------------------

  void create(const DriftItem& item) {
    const std::string& r = item.resource;
    if (starts_with(r, "domain/")) return create_domain(item);
    if (starts_with(r, "fault-set/")) return create_fault_set(item);
    if (starts_with(r, "pool/")) return create_pool(item);
    if (starts_with(r, "sds/")) return create_sds(item);
    if (starts_with(r, "device/")) return add_device(item);
    out_.drift.push_back(item);
  }

  void create_domain(const DriftItem& item) {
    const std::string name = item.resource.substr(std::string("domain/").size());
    act(item, "create_protection_domain", name, "protection domain " + name,
        [this, name] { return gateway_.create_protection_domain(name); });
  }

  void create_fault_set(const DriftItem& item) {
    const std::string rest = item.resource.substr(std::string("fault-set/").size());
    const std::string domain = rest.substr(0, rest.find('/'));
    const std::string name = rest.substr(rest.find('/') + 1);
    const auto* pd = index_.domain_named(domain);
    if (pd == nullptr) return wait(item, "waiting for domain " + domain);
    const std::string pd_id = pd->id();
    act(item, "create_fault_set", pd_id + "/" + name, "fault set " + name + " in " + domain,
        [this, pd_id, name] { return gateway_.create_fault_set(pd_id, name); });
  }

  void create_pool(const DriftItem& item) {
    const std::string rest = item.resource.substr(std::string("pool/").size());
    const std::string domain = rest.substr(0, rest.find('/'));
    const std::string name = rest.substr(rest.find('/') + 1);
    const auto* pd = index_.domain_named(domain);
    if (pd == nullptr) return wait(item, "waiting for domain " + domain);
    sio::NewStoragePool pool;
    pool.name = name;
    pool.protection_domain_id = pd->id();
    act(item, "create_storage_pool", pool.protection_domain_id + "/" + name,
        "storage pool " + name + " in " + domain,
        [this, pool] { return gateway_.create_storage_pool(pool); });
  }

  void create_sds(const DriftItem& item) {
    const std::string rest = item.resource.substr(std::string("sds/").size());
    const std::string host = rest.substr(0, rest.find('/'));
    const std::string domain = rest.substr(rest.find('/') + 1);
    auto node = in_.plan.nodes.find(host);
    const auto* pd = index_.domain_named(domain);
    if (node == in_.plan.nodes.end() || pd == nullptr) {
      return wait(item, "waiting for domain " + domain);
    }
    // The gateway would refuse the SDS until the node task has installed its package.
    if (!storage::node_task_running(in_.tasks, host)) {
      return wait(item,
                  "waiting for the node task on " + host + " to run (it installs the SDS package)");
    }
    sio::NewSds sds;
    const storage::SdsIdentity identity = storage::sds_identity(node->second, domain);
    sds.name = identity.name;
    sds.port = identity.port;
    sds.protection_domain_id = pd->id();
    sds.ips = {{node->second.ip, "all"}};
    const std::string& fault_set = node->second.fault_set;
    if (!fault_set.empty()) {
      const auto* fs = index_.fault_set_named(domain, fault_set);
      if (fs == nullptr) return wait(item, "waiting for fault set " + domain + "/" + fault_set);
      sds.fault_set_id = fs->id();
    }
    act(item, "create_sds",
        sds.name + "@" + node->second.ip + ":" + std::to_string(identity.port) + "/" +
            sds.fault_set_id,
        "SDS " + sds.name + " at " + node->second.ip + " in " + domain +
            (fault_set.empty() ? "" : ", fault set " + fault_set),
        [this, sds] { return gateway_.create_sds(sds); });
  }

  void add_device(const DriftItem& item) {
    const storage::DeviceRef ref = storage::parse_device_resource(item.resource);
    auto node = in_.plan.nodes.find(ref.host);
    if (node == in_.plan.nodes.end()) return out_.drift.push_back(item);
    const plan::PlannedPool* planned = nullptr;
    for (const auto& p : node->second.pools) {
      for (const auto& path : p.devices) {
        if (path == ref.path) planned = &p;
      }
    }
    if (planned == nullptr) return out_.drift.push_back(item);
    const auto* pool = index_.pool_named(planned->domain, planned->pool);
    if (pool == nullptr) {
      return wait(item, "waiting for pool " + planned->domain + "/" + planned->pool);
    }
    const auto* sds = storage::find_sds(in_.plan, index_, ref.host, planned->domain);
    if (sds == nullptr) {
      return wait(item, "waiting for the SDS of " + ref.host + " in " + planned->domain);
    }
    if (storage::sds_being_removed(*sds)) {
      return wait(item, "waiting: SDS " + sds->name() + " is being removed");
    }
    sio::NewDevice device;
    device.path = ref.path;
    device.sds_id = sds->id();
    device.storage_pool_id = pool->id();
    act(item, "add_device", device.sds_id + "/" + device.storage_pool_id,
        ref.path + " on SDS " + sds->name() + " into pool " + planned->domain + "/" + planned->pool,
        [this, device] { return gateway_.add_device(device); });
  }

  // --- removals -----------------------------------------------------------------------------

  void refuse(const DriftItem& item, const std::string& why) {
    out_.drift.push_back(
        {item.resource, DriftKind::kUnexpected, item.detail + "; " + why, item.since});
  }

  void remove(const DriftItem& item) {
    if (!in_.allow_removals) {
      return refuse(item, "kept: removals need --allow-removals");
    }
    const std::string& r = item.resource;
    if (starts_with(r, "device/")) return remove_device(item);
    if (starts_with(r, "sds/")) return remove_sds(item);
    if (starts_with(r, "pool/")) return remove_pool(item);
    if (starts_with(r, "fault-set/")) return remove_fault_set(item);
    if (starts_with(r, "domain/")) return remove_domain(item);
    out_.drift.push_back(item);
  }

  // One SDS or device leaves per pass, and only when removal_blocker() finds nothing.
  bool data_may_move(const DriftItem& item, const std::string& domain_id,
                     const std::vector<const events::DeviceObserved*>& devices) {
    if (moved_data_) {
      wait(item, "waiting: one removal at a time");
      return false;
    }
    const std::string blocker = storage::removal_blocker(obs_, domain_id, devices);
    if (blocker.empty()) return true;
    if (starts_with(blocker, "refused")) {
      refuse(item, blocker);
    } else {
      wait(item, blocker);
    }
    return false;
  }

  void remove_device(const DriftItem& item) {
    const storage::DeviceRef ref = storage::parse_device_resource(item.resource);
    const storage::FoundDevice found = storage::find_device(in_.plan, index_, ref.host, ref.path);
    if (found.device == nullptr) return out_.drift.push_back(item);
    if (!data_may_move(item, found.sds->protection_domain_id(), {found.device})) return;
    moved_data_ = true;
    const std::string id = found.device->id();
    act(item, "remove_device", id, ref.path + " from SDS " + found.sds->name(),
        [this, id] { return result_of(gateway_.remove_device(id), id); });
  }

  void remove_sds(const DriftItem& item) {
    const auto* sds =
        storage::find_sds_named(index_, item.resource.substr(std::string("sds/").size()));
    if (sds == nullptr) return out_.drift.push_back(item);
    if (storage::sds_being_removed(*sds)) {
      return wait(item, "being removed (state " + sds->state() + "): its data is rebalancing");
    }
    std::vector<const events::DeviceObserved*> devices;
    for (const auto& d : sds->devices()) devices.push_back(&d);
    if (!data_may_move(item, sds->protection_domain_id(), devices)) return;
    moved_data_ = true;
    const std::string id = sds->id();
    act(item, "remove_sds", id, "SDS " + sds->name() + " and its devices",
        [this, id] { return result_of(gateway_.remove_sds(id), id); });
  }

  void remove_pool(const DriftItem& item) {
    const std::string id = storage::observed_id(in_.plan, index_, item.resource);
    if (id.empty()) return out_.drift.push_back(item);
    size_t devices = 0;
    for (const auto& [_, s] : obs_.sdss) {
      for (const auto& d : s.value.devices()) devices += d.storage_pool_id() == id;
    }
    for (const auto& [_, v] : obs_.volumes) {
      if (v.value.storage_pool_id() == id) {
        return refuse(item, "kept: it holds volumes (the operator never removes volumes)");
      }
    }
    if (devices > 0) {
      return wait(item, "waiting for its " + std::to_string(devices) + " device(s) to leave");
    }
    act(item, "remove_storage_pool", id, "empty storage pool",
        [this, id] { return result_of(gateway_.remove_storage_pool(id), id); });
  }

  void remove_fault_set(const DriftItem& item) {
    const auto parts = item.resource.substr(std::string("fault-set/").size());
    const std::string domain = parts.substr(0, parts.find('/'));
    const std::string name = parts.substr(parts.find('/') + 1);
    std::string id;
    for (const auto& [fid, fs] : obs_.fault_sets) {
      if ((fs.value.name() == name || fid == name) &&
          obs_.domain_name(fs.value.protection_domain_id()) == domain) {
        id = fid;
      }
    }
    if (id.empty()) return out_.drift.push_back(item);
    for (const auto& [_, s] : obs_.sdss) {
      if (s.value.fault_set_id() == id) return wait(item, "waiting for its SDSs to leave");
    }
    act(item, "remove_fault_set", id, "empty fault set",
        [this, id] { return result_of(gateway_.remove_fault_set(id), id); });
  }

  void remove_domain(const DriftItem& item) {
    const std::string name = item.resource.substr(std::string("domain/").size());
    std::string id;
    for (const auto& [pid, pd] : obs_.protection_domains) {
      if (pd.value.name() == name || pid == name) id = pid;
    }
    if (id.empty()) return out_.drift.push_back(item);
    auto in_domain = [&](const auto& objects) {
      for (const auto& [_, o] : objects) {
        if (o.value.protection_domain_id() == id) return true;
      }
      return false;
    };
    if (in_domain(obs_.sdss) || in_domain(obs_.storage_pools) || in_domain(obs_.fault_sets)) {
      return wait(item, "waiting for its SDSs, pools and fault sets to leave");
    }
    act(item, "remove_protection_domain", id, "empty protection domain",
        [this, id] { return result_of(gateway_.remove_protection_domain(id), id); });
  }

  const ReconcileInput& in_;
  const ObservedState& obs_;
  std::optional<observed::DriftAnalysis> own_analysis_;  // when the input carries none
  const observed::DriftAnalysis& analysis_;
  const observed::ObservedIndex& index_;  // per-object lookups: a pass stays linear in the cluster
  ActionExecutor& actions_;
  GatewayClient& gateway_;
  PassOutcome out_;
  std::set<std::string> resolved_;
  bool moved_data_ = false;
  bool stopped_ = false;
};

}  // namespace

bool StoragePoolsReconciler::wakes_on(const Envelope& event) const {
  const int payload = static_cast<int>(event.payload_case());
  if (event.payload_case() == Envelope::kPlanComputed) return true;
  if (payload >= Envelope::kGatewayReachable && payload <= Envelope::kScaleioObjectGone) {
    return true;
  }
  return event.payload_case() == Envelope::kActionFailed &&
         event.action_failed().reconciler() == kName;
}

PassOutcome StoragePoolsReconciler::reconcile(const ReconcileInput& input,
                                              ActionExecutor& actions) {
  return StoragePass(input, actions, gateway_).run();
}

}  // namespace scaleio::reconcilers
