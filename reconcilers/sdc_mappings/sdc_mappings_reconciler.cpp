#include "reconcilers/sdc_mappings/sdc_mappings_reconciler.h"

#include <algorithm>
#include <ctime>
#include <functional>
#include <set>

#include "core/observed/observed_index.h"
#include "core/views/json_views.h"
#include "reconcilers/drift_action.h"

namespace scaleio::reconcilers {

namespace {

using observed::DriftItem;
using observed::DriftKind;
using observed::ObservedState;

constexpr std::string_view kName = "sdc_mappings";

bool starts_with(const std::string& s, std::string_view prefix) {
  return s.rfind(prefix, 0) == 0;
}

bool owned(const std::string& resource) {
  return starts_with(resource, "sdc/") || starts_with(resource, "volume/") ||
         starts_with(resource, "mapping/") || resource == "gateway";
}

// "mapping/<volume>/<who>" -> {volume, who}.
std::pair<std::string, std::string> split_mapping(const std::string& resource) {
  const std::string rest = resource.substr(std::string("mapping/").size());
  const size_t slash = rest.find('/');
  if (slash == std::string::npos) return {rest, ""};
  return {rest.substr(0, slash), rest.substr(slash + 1)};
}

bool mapped_to(const events::VolumeObserved& v, const std::string& sdc_id) {
  return std::find(v.mapped_sdc_ids().begin(), v.mapped_sdc_ids().end(), sdc_id) !=
         v.mapped_sdc_ids().end();
}

// The name drift gives an SDC the plan does not place: its name, else its IP, else its id.
std::string sdc_display(const ObservedState& obs, const std::string& sdc_id) {
  auto it = obs.sdcs.find(sdc_id);
  if (it == obs.sdcs.end()) return sdc_id;
  const auto& s = it->second.value;
  return !s.name().empty() ? s.name() : !s.ip().empty() ? s.ip() : sdc_id;
}

class SdcPass {
 public:
  SdcPass(const ReconcileInput& input, ActionExecutor& actions, GatewayClient& gateway)
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
      out_.drift.push_back(
          {"mdm-cluster", DriftKind::kWaiting,
           "SDC and volume changes wait for a healthy MDM cluster (" + mdm_state + ")",
           obs_.mdm ? obs_.mdm->since : 0});
      return std::move(out_);
    }
    for (const auto& item : items) {
      if (stopped_) {
        out_.drift.push_back(item);
      } else if (starts_with(item.resource, "sdc/")) {
        sdc_item(item);
      } else if (starts_with(item.resource, "volume/")) {
        volume_item(item);
      } else if (starts_with(item.resource, "mapping/")) {
        mapping_item(item);
      } else {
        out_.drift.push_back(item);
      }
    }
    if (!stopped_) name_sdcs();
    return std::move(out_);
  }

 private:
  void hold(const std::vector<DriftItem>& items, const std::string& why) {
    for (DriftItem item : items) {
      if (item.kind == DriftKind::kMissing) {
        item.kind = DriftKind::kWaiting;
        item.detail += "; " + why;
      }
      out_.drift.push_back(std::move(item));
    }
  }

  void report(const DriftItem& item, DriftKind kind, const std::string& detail) {
    out_.drift.push_back({item.resource, kind, detail, item.since});
  }

  void requeue(Clock::Duration after) {
    if (after < Clock::Duration::zero()) after = Clock::Duration::zero();
    if (!out_.requeue_after || after < *out_.requeue_after) out_.requeue_after = after;
  }

  const plan::PlannedNode* node(const std::string& host) const {
    auto it = in_.plan.nodes.find(host);
    return it == in_.plan.nodes.end() ? nullptr : &it->second;
  }

  const events::SdcObserved* sdc_of(const std::string& host) const {
    const auto* n = node(host);
    return n ? index_.sdc_with_ip(n->ip) : nullptr;
  }

  // The SDC a mapping resource names: a planned host's, else one named (or at the IP) `who`.
  const events::SdcObserved* sdc_named(const std::string& who) const {
    if (const auto* s = sdc_of(who)) return s;
    for (const auto& [id, s] : obs_.sdcs) {
      if (s.value.name() == who || s.value.ip() == who || id == who) return &s.value;
    }
    return nullptr;
  }

  bool owned_volume(const std::string& name) const {
    return in_.journal.created_by_operator("volume/" + name);
  }

