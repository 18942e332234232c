#include <catch2/catch.hpp>

#include <regex>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "adapters/metrics/gateway_request_recorder.h"
#include "adapters/metrics/label_values.h"
#include "adapters/metrics/observed_state_metrics.h"
#include "adapters/metrics/operator_metrics.h"
#include "tests/metrics/exposition_parser.h"

namespace scaleio::metrics {
namespace {

using testing::Exposition;
using testing::parse_exposition;
using Labels = std::map<std::string, std::string>;

const std::string kP = "scaleio_operator_";

Exposition parsed(const OperatorMetrics& metrics) {
  auto text = metrics.serialize();
  auto exposition = parse_exposition(text);
  INFO(text);
  REQUIRE(exposition.error == "");
  return exposition;
}

// The value of one series; fails the test when the series is not in the output.
double value_of(const Exposition& e, const std::string& family, const Labels& labels,
                const std::string& suffix = "") {
  const auto* sample = e.find(kP + family, kP + family + suffix, labels);
  INFO(family << suffix);
  REQUIRE(sample != nullptr);
  return sample->value;
}

bool has_series(const Exposition& e, const std::string& family, const Labels& labels) {
  return e.find(kP + family, kP + family, labels) != nullptr;
}

std::set<std::string> label_values(const Exposition& e, const std::string& family,
                                   const std::string& label) {
  std::set<std::string> values;
  for (const auto& sample : e.families.at(kP + family).samples) {
    if (auto it = sample.labels.find(label); it != sample.labels.end()) values.insert(it->second);
  }
  return values;
}

TEST_CASE("every declared family has HELP, TYPE and a conventional name") {
  OperatorMetrics metrics({"1.2.3", "abc123"});
  // The two families whose label values are not known up front have no series until something is
  // recorded (and prometheus-cpp omits a family without series).
  metrics.set_storage_pools({{"pd", "sp", 1, 0, 0}});
  metrics.gateway_request_done("GET", 200);
  auto e = parsed(metrics);
  const std::regex name_pattern("scaleio_operator_[a-z][a-z0-9_]*");
  auto names = OperatorMetrics::family_names();
  REQUIRE(names.size() == 21);
  for (const auto& name : names) {
    INFO(name);
    REQUIRE(e.families.count(name) == 1);
    const auto& family = e.families.at(name);
    CHECK(std::regex_match(name, name_pattern));
    CHECK_FALSE(family.help.empty());
    const bool is_total = name.size() > 6 && name.substr(name.size() - 6) == "_total";
    CHECK(is_total == (family.type == "counter"));
    if (family.type == "histogram") CHECK(name.substr(name.size() - 8) == "_seconds");
    CHECK(name.find("milliseconds") == std::string::npos);
  }
  // Nothing else is exported.
  CHECK(e.families.size() == names.size());
}

TEST_CASE("known series exist at 0 from the start") {
  OperatorMetrics metrics({"1.2.3", "abc123"});
  auto e = parsed(metrics);
  for (auto reconciler : kReconcilers) {
    for (std::string result : {"success", "error", "skipped"}) {
      CHECK(value_of(e, "reconcile_total",
                     {{"reconciler", std::string(reconciler)}, {"result", result}}) == 0);
    }
    CHECK(value_of(e, "drift_items",
                   {{"reconciler", std::string(reconciler)}, {"kind", "missing"}}) == 0);
    CHECK(value_of(e, "reconciler_paused", {{"reconciler", std::string(reconciler)}}) == 0);
  }
  CHECK(value_of(e, "mesos_offers_total", {{"outcome", "rescinded"}}) == 0);
  CHECK(value_of(e, "task_status_updates_total", {{"state", "TASK_RUNNING"}}) == 0);
  CHECK(value_of(e, "task_status_updates_total", {{"state", "TASK_GONE_BY_OPERATOR"}}) == 0);
  CHECK(value_of(e, "sds", {{"state", "disconnected"}}) == 0);
  CHECK(value_of(e, "mdm_cluster_members", {{"role", "tiebreaker"}, {"state", "normal"}}) == 0);
  CHECK(value_of(e, "mdm_quorum_healthy", {}) == 0);
  CHECK(value_of(e, "gateway_request_duration_seconds", {}, "_count") == 0);
  CHECK(value_of(e, "build_info", {{"version", "1.2.3"}, {"commit", "abc123"}}) == 1);
  // No series for "other" until something unknown arrives.
  CHECK(label_values(e, "reconcile_total", "reconciler").count("other") == 0);
}

TEST_CASE("reconcile_done counts the result and fills cumulative histogram buckets") {
  OperatorMetrics metrics({"v", "c"});
  metrics.reconcile_done("nodes", ReconcileResult::kSuccess, 0.003);
  metrics.reconcile_done("nodes", ReconcileResult::kSuccess, 0.2);
  metrics.reconcile_done("nodes", ReconcileResult::kError, 120);
  auto e = parsed(metrics);
  CHECK(value_of(e, "reconcile_total", {{"reconciler", "nodes"}, {"result", "success"}}) == 2);
  CHECK(value_of(e, "reconcile_total", {{"reconciler", "nodes"}, {"result", "error"}}) == 1);
  CHECK(value_of(e, "reconcile_total", {{"reconciler", "mdm_quorum"}, {"result", "success"}}) == 0);

  const Labels nodes = {{"reconciler", "nodes"}};
  CHECK(value_of(e, "reconcile_duration_seconds", nodes, "_count") == 3);
  CHECK(value_of(e, "reconcile_duration_seconds", nodes, "_sum") == Approx(120.203));
  auto bucket = [&](const std::string& le) {
    return value_of(e, "reconcile_duration_seconds", {{"reconciler", "nodes"}, {"le", le}},
                    "_bucket");
  };
  CHECK(bucket("0.001") == 0);
  CHECK(bucket("0.005") == 1);
  CHECK(bucket("0.25") == 2);
  CHECK(bucket("60") == 2);
  CHECK(bucket("+Inf") == 3);
  // Buckets are cumulative and end with +Inf equal to the count.
  double previous = 0;
  int buckets = 0;
  for (const auto& sample : e.families.at(kP + "reconcile_duration_seconds").samples) {
    if (sample.name != kP + "reconcile_duration_seconds_bucket" ||
        sample.labels.at("reconciler") != "nodes") {
      continue;
    }
    CHECK(sample.value >= previous);
    previous = sample.value;
    ++buckets;
  }
  CHECK(buckets == 15);  // 14 bounds and +Inf
}

TEST_CASE("set_drift zeroes the kinds that went away") {
  OperatorMetrics metrics({"v", "c"});
  using observed::DriftKind;
  metrics.set_drift("storage_pools", {{DriftKind::kMissing, 3}, {DriftKind::kWaiting, 1}});
  auto e = parsed(metrics);
  const Labels missing = {{"reconciler", "storage_pools"}, {"kind", "missing"}};
  const Labels waiting = {{"reconciler", "storage_pools"}, {"kind", "waiting"}};
  CHECK(value_of(e, "drift_items", missing) == 3);
  CHECK(value_of(e, "drift_items", waiting) == 1);

  std::vector<observed::DriftItem> items = {{"pool/pd1/sp1", DriftKind::kMissing, "", 0}};
  metrics.set_drift("storage_pools", items);
  e = parsed(metrics);
  CHECK(value_of(e, "drift_items", missing) == 1);
  CHECK(value_of(e, "drift_items", waiting) == 0);
  CHECK(value_of(e, "drift_items", {{"reconciler", "storage_pools"}, {"kind", "invalid-plan"}}) ==
        0);
  // Another reconciler's drift is untouched.
  CHECK(value_of(e, "drift_items", {{"reconciler", "nodes"}, {"kind", "missing"}}) == 0);

  metrics.set_drift("storage_pools", std::vector<observed::DriftItem>{});
  e = parsed(metrics);
  CHECK(value_of(e, "drift_items", missing) == 0);
}

TEST_CASE("unknown label values are recorded as other and stay bounded") {
  OperatorMetrics metrics({"v", "c"});
  for (int i = 0; i < 500; ++i) {
    const auto name = "reconciler-" + std::to_string(i);
    metrics.reconcile_done(name, ReconcileResult::kError, 0.01);
    metrics.set_reconciler_paused(name, true);
    metrics.task_status_update("TASK_SOMETHING_" + std::to_string(i));
    metrics.gateway_request_done("VERB" + std::to_string(i), 1000 + i);
  }
  metrics.gateway_request_done("GET", 200, 0.02);
  metrics.gateway_request_done("POST", 0);
  metrics.task_status_update(mesos::TaskState::kFailed);
  metrics.task_status_update("TASK_RUNNING");
  auto e = parsed(metrics);

  CHECK(value_of(e, "reconcile_total", {{"reconciler", "other"}, {"result", "error"}}) == 500);
  CHECK(value_of(e, "reconciler_paused", {{"reconciler", "other"}}) == 1);
  CHECK(label_values(e, "reconcile_total", "reconciler") ==
        std::set<std::string>{"nodes", "mdm_quorum", "storage_pools", "sdc_mappings", "other"});
  CHECK(value_of(e, "task_status_updates_total", {{"state", "other"}}) == 500);
  CHECK(value_of(e, "task_status_updates_total", {{"state", "TASK_FAILED"}}) == 1);
  CHECK(value_of(e, "task_status_updates_total", {{"state", "TASK_RUNNING"}}) == 1);
  CHECK(label_values(e, "task_status_updates_total", "state").size() == 15);  // 14 + other
  CHECK(value_of(e, "gateway_requests_total", {{"method", "other"}, {"code", "other"}}) == 500);
  CHECK(value_of(e, "gateway_requests_total", {{"method", "GET"}, {"code", "200"}}) == 1);
  CHECK(value_of(e, "gateway_requests_total", {{"method", "POST"}, {"code", "0"}}) == 1);
  CHECK(value_of(e, "gateway_request_duration_seconds", {}, "_count") == 1);
  CHECK(e.families.at(kP + "gateway_requests_total").samples.size() == 3);
}

TEST_CASE("label helpers answer only from their closed sets") {
  CHECK(reconciler_label("sdc_mappings") == "sdc_mappings");
  CHECK(reconciler_label("Nodes") == "other");
  CHECK(http_code_label(404) == "404");
  CHECK(http_code_label(99) == "other");
  CHECK(http_code_label(-1) == "other");
  CHECK(mdm_role_label("TieBreaker") == "tiebreaker");
  CHECK(mdm_role_label("Manager") == "other");
  CHECK(mdm_state_label("Normal") == "normal");
  CHECK(sds_state_label("Connected") == "connected");
  CHECK(sds_state_label("") == "other");
}

TEST_CASE("MDM members, SDS and SDC gauges count by bounded state") {
  OperatorMetrics metrics({"v", "c"});
  metrics.set_mdm_members({{"master", "Normal"},
                           {"slave", "Normal"},
                           {"slave", "Disconnected"},
                           {"tiebreaker", "Normal"},
                           {"witch", "Haunted"}});
  metrics.set_sds_states({"Connected", "Connected", "Disconnected", "Rebooting"});
  metrics.set_sdc_connected(7);
  auto e = parsed(metrics);
  CHECK(value_of(e, "mdm_cluster_members", {{"role", "master"}, {"state", "normal"}}) == 1);
  CHECK(value_of(e, "mdm_cluster_members", {{"role", "slave"}, {"state", "normal"}}) == 1);
  CHECK(value_of(e, "mdm_cluster_members", {{"role", "slave"}, {"state", "disconnected"}}) == 1);
  CHECK(value_of(e, "mdm_cluster_members", {{"role", "other"}, {"state", "other"}}) == 1);
  CHECK(value_of(e, "sds", {{"state", "connected"}}) == 2);
  CHECK(value_of(e, "sds", {{"state", "disconnected"}}) == 1);
  CHECK(value_of(e, "sds", {{"state", "other"}}) == 1);
  CHECK(value_of(e, "sdc_connected", {}) == 7);

  // A later observation replaces the counts.
  metrics.set_mdm_members({{"master", "Normal"}});
  metrics.set_sds_states({"Connected"});
  e = parsed(metrics);
  CHECK(value_of(e, "mdm_cluster_members", {{"role", "slave"}, {"state", "disconnected"}}) == 0);
  CHECK(value_of(e, "sds", {{"state", "disconnected"}}) == 0);
  CHECK(value_of(e, "sds", {{"state", "connected"}}) == 1);
}

TEST_CASE("storage pools replace the set, escape odd names and are capped") {
  OperatorMetrics metrics({"v", "c"});
  const std::string odd = "sp \"fast\"\\ssd\nx";
  metrics.set_storage_pools({{"pd1", "sp1", 1000, 900, 100}, {"pd1", odd, 10, 1, 0}});
  auto e = parsed(metrics);
  CHECK(value_of(e, "storage_pool_capacity_bytes",
                 {{"domain", "pd1"}, {"pool", "sp1"}, {"kind", "used"}}) == 900);
  CHECK(value_of(e, "storage_pool_capacity_bytes",
                 {{"domain", "pd1"}, {"pool", "sp1"}, {"kind", "spare"}}) == 100);
  CHECK(value_of(e, "storage_pool_capacity_bytes",
                 {{"domain", "pd1"}, {"pool", odd}, {"kind", "total"}}) == 10);

  metrics.set_storage_pools({{"pd1", odd, 10, 2, 0}});
  e = parsed(metrics);
  CHECK_FALSE(has_series(e, "storage_pool_capacity_bytes",
                         {{"domain", "pd1"}, {"pool", "sp1"}, {"kind", "total"}}));
  CHECK(value_of(e, "storage_pool_capacity_bytes",
                 {{"domain", "pd1"}, {"pool", odd}, {"kind", "used"}}) == 2);

  std::vector<PoolCapacitySample> many;
  for (size_t i = 0; i < OperatorMetrics::kMaxPools + 50; ++i) {
    many.push_back({"pd", "sp" + std::to_string(i), 1, 0, 0});
  }
  metrics.set_storage_pools(many);
  e = parsed(metrics);
  CHECK(e.families.at(kP + "storage_pool_capacity_bytes").samples.size() ==
        3 * OperatorMetrics::kMaxPools);
}

TEST_CASE("record_observed maps the observed state onto the ScaleIO gauges") {
  observed::ObservedState state;
  state.reachable = true;
  events::MdmClusterObserved mdm;
  mdm.set_exists(true);
  mdm.set_state("ClusteredNormal");
  for (auto [role, status] :
       {std::pair{"master", "Normal"}, {"slave", "Normal"}, {"tiebreaker", "Normal"}}) {
    auto* member = mdm.add_members();
    member->set_role(role);
    member->set_status(status);
  }
  state.mdm = observed::Seen<events::MdmClusterObserved>{mdm, 1};
  events::ProtectionDomainObserved pd;
  pd.set_id("pdid");
  pd.set_name("pd1");
  state.protection_domains["pdid"] = {pd, 2};
  events::StoragePoolObserved pool;
  pool.set_id("spid");
  pool.set_name("sp1");
  pool.set_protection_domain_id("pdid");
  pool.mutable_capacity()->set_max_kb(100);
  pool.mutable_capacity()->set_in_use_kb(50);
  pool.mutable_capacity()->set_spare_kb(10);
  state.storage_pools["spid"] = {pool, 3};
  events::StoragePoolObserved no_stats;
  no_stats.set_id("sp2id");
  no_stats.set_name("sp2");
  no_stats.set_protection_domain_id("pdid");
  state.storage_pools["sp2id"] = {no_stats, 3};
  events::SdsObserved sds;
  sds.set_connection_state("Connected");
  state.sdss["s1"] = {sds, 4};
  sds.set_connection_state("Disconnected");
  state.sdss["s2"] = {sds, 4};
  events::SdcObserved sdc;
  sdc.set_connection_state("Connected");
  state.sdcs["c1"] = {sdc, 5};
  sdc.set_connection_state("Disconnected");
  state.sdcs["c2"] = {sdc, 5};

  OperatorMetrics metrics({"v", "c"});
  record_observed(metrics, state);
  auto e = parsed(metrics);
  CHECK(value_of(e, "gateway_reachable", {}) == 1);
  CHECK(value_of(e, "mdm_quorum_healthy", {}) == 1);
  CHECK(value_of(e, "mdm_cluster_members", {{"role", "tiebreaker"}, {"state", "normal"}}) == 1);
  CHECK(value_of(e, "sds", {{"state", "disconnected"}}) == 1);
  CHECK(value_of(e, "sdc_connected", {}) == 1);
  CHECK(value_of(e, "storage_pool_capacity_bytes",
                 {{"domain", "pd1"}, {"pool", "sp1"}, {"kind", "total"}}) == 100 * 1024);
  CHECK(value_of(e, "storage_pool_capacity_bytes",
                 {{"domain", "pd1"}, {"pool", "sp1"}, {"kind", "used"}}) == 50 * 1024);
  CHECK_FALSE(has_series(e, "storage_pool_capacity_bytes",
                         {{"domain", "pd1"}, {"pool", "sp2"}, {"kind", "total"}}));

  state.reachable = false;
  state.mdm->value.set_state("ClusteredDegraded");
  record_observed(metrics, state);
  e = parsed(metrics);
  CHECK(value_of(e, "gateway_reachable", {}) == 0);
  CHECK(value_of(e, "mdm_quorum_healthy", {}) == 0);
}

TEST_CASE("the gateway request recorder feeds gateway_requests_total") {
  OperatorMetrics metrics({"v", "c"});
  GatewayRequestRecorder recorder(metrics);
  gateway::RequestObserver observer = recorder.observer();
  observer("GET", 200);
  observer("GET", 200);
  observer("POST", 503);
  recorder.record("GET", 401, 0.5);
  auto e = parsed(metrics);
  CHECK(value_of(e, "gateway_requests_total", {{"method", "GET"}, {"code", "200"}}) == 2);
  CHECK(value_of(e, "gateway_requests_total", {{"method", "POST"}, {"code", "503"}}) == 1);
  CHECK(value_of(e, "gateway_requests_total", {{"method", "GET"}, {"code", "401"}}) == 1);
  CHECK(value_of(e, "gateway_request_duration_seconds", {}, "_sum") == 0.5);
}

TEST_CASE("the remaining gauges and counters record what they are given") {
  OperatorMetrics metrics({"v", "c"});
  metrics.set_converged(true);
  metrics.set_reconciler_backoff_targets("nodes", 3);
  metrics.set_eventlog_last_sequence(123456789);
  metrics.eventlog_append_done(0.0003);
  metrics.set_mesos_subscribed(true);
  metrics.offers_handled(OfferOutcome::kDeclined, 4);
  metrics.offers_handled(OfferOutcome::kLaunched);
  auto e = parsed(metrics);
  CHECK(value_of(e, "converged", {}) == 1);
  CHECK(value_of(e, "reconciler_backoff_targets", {{"reconciler", "nodes"}}) == 3);
  CHECK(value_of(e, "eventlog_last_sequence", {}) == 123456789);
  CHECK(value_of(e, "eventlog_append_duration_seconds", {{"le", "0.0005"}}, "_bucket") == 1);
  CHECK(value_of(e, "eventlog_append_duration_seconds", {{"le", "0.00025"}}, "_bucket") == 0);
  CHECK(value_of(e, "mesos_subscribed", {}) == 1);
  CHECK(value_of(e, "mesos_offers_total", {{"outcome", "declined"}}) == 4);
  CHECK(value_of(e, "mesos_offers_total", {{"outcome", "launched"}}) == 1);
}

TEST_CASE("recording from several threads loses nothing") {
  OperatorMetrics metrics({"v", "c"});
  constexpr int kThreads = 4;
  constexpr int kEach = 2000;
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&metrics, t] {
      for (int i = 0; i < kEach; ++i) {
        metrics.reconcile_done(kReconcilers[t % kReconcilers.size()], ReconcileResult::kSuccess,
                               0.001 * (i % 7));
        metrics.gateway_request_done("GET", 200 + (i % 3));
        metrics.set_storage_pools({{"pd", "sp" + std::to_string(i % 5), 1, 0, 0}});
        if (i % 100 == 0) (void)metrics.serialize();
      }
    });
  }
  for (auto& thread : threads) thread.join();
  auto e = parsed(metrics);
  double reconciles = 0;
  for (auto reconciler : kReconcilers) {
    reconciles += value_of(e, "reconcile_total",
                           {{"reconciler", std::string(reconciler)}, {"result", "success"}});
  }
  CHECK(reconciles == kThreads * kEach);
  double requests = 0;
  for (const auto& sample : e.families.at(kP + "gateway_requests_total").samples) {
    requests += sample.value;
  }
  CHECK(requests == kThreads * kEach);
  CHECK(e.families.at(kP + "storage_pool_capacity_bytes").samples.size() == 3);
}

}  // namespace
}  // namespace scaleio::metrics
