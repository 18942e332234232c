#include "adapters/metrics/operator_metrics.h"

#include <array>
#include <set>
#include <type_traits>

#include <prometheus/text_serializer.h>

#include "adapters/metrics/label_values.h"

namespace scaleio::metrics {
namespace {

using prometheus::Counter;
using prometheus::Gauge;
using prometheus::Histogram;
using prometheus::Labels;

// Buckets sized for what each duration measures: a reconcile pass (milliseconds to a minute when
// it waits on the gateway), a group-committed fsync, a REST call over a LAN with retries.
const Histogram::BucketBoundaries& reconcile_buckets() {
  static const Histogram::BucketBoundaries b = {0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25,
                                                0.5,   1,     2.5,  5,     10,   30,  60};
  return b;
}
const Histogram::BucketBoundaries& append_buckets() {
  static const Histogram::BucketBoundaries b = {0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005,
                                                0.01,   0.025,   0.05,   0.1,   0.25,   1};
  return b;
}
const Histogram::BucketBoundaries& gateway_buckets() {
  static const Histogram::BucketBoundaries b = {0.005, 0.01, 0.025, 0.05, 0.1, 0.25,
                                                0.5,   1,    2.5,   5,    10,  30};
  return b;
}

constexpr std::array<observed::DriftKind, 6> kDriftKinds = {
    observed::DriftKind::kMissing,     observed::DriftKind::kUnexpected,
    observed::DriftKind::kMismatch,    observed::DriftKind::kUnhealthy,
    observed::DriftKind::kInvalidPlan, observed::DriftKind::kWaiting};

constexpr std::array<ReconcileResult, 3> kResults = {
    ReconcileResult::kSuccess, ReconcileResult::kError, ReconcileResult::kSkipped};
constexpr std::array<OfferOutcome, 3> kOutcomes = {OfferOutcome::kLaunched, OfferOutcome::kDeclined,
                                                   OfferOutcome::kRescinded};
constexpr std::array<std::string_view, 5> kMdmRolesAndOther = {"master", "slave", "tiebreaker",
                                                               "standby", "other"};

std::string s(std::string_view v) {
  return std::string(v);
}

template <typename T>
prometheus::Family<T>& build(prometheus::Registry& registry, std::string_view name,
                             std::string_view help) {
  auto builder = [] {
    if constexpr (std::is_same_v<T, Counter>) return prometheus::BuildCounter();
    if constexpr (std::is_same_v<T, Gauge>) return prometheus::BuildGauge();
    if constexpr (std::is_same_v<T, Histogram>) return prometheus::BuildHistogram();
  };
  return builder().Name(s(kPrefix) + s(name)).Help(s(help)).Register(registry);
}

double as_gauge(bool b) {
  return b ? 1 : 0;
}

}  // namespace

std::string_view reconcile_result_label(ReconcileResult result) {
  switch (result) {
    case ReconcileResult::kSuccess:
      return "success";
    case ReconcileResult::kError:
      return "error";
    case ReconcileResult::kSkipped:
      return "skipped";
  }
  return kOther;
}

std::string_view offer_outcome_label(OfferOutcome outcome) {
  switch (outcome) {
    case OfferOutcome::kLaunched:
      return "launched";
    case OfferOutcome::kDeclined:
      return "declined";
    case OfferOutcome::kRescinded:
      return "rescinded";
  }
  return kOther;
}

std::vector<std::string> OperatorMetrics::family_names() {
  std::vector<std::string> names;
#define SCALEIO_METRICS_NAME(name, help) names.push_back(s(kPrefix) + #name);
  SCALEIO_OPERATOR_METRICS(SCALEIO_METRICS_NAME, SCALEIO_METRICS_NAME, SCALEIO_METRICS_NAME)
#undef SCALEIO_METRICS_NAME
  return names;
}

OperatorMetrics::OperatorMetrics(const BuildInfo& build_info)
    : registry_(std::make_shared<prometheus::Registry>())
#define SCALEIO_METRICS_INIT_COUNTER(name, help) , name##_(build<Counter>(*registry_, #name, help))
#define SCALEIO_METRICS_INIT_GAUGE(name, help) , name##_(build<Gauge>(*registry_, #name, help))
#define SCALEIO_METRICS_INIT_HISTOGRAM(name, help) \
  , name##_(build<Histogram>(*registry_, #name, help))
          SCALEIO_OPERATOR_METRICS(SCALEIO_METRICS_INIT_COUNTER, SCALEIO_METRICS_INIT_GAUGE,
                                   SCALEIO_METRICS_INIT_HISTOGRAM)
#undef SCALEIO_METRICS_INIT_COUNTER
#undef SCALEIO_METRICS_INIT_GAUGE
#undef SCALEIO_METRICS_INIT_HISTOGRAM
{
  // Every series with a known label set exists from the start at 0: rate() and the alerts see a
  // counter's first increment, and a dashboard shows 0 rather than nothing.
  for (auto reconciler : kReconcilers) {
    for (auto result : kResults) {
      reconcile_total_.Add(
          {{"reconciler", s(reconciler)}, {"result", s(reconcile_result_label(result))}});
    }
    reconcile_duration_seconds_.Add({{"reconciler", s(reconciler)}}, reconcile_buckets());
    set_drift(reconciler, std::map<observed::DriftKind, int64_t>{});
    reconciler_paused_.Add({{"reconciler", s(reconciler)}}).Set(0);
    reconciler_backoff_targets_.Add({{"reconciler", s(reconciler)}}).Set(0);
  }
  converged_.Add({}).Set(0);
  set_mdm_members({});
  mdm_quorum_healthy_.Add({}).Set(0);
  set_sds_states({});
  sdc_connected_.Add({}).Set(0);
  eventlog_last_sequence_.Add({}).Set(0);
  eventlog_append_duration_seconds_.Add({}, append_buckets());
  mesos_subscribed_.Add({}).Set(0);
  for (auto outcome : kOutcomes) {
    mesos_offers_total_.Add({{"outcome", s(offer_outcome_label(outcome))}});
  }
  for (int state = 0; state <= static_cast<int>(mesos::TaskState::kUnknown); ++state) {
    task_status_counter(static_cast<mesos::TaskState>(state));
  }
  gateway_request_duration_seconds_.Add({}, gateway_buckets());
  gateway_reachable_.Add({}).Set(0);
  gateway_oldest_request_seconds_.Add({}).Set(0);
  build_info_.Add({{"version", build_info.version}, {"commit", build_info.commit}}).Set(1);
}

prometheus::Counter& OperatorMetrics::task_status_counter(mesos::TaskState state) {
  return task_status_updates_total_.Add(
      {{"state", s(task_state_label(mesos::task_state_name(state)))}});
}

void OperatorMetrics::reconcile_done(std::string_view reconciler, ReconcileResult result,
                                     double seconds) {
  const auto name = s(reconciler_label(reconciler));
  reconcile_total_.Add({{"reconciler", name}, {"result", s(reconcile_result_label(result))}})
      .Increment();
  reconcile_duration_seconds_.Add({{"reconciler", name}}, reconcile_buckets()).Observe(seconds);
}

void OperatorMetrics::set_drift(std::string_view reconciler,
                                const std::map<observed::DriftKind, int64_t>& counts) {
  const auto name = s(reconciler_label(reconciler));
  // Kinds that went away go to 0 instead of vanishing, so "drift ended" is a visible 0.
  std::set<observed::DriftKind> kinds(kDriftKinds.begin(), kDriftKinds.end());
  for (const auto& [kind, _] : counts) kinds.insert(kind);
  for (auto kind : kinds) {
    auto it = counts.find(kind);
    drift_items_.Add({{"reconciler", name}, {"kind", s(observed::drift_kind_name(kind))}})
        .Set(it == counts.end() ? 0 : static_cast<double>(it->second));
  }
}

void OperatorMetrics::set_drift(std::string_view reconciler,
                                const std::vector<observed::DriftItem>& items) {
  std::map<observed::DriftKind, int64_t> counts;
  for (const auto& item : items) ++counts[item.kind];
  set_drift(reconciler, counts);
}

void OperatorMetrics::set_converged(bool converged) {
  converged_.Add({}).Set(as_gauge(converged));
}

void OperatorMetrics::set_reconciler_paused(std::string_view reconciler, bool paused) {
  reconciler_paused_.Add({{"reconciler", s(reconciler_label(reconciler))}}).Set(as_gauge(paused));
}

void OperatorMetrics::set_reconciler_backoff_targets(std::string_view reconciler, int64_t targets) {
  reconciler_backoff_targets_.Add({{"reconciler", s(reconciler_label(reconciler))}})
      .Set(static_cast<double>(targets));
}

void OperatorMetrics::set_mdm_members(const std::vector<MdmMemberSample>& members) {
  std::map<std::pair<std::string_view, std::string_view>, int64_t> counts;
  for (const auto& m : members) ++counts[{mdm_role_label(m.role), mdm_state_label(m.status)}];
  for (auto role : kMdmRolesAndOther) {
    for (auto state : kMdmStates) {
      auto it = counts.find({role, state});
      mdm_cluster_members_.Add({{"role", s(role)}, {"state", s(state)}})
          .Set(it == counts.end() ? 0 : static_cast<double>(it->second));
    }
  }
}

void OperatorMetrics::set_mdm_quorum_healthy(bool healthy) {
  mdm_quorum_healthy_.Add({}).Set(as_gauge(healthy));
}

void OperatorMetrics::set_sds_states(const std::vector<std::string>& connection_states) {
  std::map<std::string_view, int64_t> counts;
  for (const auto& state : connection_states) ++counts[sds_state_label(state)];
  for (auto state : kSdsStates) {
    auto it = counts.find(state);
    sds_.Add({{"state", s(state)}}).Set(it == counts.end() ? 0 : static_cast<double>(it->second));
  }
}

void OperatorMetrics::set_sdc_connected(int64_t connected) {
  sdc_connected_.Add({}).Set(static_cast<double>(connected));
}

void OperatorMetrics::set_storage_pools(const std::vector<PoolCapacitySample>& pools) {
  std::lock_guard lock(pools_mu_);
  std::map<std::pair<std::string, std::string>, const PoolCapacitySample*> wanted;
  for (const auto& pool : pools) {
    if (wanted.size() >= kMaxPools) break;
    wanted[{pool.domain, pool.pool}] = &pool;
  }
  for (auto it = pools_.begin(); it != pools_.end();) {
    if (wanted.count(it->first) != 0) {
      ++it;
      continue;
    }
    for (auto* gauge : it->second) storage_pool_capacity_bytes_.Remove(gauge);
    it = pools_.erase(it);
  }
  for (const auto& [key, sample] : wanted) {
    auto gauge = [&](const char* kind) -> Gauge& {
      return storage_pool_capacity_bytes_.Add(
          {{"domain", key.first}, {"pool", key.second}, {"kind", kind}});
    };
    Gauge& total = gauge("total");
    Gauge& used = gauge("used");
    Gauge& spare = gauge("spare");
    total.Set(sample->total_bytes);
    used.Set(sample->used_bytes);
    spare.Set(sample->spare_bytes);
    pools_[key] = {&total, &used, &spare};
  }
}

void OperatorMetrics::gateway_request_done(std::string_view method, int status,
                                           std::optional<double> seconds) {
  gateway_requests_total_
      .Add({{"method", s(http_method_label(method))}, {"code", s(http_code_label(status))}})
      .Increment();
  if (seconds) gateway_request_duration_seconds_.Add({}, gateway_buckets()).Observe(*seconds);
}

void OperatorMetrics::set_gateway_reachable(bool reachable) {
  gateway_reachable_.Add({}).Set(as_gauge(reachable));
}

void OperatorMetrics::set_gateway_oldest_request_seconds(double seconds) {
  gateway_oldest_request_seconds_.Add({}).Set(seconds);
}

void OperatorMetrics::set_eventlog_last_sequence(uint64_t sequence) {
  eventlog_last_sequence_.Add({}).Set(static_cast<double>(sequence));
}

void OperatorMetrics::eventlog_append_done(double seconds) {
  eventlog_append_duration_seconds_.Add({}, append_buckets()).Observe(seconds);
}

void OperatorMetrics::set_mesos_subscribed(bool subscribed) {
  mesos_subscribed_.Add({}).Set(as_gauge(subscribed));
}

void OperatorMetrics::offers_handled(OfferOutcome outcome, uint64_t count) {
  mesos_offers_total_.Add({{"outcome", s(offer_outcome_label(outcome))}})
      .Increment(static_cast<double>(count));
}

void OperatorMetrics::task_status_update(mesos::TaskState state) {
  task_status_counter(state).Increment();
}

void OperatorMetrics::task_status_update(std::string_view mesos_state_name) {
  task_status_updates_total_.Add({{"state", s(task_state_label(mesos_state_name))}}).Increment();
}

std::string OperatorMetrics::serialize() const {
  return prometheus::TextSerializer().Serialize(registry_->Collect());
}

}  // namespace scaleio::metrics
