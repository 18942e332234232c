// The operator's Prometheus metrics: every family declared once, in SCALEIO_OPERATOR_METRICS
// below (like Envoy's stats macros), and typed methods to record into them, so callers never
// build label maps and label values stay bounded (see label_values.h). Names follow Prometheus
// conventions: the scaleio_operator_ prefix, base units, _total counters, _seconds durations.
//
// The daemon serves serialize() from its own HTTP server (no prometheus-cpp pull exposer).
// Thread-safe: prometheus-cpp's metrics are; the pool set has its own lock. docs/metrics.md
// describes every metric; docs/alerts.yml alerts on them.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <prometheus/counter.h>
#include <prometheus/family.h>
#include <prometheus/gauge.h>
#include <prometheus/histogram.h>
#include <prometheus/registry.h>

#include "core/observed/drift.h"
#include "core/ports/mesos_types.h"

namespace scaleio::metrics {

inline constexpr std::string_view kPrefix = "scaleio_operator_";

// X(name without prefix, help). Labels are named where each family is recorded into.
#define SCALEIO_OPERATOR_METRICS(COUNTER, GAUGE, HISTOGRAM)                                        \
  COUNTER(reconcile_total,                                                                         \
          "Reconcile passes finished, by reconciler and result (success, error, "                  \
          "skipped).")                                                                             \
  HISTOGRAM(reconcile_duration_seconds, "Time one reconcile pass took, by reconciler.")            \
  GAUGE(drift_items, "Drift items a reconciler sees between plan and observed state, by kind.")    \
  GAUGE(converged, "1 when no reconciler sees drift, else 0.")                                     \
  GAUGE(mdm_cluster_members, "MDM cluster members by role and state, as the gateway reports.")     \
  GAUGE(mdm_quorum_healthy,                                                                        \
        "1 when the MDM cluster reports ClusteredNormal, 0 when degraded, not clustered or never " \
        "observed.")                                                                               \
  GAUGE(sds, "SDS by MDM connection state.")                                                       \
  GAUGE(sdc_connected, "SDCs connected to the MDM.")                                               \
  GAUGE(storage_pool_capacity_bytes,                                                               \
        "Storage pool capacity in bytes by domain, pool and kind (total, used, spare).")           \
  GAUGE(eventlog_last_sequence, "Sequence number of the last event appended to the event log.")    \
  HISTOGRAM(eventlog_append_duration_seconds, "Time one durable append to the event log took.")    \
  GAUGE(mesos_subscribed, "1 while subscribed to the Mesos master, else 0.")                       \
  COUNTER(mesos_offers_total, "Mesos offers handled, by outcome (launched, declined, rescinded).") \
  COUNTER(task_status_updates_total, "Mesos task status updates received, by task state.")         \
  COUNTER(gateway_requests_total,                                                                  \
          "Requests sent to the ScaleIO gateway, by method and HTTP status code (0 = no answer).") \
  HISTOGRAM(gateway_request_duration_seconds, "Time one ScaleIO gateway request took.")            \
  GAUGE(gateway_reachable, "1 when the last gateway observation succeeded, else 0.")               \
  GAUGE(gateway_oldest_request_seconds,                                                            \
        "How long the oldest ScaleIO gateway request in flight has waited for its answer, "        \
        "retries included; 0 when none is.")                                                       \
  GAUGE(reconciler_paused, "1 while an operator has paused the reconciler, else 0.")               \
  GAUGE(reconciler_backoff_targets, "Targets a reconciler is backing off from after failures.")    \
  GAUGE(build_info, "Always 1; the labels name the running build.")

enum class ReconcileResult { kSuccess, kError, kSkipped };
std::string_view reconcile_result_label(ReconcileResult result);

enum class OfferOutcome { kLaunched, kDeclined, kRescinded };
std::string_view offer_outcome_label(OfferOutcome outcome);

struct BuildInfo {
  std::string version;
  std::string commit;
};

// One MDM as the gateway reports it; free-form words, bounded when recorded.
struct MdmMemberSample {
  std::string role;    // "master", "slave", "tiebreaker", "standby"
  std::string status;  // "Normal", ...
};

struct PoolCapacitySample {
  std::string domain;
  std::string pool;
  double total_bytes = 0;
  double used_bytes = 0;
  double spare_bytes = 0;
};

class OperatorMetrics {
 public:
  // Pools past this many are not exported (their names come from the plan, which an operator
  // controls; the cap keeps a mistaken plan from flooding Prometheus).
  static constexpr size_t kMaxPools = 256;