  // Intents left without an outcome are settled from what the gateway shows now.
  bool resolve_pending() {
    for (const TargetRecord* record : in_.journal.pending(kName)) {
      const events::ActionStarted& intent = *record->pending;
      bool done = false;
      std::string result;
      const std::string& target = intent.target();
      const std::string& action = intent.action();
      if (action == "set_sdc_name") {
        const std::string host = target.substr(std::string("sdc/").size());
        const auto* sdc = sdc_of(host);
        done = sdc != nullptr && sdc->name() == host;
      } else if (action == "create_volume" || action == "set_volume_size") {
        const std::string name = target.substr(std::string("volume/").size());
        const auto* v = index_.volume_named(name);
        auto want = in_.plan.volumes.find(name);
        done = v != nullptr &&
               (action == "create_volume" || want == in_.plan.volumes.end() ||
                v->size_kb() >= static_cast<int64_t>(want->second.size_gb) * sio::kKbPerGb);
        if (v != nullptr) result = v->id();
      } else if (action == "map_volume" || action == "unmap_volume") {
        const auto [volume, who] = split_mapping(target);
        const auto* v = index_.volume_named(volume);
        const auto* sdc = sdc_named(who);
        const bool mapped = v != nullptr && sdc != nullptr && mapped_to(*v, sdc->id());
        done = action == "map_volume" ? mapped : !mapped;
      }
      if (Status s = actions_.resolve(intent, done, result); !s.ok()) {
        out_.status = s;
        return false;
      }
      resolved_.insert(target);
    }
    return true;
  }

  bool in_backoff(const std::string& target, const std::string& detail, uint64_t since) {
    const int64_t now_ms =
        std::chrono::duration_cast<std::chrono::milliseconds>(in_.now.time_since_epoch()).count();
    if (resolved_.count(target) || !in_.journal.in_backoff(kName, target, now_ms)) return false;
    const TargetRecord* r = in_.journal.find(kName, target);
    out_.drift.push_back({target, DriftKind::kWaiting,
                          detail + "; " + r->last_action + " failed " +
                              std::to_string(r->consecutive_failures) +
                              " time(s), last: " + r->last_error + "; next attempt at " +
                              views::iso8601_utc(r->next_attempt_unix_ms),
                          since});
    requeue(std::chrono::milliseconds(r->next_attempt_unix_ms - now_ms));
    return true;
  }

  // One side effect through the executor; `item` stays in the drift until it is observed.
  void act(const DriftItem& item, const std::string& action, const std::string& key,
           const std::string& detail, const std::function<Result<std::string>()>& call) {
    if (in_backoff(item.resource, item.detail, item.since)) return;
    // A target acted on once per pass (a volume may be both created and resized only later).
    if (!acted_.insert(item.resource).second) return out_.drift.push_back(item);
    if (!act_on_drift_item(actions_, out_, item, action, key, detail, call)) stopped_ = true;
  }

  // --- SDCs -----------------------------------------------------------------------------------

  void sdc_item(const DriftItem& item) {
    if (item.kind != DriftKind::kMissing) return out_.drift.push_back(item);
    report(item, DriftKind::kWaiting,
           item.detail + "; waiting for the node task to install the SDC");
  }

  // Not a drift item of core: an SDC registered under another name than its host's.
  void name_sdcs() {
    for (const auto& [host, n] : in_.plan.nodes) {
      if (!n.runs_sdc()) continue;
      const auto* sdc = index_.sdc_with_ip(n.ip);
      if (sdc == nullptr || sdc->name() == host) continue;
      const DriftItem item{"sdc/" + host, DriftKind::kMismatch,
                           "named '" + sdc->name() + "', planned '" + host + "'",
                           obs_.sdcs.at(sdc->id()).since};
      const std::string id = sdc->id();
      act(item, "set_sdc_name", id + "=" + host, "SDC " + id + " at " + n.ip + " named " + host,
          [this, id, host] { return result_of(gateway_.set_sdc_name(id, host), id); });
    }
  }

  // --- volumes --------------------------------------------------------------------------------

  void volume_item(const DriftItem& item) {
    const std::string name = item.resource.substr(std::string("volume/").size());
    auto want = in_.plan.volumes.find(name);
    if (item.kind == DriftKind::kUnexpected) return unplanned_volume(item, name);
    if (want == in_.plan.volumes.end()) return out_.drift.push_back(item);
    const auto* v = index_.volume_named(name);
    if (item.kind == DriftKind::kMissing) return create_volume(item, want->second);
    if (v == nullptr) return out_.drift.push_back(item);
    if (!owned_volume(name)) {
      return report(item, item.kind,
                    item.detail + "; left untouched: the volume was not created by this operator");
    }
    const int64_t want_kb = static_cast<int64_t>(want->second.size_gb) * sio::kKbPerGb;
    const bool size_item =
        item.kind == DriftKind::kMismatch && item.detail.find(" GB, planned ") != std::string::npos;
    if (!size_item) return out_.drift.push_back(item);
    if (v->size_kb() > want_kb) {
      return report(item, DriftKind::kMismatch,
                    item.detail + "; refused: a volume never shrinks (declare at least " +
                        std::to_string(v->size_kb() / sio::kKbPerGb) + " GB)");
    }
    const std::string id = v->id();
    const int64_t size_gb = static_cast<int64_t>(want->second.size_gb);
    act(item, "set_volume_size", id + "=" + std::to_string(size_gb) + "GB",
        "grow volume " + name + " to " + std::to_string(size_gb) + " GB",
        [this, id, size_gb] { return result_of(gateway_.set_volume_size(id, size_gb), id); });
  }

