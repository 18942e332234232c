// The observer against the simulated gateway over HTTPS and a real RocksDB log: changes only,
// one event per real change, one GatewayUnreachable per outage, stale-not-empty state.
#include <catch2/catch.hpp>

#include "adapters/scaleio/gateway_observer.h"
#include "eventlog/rocks_event_log.h"
#include "tests/scaleio/client_fixture.h"
#include "tests/support/temp_dir.h"

namespace scaleio::gateway::testing {

namespace {

struct ObserverFixture {
  ObserverFixture() {
    f.gw.three_node_cluster();
    auto& c = *f.client;
    pd = c.create_protection_domain("pd1").value();
    pool = c.create_storage_pool({"sp1", pd, "", std::nullopt, std::nullopt}).value();
    int n = 0;
    for (const char* ip : {"10.0.0.1", "10.0.0.2", "10.0.0.3"}) {
      sio::NewSds spec{"sds" + std::to_string(++n), pd, "", {{ip, "all"}}, std::nullopt,
                       {{"/dev/sdb", pool, ""}}};
      REQUIRE(c.create_sds(spec).ok());
    }
    f.gw.advance(std::chrono::minutes(1));  // SDSs joined, devices tested: capacity
    volume = c.create_volume({"vol1", pd, pool, 8 * sio::kKbPerGb, true}).value();
    auto opened = eventlog::RocksEventLog::open(dir.sub("log"));
    REQUIRE(opened.ok());
    log = std::move(opened).value();
    observer = make_observer();
  }
  std::unique_ptr<GatewayObserver> make_observer() {
    auto o = std::make_unique<GatewayObserver>(
        *f.client, *log,
        ObserverOptions{std::chrono::milliseconds(10), "scaleio/gateway", f.gw.url()});
    REQUIRE(o->load().ok());
    return o;
  }
  size_t poll() {
    auto r = observer->poll_once();
    INFO(r.status().to_string());
    REQUIRE(r.ok());
    return r->events_appended;
  }
  std::vector<Envelope> events_after(uint64_t sequence) {
    return log->read(sequence + 1, 1000).value();
  }
  std::string sdc_id(const std::string& ip) {
    const auto sdcs = f.client->list_sdcs();
    REQUIRE(sdcs.ok());
    for (const auto& s : *sdcs) {
      if (s.ip == ip) return s.id;
    }
    FAIL("no SDC with ip " << ip);
    return "";
  }