  explicit OperatorMetrics(const BuildInfo& build);
  OperatorMetrics(const OperatorMetrics&) = delete;
  OperatorMetrics& operator=(const OperatorMetrics&) = delete;

  // Every family name, prefixed, in declaration order.
  static std::vector<std::string> family_names();

  // --- reconcilers (unknown reconciler names are recorded as "other") ---
  void reconcile_done(std::string_view reconciler, ReconcileResult result, double seconds);
  // Sets every drift kind of the reconciler: kinds absent from `counts` go to 0.
  void set_drift(std::string_view reconciler, const std::map<observed::DriftKind, int64_t>& counts);
  void set_drift(std::string_view reconciler, const std::vector<observed::DriftItem>& items);
  void set_converged(bool converged);
  void set_reconciler_paused(std::string_view reconciler, bool paused);
  void set_reconciler_backoff_targets(std::string_view reconciler, int64_t targets);

  // --- ScaleIO (see also record_observed in observed_state_metrics.h) ---
  // Replaces the member counts: combinations not in `members` go to 0.
  void set_mdm_members(const std::vector<MdmMemberSample>& members);
  void set_mdm_quorum_healthy(bool healthy);
  // One mdmConnectionState per SDS; replaces the counts.
  void set_sds_states(const std::vector<std::string>& connection_states);
  void set_sdc_connected(int64_t connected);
  // Replaces the set of pools: pools not in `pools` disappear from the output.
  void set_storage_pools(const std::vector<PoolCapacitySample>& pools);
  void gateway_request_done(std::string_view method, int status,
                            std::optional<double> seconds = std::nullopt);
  void set_gateway_reachable(bool reachable);
  void set_gateway_oldest_request_seconds(double seconds);  // 0 when nothing is in flight

  // --- event log ---
  void set_eventlog_last_sequence(uint64_t sequence);
  void eventlog_append_done(double seconds);

  // --- Mesos ---
  void set_mesos_subscribed(bool subscribed);
  void offers_handled(OfferOutcome outcome, uint64_t count = 1);
  void task_status_update(mesos::TaskState state);
  void task_status_update(std::string_view mesos_state_name);  // "TASK_RUNNING"

  // Prometheus text exposition format (version 0.0.4).
  std::string serialize() const;
  prometheus::Registry& registry() { return *registry_; }

 private:
  prometheus::Counter& task_status_counter(mesos::TaskState state);

  std::shared_ptr<prometheus::Registry> registry_;

#define SCALEIO_METRICS_MEMBER_COUNTER(name, help) prometheus::Family<prometheus::Counter>& name##_;
#define SCALEIO_METRICS_MEMBER_GAUGE(name, help) prometheus::Family<prometheus::Gauge>& name##_;
#define SCALEIO_METRICS_MEMBER_HISTOGRAM(name, help) \
  prometheus::Family<prometheus::Histogram>& name##_;
  SCALEIO_OPERATOR_METRICS(SCALEIO_METRICS_MEMBER_COUNTER, SCALEIO_METRICS_MEMBER_GAUGE,
                           SCALEIO_METRICS_MEMBER_HISTOGRAM)
#undef SCALEIO_METRICS_MEMBER_COUNTER
#undef SCALEIO_METRICS_MEMBER_GAUGE
#undef SCALEIO_METRICS_MEMBER_HISTOGRAM

  std::mutex pools_mu_;
  // (domain, pool) -> the three gauges of that pool, so a pool that went away can be removed.
  std::map<std::pair<std::string, std::string>, std::vector<prometheus::Gauge*>> pools_;
};

}  // namespace scaleio::metrics