  void create_volume(const DriftItem& item, const plan::PlannedVolume& want) {
    const auto* pool = index_.pool_named(want.pool.domain, want.pool.pool);
    if (pool == nullptr) return out_.drift.push_back(item);
    sio::NewVolume volume;
    volume.name = want.name;
    volume.protection_domain_id = pool->protection_domain_id();
    volume.storage_pool_id = pool->id();
    volume.size_kb = static_cast<int64_t>(want.size_gb) * sio::kKbPerGb;
    volume.thin = want.type == plan::VolumeType::kThin;
    act(item, "create_volume",
        volume.storage_pool_id + "/" + std::to_string(want.size_gb) + "GB/" +
            (volume.thin ? "thin" : "thick"),
        "volume " + want.name + " of " + std::to_string(want.size_gb) + " GB (" +
            (volume.thin ? "thin" : "thick") + ") in " + want.pool.domain + "/" + want.pool.pool,
        [this, volume] { return gateway_.create_volume(volume); });
  }

  // A volume the plan no longer declares is kept; an owned one loses its mappings.
  void unplanned_volume(const DriftItem& item, const std::string& name) {
    const auto* v = index_.volume_named(name);
    if (v == nullptr || !owned_volume(name)) {
      return report(item, item.kind, item.detail + "; kept: the operator never removes volumes");
    }
    report(item, item.kind, item.detail + "; kept (volumes are never removed), unmapping it");
    for (const auto& sdc_id : v->mapped_sdc_ids()) {
      unmap({"mapping/" + name + "/" + sdc_display(obs_, sdc_id), DriftKind::kUnexpected,
             "mapped, no longer declared", item.since},
            *v, sdc_id);
    }
  }

  // --- mappings -------------------------------------------------------------------------------

  void mapping_item(const DriftItem& item) {
    const auto [name, who] = split_mapping(item.resource);
    const auto* v = index_.volume_named(name);
    if (v == nullptr) return out_.drift.push_back(item);
    if (!owned_volume(name)) {
      if (item.kind == DriftKind::kWaiting) return out_.drift.push_back(item);
      return report(item, item.kind,
                    item.detail + "; left untouched: the volume was not created by this operator");
    }
    if (item.kind == DriftKind::kMissing) {
      const auto* sdc = sdc_of(who);
      auto want = in_.plan.volumes.find(name);
      if (sdc == nullptr || want == in_.plan.volumes.end()) return out_.drift.push_back(item);
      const std::string vid = v->id();
      const std::string sdc_id = sdc->id();
      // ScaleIO refuses a second mapping without the flag; a multi-host volume always has it.
      const bool multiple = want->second.hosts.size() > 1 || v->mapped_sdc_ids_size() > 0;
      return act(item, "map_volume", vid + "/" + sdc_id,
                 "map volume " + name + " to the SDC of " + who, [this, vid, sdc_id, multiple] {
                   return result_of(gateway_.map_volume(vid, sdc_id, multiple), sdc_id);
                 });
    }
    if (item.kind == DriftKind::kUnexpected) {
      for (const auto& sdc_id : v->mapped_sdc_ids()) {
        if (sdc_display(obs_, sdc_id) == who) return unmap(item, *v, sdc_id);
      }
    }
    out_.drift.push_back(item);
  }

  void unmap(const DriftItem& item, const events::VolumeObserved& v, const std::string& sdc_id) {
    const std::string vid = v.id();
    act(item, "unmap_volume", vid + "/" + sdc_id,
        "unmap volume " + v.name() + " from SDC " + sdc_display(obs_, sdc_id),
        [this, vid, sdc_id] { return result_of(gateway_.unmap_volume(vid, sdc_id), sdc_id); });
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
  std::set<std::string> acted_;
  bool stopped_ = false;
};

}  // namespace

bool SdcMappingsReconciler::wakes_on(const Envelope& event) const {
  const int payload = static_cast<int>(event.payload_case());
  if (event.payload_case() == Envelope::kPlanComputed) return true;
  if (payload >= Envelope::kGatewayReachable && payload <= Envelope::kScaleioObjectGone) {
    return true;
  }
  return event.payload_case() == Envelope::kActionFailed &&
         event.action_failed().reconciler() == kName;
}

PassOutcome SdcMappingsReconciler::reconcile(const ReconcileInput& input, ActionExecutor& actions) {
  return SdcPass(input, actions, gateway_).run();
}

}  // namespace scaleio::reconcilers