  ClientFixture f;
  scaleio::testing::TempDir dir;
  std::unique_ptr<eventlog::RocksEventLog> log;
  std::unique_ptr<GatewayObserver> observer;
  std::string pd, pool, volume;
};

}  // namespace

TEST_CASE("observer: the first poll records the cluster, 100 quiet polls append nothing") {
  ObserverFixture o;
  o.f.gw.clear_requests();
  const size_t first = o.poll();
  // Reachable, MDM cluster, PD, pool, 3 SDSs, 3 SDCs, 1 volume.
  CHECK(first == 11);
  auto events = o.events_after(0);
  REQUIRE(events.size() == 11);
  CHECK(events[0].event_type() == "GatewayReachable");
  CHECK(events[0].gateway_reachable().version() == "2.0.1");
  for (const auto& e : events) CHECK(e.stream_id() == "scaleio/gateway");

  const auto state = o.observer->state();
  CHECK(state.reachable);
  CHECK_FALSE(state.stale);
  REQUIRE(state.mdm);
  CHECK(state.mdm->value.mode() == "ThreeNodes");
  CHECK(state.mdm->value.members_size() == 3);
  CHECK(state.sdss.size() == 3);
  const auto* pool = state.pool_named("pd1", "sp1");
  REQUIRE(pool != nullptr);
  CHECK(pool->capacity().max_kb() == 300 * sio::kKbPerGb);
  CHECK(state.sdss.begin()->second.value.devices_size() == 1);
  // One poll = the inventory, the statistics, and the version on (re)connection.
  CHECK(o.f.gw.requests().size() == 3);

  const uint64_t last = o.log->last_sequence();
  o.f.gw.clear_requests();
  for (int i = 0; i < 100; ++i) CHECK(o.poll() == 0);
  CHECK(o.log->last_sequence() == last);
  CHECK(o.f.gw.requests().size() == 200);  // no per-object polling
  // The same listing each time: compared as a whole, not diffed object by object.
  CHECK(o.observer->unchanged_polls() == 100);
}

TEST_CASE("observer: each real change appends exactly one event") {
  ObserverFixture o;
  o.poll();
  auto& c = *o.f.client;
  const std::string sdc = o.sdc_id("10.0.0.1");

  auto one_change = [&](const char* what, const char* type, auto change) {
    INFO(what);
    const uint64_t before = o.log->last_sequence();
    const uint64_t unchanged = o.observer->unchanged_polls();
    change();
    CHECK(o.poll() == 1);
    CHECK(o.observer->unchanged_polls() == unchanged);  // a change is never taken as none
    auto events = o.events_after(before);
    REQUIRE(events.size() == 1);
    CHECK(events[0].event_type() == type);
    CHECK(o.poll() == 0);
    CHECK(o.observer->unchanged_polls() == unchanged + 1);
    return events[0];
  };
  one_change("new domain", "ProtectionDomainObserved",
             [&] { REQUIRE(c.create_protection_domain("pd2").ok()); });
  std::string fs;
  one_change("new fault set", "FaultSetObserved",
             [&] { fs = c.create_fault_set(o.pd, "fs1").value(); });
  auto named =
      one_change("SDC renamed", "SdcObserved", [&] { REQUIRE(c.set_sdc_name(sdc, "h1").ok()); });
  CHECK(named.sdc_observed().name() == "h1");
  auto mapped = one_change("volume mapped", "VolumeObserved",
                           [&] { REQUIRE(c.map_volume(o.volume, sdc, false).ok()); });
  REQUIRE(mapped.volume_observed().mapped_sdc_ids_size() == 1);
  CHECK(mapped.volume_observed().mapped_sdc_ids(0) == sdc);
  one_change("volume unmapped", "VolumeObserved",
             [&] { REQUIRE(c.unmap_volume(o.volume, sdc).ok()); });
  auto gone = one_change("fault set removed", "ScaleioObjectGone",
                         [&] { REQUIRE(c.remove_fault_set(fs).ok()); });
  CHECK(gone.scaleio_object_gone().kind() == "FaultSet");
  CHECK(o.observer->state().fault_sets.empty());
  auto sdc_down = one_change("SDC disconnected", "SdcObserved", [&] {
    REQUIRE(o.f.gw.on_io([&] { return o.f.gw.world().fail_component("mdm1", "sdc").ok(); }));
  });
  CHECK(sdc_down.sdc_observed().connection_state() == "Disconnected");
  CHECK(sdc_down.sdc_observed().ip() == "10.0.0.1");  // the gateway says "N/A"; kept
}

TEST_CASE("observer: an outage appends one GatewayUnreachable, the state goes stale, not empty") {
  ObserverFixture o;
  o.poll();
  const size_t objects = o.observer->state().sdss.size();
  const uint64_t before = o.log->last_sequence();

  o.f.gw.fail_next_with_500(100000);
  for (int i = 0; i < 20; ++i) o.poll();
  auto events = o.events_after(before);
  REQUIRE(events.size() == 1);
  CHECK(events[0].event_type() == "GatewayUnreachable");
  CHECK(events[0].gateway_unreachable().code() == "Unavailable");
  CHECK(events[0].gateway_unreachable().error().find("/api/instances") != std::string::npos);
  auto state = o.observer->state();
  CHECK(state.stale);
  CHECK_FALSE(state.reachable);
  CHECK(state.stale_since == events[0].sequence());
  CHECK(state.sdss.size() == objects);  // kept

  o.f.gw.fail_next_with_500(0);
  CHECK(o.poll() == 1);  // GatewayReachable, nothing else changed
  events = o.events_after(before);
  REQUIRE(events.size() == 2);
  CHECK(events[1].event_type() == "GatewayReachable");
  CHECK_FALSE(o.observer->state().stale);

  // A gateway restart is invisible: the client logs in again, nothing changed.
  o.f.gw.restart();
  CHECK(o.poll() == 0);
  // A second outage is recorded again, once.
  o.f.gw.hang_next(100000);
  o.f.reconfigure(
      [](GatewayClientOptions& opt) { opt.request_timeout = std::chrono::milliseconds(100); });
  o.observer = o.make_observer();
  CHECK(o.poll() == 1);
  CHECK(o.poll() == 0);
  CHECK(o.observer->state().stale);
  o.f.gw.hang_next(0);
}

TEST_CASE("observer: a restarted observer rebuilds the state from the log or a snapshot") {
  ObserverFixture o;
  o.poll();
  const auto original = o.observer->state();

  SECTION("from the events") {
    o.observer = o.make_observer();
  }
  SECTION("from a snapshot") {
    observed::ObservedProjection projection;
    REQUIRE(load_projection(*o.log, projection).ok());
    REQUIRE(save_projection_snapshot(*o.log, projection, o.log->last_sequence()).ok());
    observed::ObservedProjection restored;
    auto loaded = load_projection(*o.log, restored);
    REQUIRE(loaded.ok());
    CHECK(loaded->from_snapshot);
    CHECK(restored.state().sdss.size() == original.sdss.size());
    CHECK(restored.state().last_sequence == original.last_sequence);
    o.observer = o.make_observer();
  }
  const auto state = o.observer->state();
  CHECK(state.sdss.size() == original.sdss.size());
  CHECK(state.volumes.size() == original.volumes.size());
  CHECK(state.reachable);
  // The first poll after the restart appends nothing: the log already says it all... except
  // that reachability is re-confirmed only after an outage.
  CHECK(o.poll() == 0);
}

TEST_CASE("observer: the background loop polls on its own and when poked") {
  ObserverFixture o;
  o.observer->start();
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (o.log->last_sequence() == 0 && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  CHECK(o.log->last_sequence() == 11);
  REQUIRE(o.f.client->create_protection_domain("pd2").ok());
  o.observer->poke();
  while (o.log->last_sequence() == 11 && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  o.observer->stop();
  CHECK(o.log->last_sequence() == 12);
}

}  // namespace scaleio::gateway::testing
