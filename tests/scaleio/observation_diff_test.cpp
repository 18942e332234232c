// The pure half of the observer: which observations are changes.
#include <catch2/catch.hpp>

#include "core/observed/observation_diff.h"
#include "core/observed/observed_projection.h"

namespace scaleio::observed {

namespace {

sio::Inventory small_inventory() {
  sio::Inventory inv;
  inv.protection_domains = {{"pd-1", "pd1", "Active"}};
  inv.storage_pools = {{"sp-1", "sp1", "pd-1", "HDD", 10, false}};
  sio::Sds sds;
  sds.id = "sds-1";
  sds.ips = {{"10.0.0.2", "all"}, {"10.0.0.1", "sdsOnly"}};
  sds.devices = {{"d2", "", "/dev/sdc", "sds-1", "sp-1", "Normal", "None", 0, 0},
                 {"d1", "", "/dev/sdb", "sds-1", "sp-1", "Normal", "None", 0, 0}};
  inv.sdss = {sds};
  inv.sdcs = {{"sdc-1", "", "10.0.0.5", "guid", true, "Connected"}};
  return inv;
}

// Applies the changes as the log would (sequences after the state's last one).
void apply_all(ObservedState& state, std::vector<events::Envelope> changes) {
  for (auto& e : changes) {
    e.set_sequence(state.last_sequence + 1);
    state.apply(e);
  }
}

}  // namespace

TEST_CASE("observation diff: a second identical observation is no change") {
  ObservedState state;
  std::map<std::string, sio::PoolStatistics> stats = {{"sp-1", {}}};
  stats["sp-1"].max_capacity_kb = 100 * sio::kKbPerGb;
  auto first = observation_changes(state, small_inventory(), stats);
  CHECK(first.size() == 5);  // MDM (absent), PD, pool, SDS, SDC
  apply_all(state, first);
  CHECK(observation_changes(state, small_inventory(), stats).empty());
  // Order of repeated fields does not matter: they are sorted.
  auto shuffled = small_inventory();
  std::swap(shuffled.sdss[0].devices[0], shuffled.sdss[0].devices[1]);
  CHECK(observation_changes(state, shuffled, stats).empty());
}

TEST_CASE("observation diff: capacity moves under 1% are not changes, missing stats keep it") {
  ObservedState state;
  std::map<std::string, sio::PoolStatistics> stats = {{"sp-1", {}}};
  stats["sp-1"].max_capacity_kb = 100 * sio::kKbPerGb;
  apply_all(state, observation_changes(state, small_inventory(), stats));
  stats["sp-1"].capacity_in_use_kb = sio::kKbPerGb / 2;  // 0.5%
  CHECK(observation_changes(state, small_inventory(), stats).empty());
  CHECK(observation_changes(state, small_inventory(), {}).empty());
  stats["sp-1"].capacity_in_use_kb = 2 * sio::kKbPerGb;  // 2%
  auto moved = observation_changes(state, small_inventory(), stats);
  REQUIRE(moved.size() == 1);
  CHECK(moved[0].storage_pool_observed().capacity().in_use_kb() == 2 * sio::kKbPerGb);
}

TEST_CASE("observation diff: gone objects, and a disconnected SDC keeps its last address") {
  ObservedState state;
  apply_all(state, observation_changes(state, small_inventory(), {}));
  auto inv = small_inventory();
  inv.sdss.clear();
  inv.sdcs[0].ip = "";
  inv.sdcs[0].connection_state = "Disconnected";
  auto changes = observation_changes(state, inv, {});
  REQUIRE(changes.size() == 2);
  CHECK(changes[0].scaleio_object_gone().kind() == "Sds");
  CHECK(changes[1].sdc_observed().ip() == "10.0.0.5");
  apply_all(state, changes);
  CHECK(state.sdss.empty());
  CHECK(state.sdcs.at("sdc-1").value.connection_state() == "Disconnected");
}

TEST_CASE("observed projection: snapshot round trip") {
  ObservedProjection projection;
  ObservedState built;
  auto changes = observation_changes(built, small_inventory(), {});
  uint64_t seq = 0;
  events::Envelope reach;
  reach.set_sequence(++seq);
  reach.mutable_gateway_reachable()->set_version("2.0.1");
  projection.apply(reach);
  for (auto& e : changes) {
    e.set_sequence(++seq);
    projection.apply(e);
  }
  events::Envelope down;
  down.set_sequence(++seq);
  down.mutable_gateway_unreachable()->set_error("boom");
  projection.apply(down);

  ObservedProjection restored;
  REQUIRE(restored.restore(projection.save()).ok());
  const auto& a = projection.state();
  const auto& b = restored.state();
  CHECK(b.stale);
  CHECK(b.stale_since == a.stale_since);
  CHECK(b.last_error == "boom");
  CHECK(b.gateway_version == "2.0.1");
  CHECK(b.last_sequence == a.last_sequence);
  CHECK(b.sdss.size() == 1);
  CHECK(b.sdss.at("sds-1").since == a.sdss.at("sds-1").since);
  CHECK(b.sdss.at("sds-1").value.SerializeAsString() ==
        a.sdss.at("sds-1").value.SerializeAsString());
  CHECK_FALSE(restored.restore("garbage\xff").ok());
}

}  // namespace scaleio::observed
