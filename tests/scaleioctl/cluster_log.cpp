#include "tests/scaleioctl/cluster_log.h"

#include <stdexcept>

#include "core/ports/scaleio_types.h"

namespace scaleio::ctl::testing {

namespace {

using events::Envelope;

Envelope agent(int n, const std::string& persona) {
  Envelope e;
  e.set_source(events::SOURCE_OBSERVER);
  auto* a = e.mutable_agent_observed();
  a->set_hostname("host-" + std::to_string(n));
  a->set_agent_id("S" + std::to_string(n));
  a->set_ip(host_ip(n));
  a->set_active(true);
  std::vector<std::pair<std::string, std::string>> attrs = {
      {"scaleio-persona", persona},    {"scaleio-sds-domains", "pd1"}, {"scaleio-sds-pd1", "sp1"},
      {"scaleio-sds-sp1", "/dev/sdb"}, {"scaleio-sdc-domains", "pd1"}, {"scaleio-sdc-pd1", "sp1"}};
  if (n == 1) attrs.push_back({"scaleio-sdc-volumes", "data1=16GB@pd1/sp1"});
  for (const auto& [name, value] : attrs) {
    auto* x = a->add_attributes();
    x->set_name(name);
    x->set_type(events::Attribute::TEXT);
    x->set_text(value);
  }
  return e;
}

Envelope observed() {
  Envelope e;
  e.set_source(events::SOURCE_OBSERVER);
  return e;
}

Envelope mdm_cluster() {
  Envelope e = observed();
  auto* c = e.mutable_mdm_cluster_observed();
  c->set_exists(true);
  c->set_id("cluster-1");
  c->set_name("scaleio");
  c->set_mode("ThreeNodes");
  c->set_state("ClusteredNormal");
  const std::pair<const char*, bool> roles[] = {
      {"master", true}, {"slave", true}, {"tiebreaker", false}};
  for (int n = 1; n <= 3; ++n) {
    auto* m = c->add_members();
    m->set_id("mdm-" + std::to_string(n));
    m->set_name("mdm-" + std::to_string(n));
    m->add_ips(host_ip(n));
    m->set_role(roles[n - 1].first);
    m->set_manager(roles[n - 1].second);
    m->set_status("Normal");
  }
  return e;
}

Envelope sds(int n) {
  Envelope e = observed();
  auto* s = e.mutable_sds_observed();
  s->set_id("sds-" + std::to_string(n));
  s->set_name("sds-host-" + std::to_string(n));
  s->set_protection_domain_id("pd-id-1");
  auto* ip = s->add_ips();
  ip->set_ip(host_ip(n));
  ip->set_role("all");
  s->set_port(7072);
  s->set_state("Normal");
  s->set_membership_state("Joined");
  s->set_connection_state("Connected");
  auto* d = s->add_devices();
  d->set_id("dev-" + std::to_string(n));
  d->set_path("/dev/sdb");
  d->set_storage_pool_id("sp-id-1");
  d->set_state("Normal");
  d->set_error_state("None");
  d->set_max_capacity_kb(100 * sio::kKbPerGb);
  return e;
}

Envelope sdc(int n) {
  Envelope e = observed();
  auto* s = e.mutable_sdc_observed();
  s->set_id("sdc-" + std::to_string(n));
  s->set_name("sdc-host-" + std::to_string(n));
  s->set_guid("guid-" + std::to_string(n));
  s->set_ip(host_ip(n));
  s->set_approved(true);
  s->set_connection_state("Connected");
  return e;
}

Envelope action(const std::string& kind, const std::string& name, const std::string& target,
                const std::string& result = "") {
  Envelope e;
  e.set_source(events::SOURCE_RECONCILER);
  if (kind == "started") {
    auto* a = e.mutable_action_started();
    a->set_reconciler("storage_pools");
    a->set_action(name);
    a->set_target(target);
    a->set_idempotency_key(name + ":" + target);
  } else {
    auto* a = e.mutable_action_succeeded();
    a->set_reconciler("storage_pools");
    a->set_action(name);
    a->set_target(target);
    a->set_idempotency_key(name + ":" + target);
    a->set_result(result);
  }
  return e;
}

}  // namespace

std::string host_ip(int n) {
  return "10.0.0." + std::to_string(10 + n);
}

ClusterLog::ClusterLog(ClusterOptions options) : path_(dir_.sub("data")) {
  eventlog::EventLogOptions log_options;
  log_options.sync = false;
  auto opened = eventlog::RocksEventLog::open(path_, log_options);
  if (!opened.ok()) throw std::runtime_error(opened.status().to_string());
  log_ = std::move(*opened);

  for (int n = 1; n <= 3; ++n) {
    append("node/host-" + std::to_string(n), agent(n, n == 1   ? "primary"
                                                      : n == 2 ? "secondary"
                                                               : "tiebreaker"));
  }
  Envelope framework;
  framework.set_source(events::SOURCE_SYSTEM);
  framework.mutable_framework_registered()->set_framework_id("fw-1");
  append("mesos/framework", framework);

  const std::string gw = "scaleio/gateway";
  Envelope reachable = observed();
  reachable.mutable_gateway_reachable()->set_gateway("https://10.0.0.1");
  reachable.mutable_gateway_reachable()->set_version("2.0.14000");
  append(gw, reachable);
  append(gw, mdm_cluster());
  Envelope pd = observed();
  pd.mutable_protection_domain_observed()->set_id("pd-id-1");
  pd.mutable_protection_domain_observed()->set_name("pd1");
  pd.mutable_protection_domain_observed()->set_state("Active");
  append(gw, pd);

  append("reconciler/storage_pools", action("started", "create_storage_pool", "pool/pd1/sp1"));
  Envelope pool = observed();
  auto* p = pool.mutable_storage_pool_observed();
  p->set_id("sp-id-1");
  p->set_name("sp1");
  p->set_protection_domain_id("pd-id-1");
  p->set_media_type("HDD");
  p->set_spare_percentage(10);
  p->mutable_capacity()->set_max_kb(300 * sio::kKbPerGb);
  p->mutable_capacity()->set_in_use_kb(16 * sio::kKbPerGb);
  p->mutable_capacity()->set_unused_kb(254 * sio::kKbPerGb);
  p->mutable_capacity()->set_spare_kb(30 * sio::kKbPerGb);
  pool_created = append(gw, pool);
  append("reconciler/storage_pools",
         action("succeeded", "create_storage_pool", "pool/pd1/sp1", "sp-id-1"));

  for (int n = 1; n <= 3; ++n) append(gw, sds(n));
  for (int n = 1; n <= 3; ++n) {
    if (n == 3 && !options.observe_sdc_of_host3) continue;
    append(gw, sdc(n));
  }
  before_volume = log_->last_sequence();
  Envelope volume = observed();
  auto* v = volume.mutable_volume_observed();
  v->set_id("vol-id-1");
  v->set_name("data1");
  v->set_size_kb(16 * sio::kKbPerGb);
  v->set_storage_pool_id("sp-id-1");
  v->set_type("ThinProvisioned");
  v->add_mapped_sdc_ids("sdc-1");
  volume_observed = append(gw, volume);
  last = volume_observed;
}

uint64_t ClusterLog::append(const std::string& stream, events::Envelope event) {
  const int64_t at = next_ms_;
  next_ms_ += 60'000;
  return append_at(stream, std::move(event), at);
}

uint64_t ClusterLog::append_at(const std::string& stream, events::Envelope event, int64_t unix_ms) {
  event.set_timestamp_unix_ms(unix_ms);
  std::vector<events::Envelope> events;
  events.push_back(std::move(event));
  auto appended = log_->append(stream, ExpectedVersion::any(), std::move(events));
  if (!appended.ok()) throw std::runtime_error(appended.status().to_string());
  last = appended->last_sequence;
  return appended->last_sequence;
}

}  // namespace scaleio::ctl::testing
