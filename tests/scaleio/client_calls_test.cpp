// Every GatewayClient call against the simulated gateway over HTTPS, verified with its CA.
#include <catch2/catch.hpp>

#include <algorithm>

#include "tests/scaleio/client_fixture.h"

namespace scaleio::gateway::testing {

namespace {

const sio::Sdc* sdc_with_ip(const std::vector<sio::Sdc>& sdcs, const std::string& ip) {
  for (const auto& s : sdcs) {
    if (s.ip == ip) return &s;
  }
  return nullptr;
}

int count_requests(const GatewayHarness& gw, const std::string& method, const std::string& part) {
  int n = 0;
  for (const auto& r : gw.requests())
    n += r.method == method && r.target.find(part) != std::string::npos;
  return n;
}

}  // namespace

TEST_CASE("client: version and System before and after the MDM cluster exists") {
  ClientFixture f;
  auto version = f.client->version();
  INFO(version.status().to_string());
  REQUIRE(version.ok());
  CHECK(*version == "2.0.1");

  // Before the cluster exists the gateway cannot relay object calls.
  auto early = f.client->system();
  CHECK_FALSE(early.ok());

  f.gw.three_node_cluster();
  auto system = f.client->system();
  INFO(system.status().to_string());
  REQUIRE(system.ok());
  REQUIRE(system->has_value());
  REQUIRE((*system)->mdm_cluster);
  const sio::MdmCluster& cluster = *(*system)->mdm_cluster;
  CHECK(cluster.mode == "ThreeNodes");
  CHECK(cluster.state == "ClusteredNormal");
  CHECK(cluster.master.name == "mdm1");
  CHECK(cluster.master.ips == std::vector<std::string>{"10.0.0.1"});
  REQUIRE(cluster.slaves.size() == 1);
  CHECK(cluster.slaves[0].name == "mdm2");
  REQUIRE(cluster.tie_breakers.size() == 1);
  CHECK(cluster.tie_breakers[0].role == "TieBreaker");
  CHECK(cluster.good_nodes == 3);
  // One login, one connection for everything.
  CHECK(f.client->session().logins() == 1);
  CHECK(f.client->session().connections_opened() == 1);
}

TEST_CASE("client: storage objects are created idempotently, listed and removed") {
  ClientFixture f;
  f.gw.three_node_cluster();
  auto& c = *f.client;

  auto pd = c.create_protection_domain("pd1");
  INFO(pd.status().to_string());
  REQUIRE(pd.ok());
  auto pd_again = c.create_protection_domain("pd1");
  REQUIRE(pd_again.ok());
  CHECK(*pd_again == *pd);  // "name already in use" → adopted

  auto fs = c.create_fault_set(*pd, "fs1");
  REQUIRE(fs.ok());
  CHECK(c.create_fault_set(*pd, "fs1").value() == *fs);

  sio::NewStoragePool pool_spec{"sp1", *pd, "HDD", 10, std::nullopt};
  auto pool = c.create_storage_pool(pool_spec);
  INFO(pool.status().to_string());
  REQUIRE(pool.ok());
  CHECK(c.create_storage_pool(pool_spec).value() == *pool);

  std::vector<std::string> sds_ids;
  int n = 0;
  for (const char* ip : {"10.0.0.1", "10.0.0.2", "10.0.0.3"}) {
    sio::NewSds spec;
    spec.name = "sds" + std::to_string(++n);
    spec.protection_domain_id = *pd;
    spec.ips = {{ip, "all"}};
    spec.devices = {{"/dev/sdb", *pool, ""}};
    auto sds = c.create_sds(spec);
    INFO(sds.status().to_string());
    REQUIRE(sds.ok());
    CHECK(c.create_sds(spec).value() == *sds);
    sds_ids.push_back(*sds);
  }
  f.gw.advance(std::chrono::minutes(1));

  auto device = c.add_device({"/dev/sdc", sds_ids[0], *pool, "disk-c"});
  INFO(device.status().to_string());
  REQUIRE(device.ok());
  CHECK(c.add_device({"/dev/sdc", sds_ids[0], *pool, "disk-c"}).value() == *device);
  f.gw.advance(std::chrono::minutes(1));

  auto pds = c.list_protection_domains();
  REQUIRE(pds.ok());
  REQUIRE(pds->size() == 1);
  CHECK((*pds)[0].name == "pd1");
  CHECK((*pds)[0].state == "Active");
  auto fss = c.list_fault_sets();
  REQUIRE(fss.ok());
  REQUIRE(fss->size() == 1);
  CHECK((*fss)[0].protection_domain_id == *pd);
  auto pools = c.list_storage_pools();
  REQUIRE(pools.ok());
  REQUIRE(pools->size() == 1);
  CHECK((*pools)[0].spare_percentage == 10);
  CHECK((*pools)[0].media_type == "HDD");

  auto sdss = c.list_sds();
  REQUIRE(sdss.ok());
  REQUIRE(sdss->size() == 3);
  for (const auto& sds : *sdss) {
    CHECK(sds.state == "Normal");
    CHECK(sds.membership_state == "Joined");
    CHECK(sds.connection_state == "Connected");
    CHECK(sds.port == 7072);
    REQUIRE(sds.ips.size() == 1);
    CHECK(sds.ips[0].role == "all");
    CHECK(sds.fault_set_id.empty());  // null → unset
    REQUIRE_FALSE(sds.devices.empty());
    CHECK(sds.devices[0].path == "/dev/sdb");
    CHECK(sds.devices[0].state == "Normal");
    CHECK(sds.devices[0].max_capacity_kb == 100 * sio::kKbPerGb);
  }
  auto first =
      std::find_if(sdss->begin(), sdss->end(), [&](const auto& s) { return s.id == sds_ids[0]; });
  REQUIRE(first != sdss->end());
  CHECK(first->devices.size() == 2);
  auto devices = c.list_devices();
  REQUIRE(devices.ok());
  CHECK(devices->size() == 4);

  auto stats = c.pool_statistics({});
  INFO(stats.status().to_string());
  REQUIRE(stats.ok());
  REQUIRE(stats->count(*pool) == 1);
  CHECK(stats->at(*pool).max_capacity_kb == 400 * sio::kKbPerGb);
  CHECK(stats->at(*pool).devices == 4);
  auto one = c.pool_statistics({*pool});
  REQUIRE(one.ok());
  CHECK(one->at(*pool) == stats->at(*pool));

  // Removals: NotFound counts as done.
  auto spare_pd = c.create_protection_domain("pd2");
  REQUIRE(spare_pd.ok());
  CHECK(c.remove_fault_set(*fs).ok());
  CHECK(c.remove_fault_set(*fs).ok());
  CHECK(c.remove_device(*device).ok());
  CHECK(c.remove_device(*device).ok());
  CHECK(c.remove_protection_domain(*spare_pd).ok());
  CHECK(c.remove_protection_domain(*spare_pd).ok());
  // A pool with devices cannot go: the MDM refuses, nothing to retry.
  Status busy = c.remove_storage_pool(*pool);
  CHECK(busy.code() == StatusCode::kFailedPrecondition);
  CHECK(busy.message().find("removeStoragePool") != std::string::npos);
  CHECK(c.remove_sds(sds_ids[2]).ok());
  CHECK(c.remove_sds("0123456789abcdef").ok());
  CHECK(c.list_protection_domains()->size() == 1);
  CHECK(c.list_fault_sets()->empty());
}

TEST_CASE("client: volumes, SDCs and mappings") {
  ClientFixture f;
  f.gw.three_node_cluster();
  auto& c = *f.client;
  const std::string pd = c.create_protection_domain("pd1").value();
  const std::string pool =
      c.create_storage_pool({"sp1", pd, "", std::nullopt, std::nullopt}).value();
  int n = 0;
  for (const char* ip : {"10.0.0.1", "10.0.0.2", "10.0.0.3"}) {
    sio::NewSds spec{"sds" + std::to_string(++n), pd, "", {{ip, "all"}}, std::nullopt,
                     {{"/dev/sdb", pool, ""}}};
    REQUIRE(c.create_sds(spec).ok());
  }
  f.gw.advance(std::chrono::minutes(1));
  f.gw.install_sdc("client1", "10.0.0.9");

  auto sdcs = c.list_sdcs();
  REQUIRE(sdcs.ok());
  const sio::Sdc* sdc = sdc_with_ip(*sdcs, "10.0.0.9");
  REQUIRE(sdc != nullptr);
  CHECK(sdc->connection_state == "Connected");
  CHECK_FALSE(sdc->guid.empty());
  const std::string sdc_id = sdc->id;
  REQUIRE(c.set_sdc_name(sdc_id, "client1").ok());
  sdcs = c.list_sdcs();
  CHECK(sdc_with_ip(*sdcs, "10.0.0.9")->name == "client1");

  sio::NewVolume spec{"vol1", pd, pool, 5 * sio::kKbPerGb, true};
  auto volume = c.create_volume(spec);
  INFO(volume.status().to_string());
  REQUIRE(volume.ok());
  CHECK(c.create_volume(spec).value() == *volume);

  REQUIRE(c.map_volume(*volume, sdc_id, false).ok());
  CHECK(c.map_volume(*volume, sdc_id, false).ok());  // "already mapped" → done
  // Mapping to an SDC that never registered fails plainly.
  CHECK(c.map_volume(*volume, "feedfeedfeedfeed", true).code() == StatusCode::kNotFound);

  REQUIRE(c.set_volume_size(*volume, 16).ok());
  auto volumes = c.list_volumes();
  REQUIRE(volumes.ok());
  REQUIRE(volumes->size() == 1);
  const sio::Volume& v = (*volumes)[0];
  CHECK(v.name == "vol1");
  CHECK(v.size_kb == 16 * sio::kKbPerGb);
  CHECK(v.type == "ThinProvisioned");
  CHECK(v.storage_pool_id == pool);
  REQUIRE(v.mappings.size() == 1);
  CHECK(v.mappings[0].sdc_id == sdc_id);
  CHECK(v.mappings[0].sdc_ip == "10.0.0.9");

  auto inventory = c.query_instances();
  INFO(inventory.status().to_string());
  REQUIRE(inventory.ok());
  REQUIRE(inventory->system);
  CHECK(inventory->system->mdm_cluster->mode == "ThreeNodes");
  CHECK(inventory->protection_domains == *c.list_protection_domains());
  CHECK(inventory->storage_pools == *c.list_storage_pools());
  CHECK(inventory->sdss == *c.list_sds());
  CHECK(inventory->devices == *c.list_devices());
  CHECK(inventory->sdcs == *c.list_sdcs());
  CHECK(inventory->volumes == *c.list_volumes());

  // A mapped volume cannot be removed; unmap first. Repeats count as done.
  CHECK(c.remove_volume(*volume).code() == StatusCode::kFailedPrecondition);
  REQUIRE(c.unmap_volume(*volume, sdc_id).ok());
  CHECK(c.unmap_volume(*volume, sdc_id).ok());
  REQUIRE(c.remove_volume(*volume).ok());
  CHECK(c.remove_volume(*volume).ok());
  CHECK(c.list_volumes()->empty());
  REQUIRE(c.remove_sdc(sdc_id).ok());
  CHECK(c.remove_sdc(sdc_id).ok());
  // The one-call read needs one request where the lists need eight.
  f.gw.clear_requests();
  auto all = c.query_instances();
  REQUIRE(all.ok());
  CHECK(f.gw.requests().size() == 1);
  // A gateway without GET /api/instances is read type by type, after one 404.
  f.gw.unsupported("/api/instances");
  f.gw.clear_requests();
  auto by_type = c.query_instances();
  INFO(by_type.status().to_string());
  REQUIRE(by_type.ok());
  CHECK(f.gw.requests().size() == 9);
  CHECK(by_type->sdss == all->sdss);
  CHECK(by_type->sdcs == all->sdcs);
  CHECK(by_type->system == all->system);
  f.gw.clear_requests();
  REQUIRE(c.query_instances().ok());
  CHECK(f.gw.requests().size() == 8);  // the 404 is remembered
}

TEST_CASE("client: MDM standby, cluster mode switches and removal") {
  ClientFixture f;
  f.gw.three_node_cluster();
  f.gw.on_io([&] {
    const std::vector<std::string> mdms = {"10.0.0.1", "10.0.0.2"};
    f.gw.world().node_installed(sim::NodeInstall{"mdm3", "10.0.0.4", {"mdm"}, mdms});
    f.gw.world().node_installed(sim::NodeInstall{"tb2", "10.0.0.5", {"tb"}, mdms});
    return 0;
  });
  auto& c = *f.client;
  auto mdm3 = c.add_standby_mdm({{"10.0.0.4"}, "Manager", "mdm3", {}});
  INFO(mdm3.status().to_string());
  REQUIRE(mdm3.ok());
  auto again = c.add_standby_mdm({{"10.0.0.4"}, "Manager", "mdm3", {}});
  REQUIRE(again.ok());
  CHECK(*again == *mdm3);  // adopted by name
  auto tb2 = c.add_standby_mdm({{"10.0.0.5"}, "TieBreaker", "tb2", {}});
  REQUIRE(tb2.ok());

  auto cluster = [&] { return *c.system().value()->mdm_cluster; };
  CHECK(cluster().standbys.size() == 2);

  REQUIRE(c.switch_cluster_mode({"FiveNodes", {*mdm3}, {*tb2}, {}, {}}).ok());
  CHECK(cluster().mode == "FiveNodes");
  CHECK(cluster().slaves.size() == 2);
  // A standby that is a cluster member now cannot be removed.
  CHECK(c.remove_standby_mdm(*tb2).code() == StatusCode::kFailedPrecondition);

  REQUIRE(c.switch_cluster_mode({"ThreeNodes", {}, {}, {*mdm3}, {*tb2}}).ok());
  CHECK(cluster().mode == "ThreeNodes");
  REQUIRE(c.remove_standby_mdm(*mdm3).ok());
  REQUIRE(c.remove_standby_mdm(*tb2).ok());
  CHECK(c.remove_standby_mdm(*tb2).ok());  // gone already
  CHECK(cluster().standbys.empty());
  CHECK(count_requests(f.gw, "POST", "/action/switchClusterMode") == 2);
}

}  // namespace scaleio::gateway::testing

namespace scaleio::gateway::testing {

TEST_CASE("client: the objects' links are dropped while parsing, everything else is kept") {
  ClientFixture f;
  f.gw.three_node_cluster();
  auto pd = f.client->create_protection_domain("pd1");
  REQUIRE(pd.ok());
  // The simulated gateway, like a real one, sends a "links" list with every object.
  auto listed =
      f.client->session().call(boost::beast::http::verb::get, "/types/ProtectionDomain/instances",
                               std::nullopt, Repeatable::kYes);
  INFO(listed.status().to_string());
  REQUIRE(listed.ok());
  REQUIRE(listed->is_array());
  REQUIRE(listed->size() == 1);
  const auto& object = listed->at(0);
  CHECK_FALSE(object.contains("links"));
  CHECK(object.value("id", "") == *pd);
  CHECK(object.value("name", "") == "pd1");
  CHECK(object.size() > 2);  // the other fields stay
}

}  // namespace scaleio::gateway::testing
