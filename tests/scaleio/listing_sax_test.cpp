// GET /api/instances parsed as a stream (inventory_sax.h) against the tree parse it replaced
// (parse_inventory over json::parse, kept as the oracle): the same Inventory on the sim's real
// listings, and the same error for every malformed body.
#include <catch2/catch.hpp>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "adapters/scaleio/body_excerpt.h"
#include "adapters/scaleio/inventory_sax.h"
#include "adapters/scaleio/object_parsers.h"
#include "sim/gateway/object_views.h"
#include "tests/scaleio/client_fixture.h"
#include "tests/scaleio/sim_listing.h"

namespace scaleio::gateway::testing {
namespace {

using nlohmann::json;

const std::string kEndpoint = "GET /api/instances";

// What RestSession::call + parse_inventory answered before the streaming parse.
Result<sio::Inventory> tree_parse(const std::string& body) {
  if (body.empty()) return parse_inventory(json(nullptr), kEndpoint);
  const json j = json::parse(body, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded()) {
    return invalid_argument(kEndpoint + ": the gateway's answer is not JSON: \"" +
                            body_excerpt(body) + "\"");
  }
  return parse_inventory(j, kEndpoint);
}

void check_same(const sio::Inventory& a, const sio::Inventory& b) {
  CHECK(a.system == b.system);
  CHECK(a.protection_domains == b.protection_domains);
  CHECK(a.fault_sets == b.fault_sets);
  CHECK(a.storage_pools == b.storage_pools);
  CHECK(a.sdss == b.sdss);
  CHECK(a.devices == b.devices);
  CHECK(a.sdcs == b.sdcs);
  CHECK(a.volumes == b.volumes);
}

// Both parses of `body` agree: the same objects, or the same error.
void check_agree(const std::string& body) {
  INFO("body: " << body.substr(0, 300));
  const auto streamed = parse_inventory_stream(body, kEndpoint);
  const auto tree = tree_parse(body);
  INFO("streamed: " << streamed.status().to_string());
  INFO("tree: " << tree.status().to_string());
  REQUIRE(streamed.ok() == tree.ok());
  if (tree.ok()) {
    check_same(*streamed, *tree);
  } else {
    CHECK(streamed.status().code() == tree.status().code());
    CHECK(streamed.status().message() == tree.status().message());
  }
}

// The error the streamed parse gives for `body` (which must be wrong).
std::string error_of(const std::string& body) {
  const auto streamed = parse_inventory_stream(body, kEndpoint);
  INFO("body: " << body.substr(0, 300));
  REQUIRE_FALSE(streamed.ok());
  CHECK(streamed.status().code() == StatusCode::kInvalidArgument);
  check_agree(body);
  return streamed.status().message();
}

// A listing of a converged world the size of `agents`, with its oracle parse.
void check_sim_listing(int agents) {
  auto world = converged_sim_world(agents, 42);
  REQUIRE(world.ok());
  const std::string body = instances_body(**world);
  const auto tree = tree_parse(body);
  REQUIRE(tree.ok());
  // The listing has every kind of object the parse fills, or the comparison proves little.
  REQUIRE(tree->system);
  REQUIRE(tree->system->mdm_cluster);
  CHECK_FALSE(tree->system->mdm_cluster->master.ips.empty());
  CHECK(tree->protection_domains.size() >= 1);
  CHECK(tree->storage_pools.size() >= 1);
  CHECK(static_cast<int>(tree->sdss.size()) >= agents);
  CHECK(tree->devices.size() >= 2 * static_cast<size_t>(agents));
  CHECK(static_cast<int>(tree->sdcs.size()) == agents);
  CHECK_FALSE(tree->volumes.empty());
  CHECK_FALSE(tree->sdss.front().ips.empty());
  CHECK_FALSE(tree->sdss.front().devices.empty());
  bool mapped = false;
  for (const auto& v : tree->volumes) mapped = mapped || !v.mappings.empty();
  CHECK(mapped);

  const auto streamed = parse_inventory_stream(body, kEndpoint);
  REQUIRE(streamed.ok());
  check_same(*streamed, *tree);

  // And through the client, in process: RestSession::call_raw hands the same body over.
  auto client = (*world)->client();
  REQUIRE(client.ok());
  const auto queried = (*client)->query_instances();
  REQUIRE(queried.ok());
  check_same(*queried, *tree);
}

}  // namespace

TEST_CASE("listing: the streamed parse equals the tree parse on the sim's 4-agent listing") {
  check_sim_listing(4);
}

TEST_CASE("listing: the streamed parse equals the tree parse on the sim's 1,000-agent listing") {
  check_sim_listing(1000);
}

TEST_CASE("listing: a sim listing through the loopback gateway, with a re-login on the way") {
  auto world = converged_sim_world(4, 42);
  REQUIRE(world.ok());
  const std::string body = instances_body(**world);
  const auto tree = tree_parse(body);
  REQUIRE(tree.ok());

  ClientFixture f;
  f.gw.three_node_cluster();
  f.gw.install_sdc("sdc1", "10.0.0.9");
  REQUIRE(f.client->version().ok());
  REQUIRE(f.gw.logins() == 1);

  // The harness's own world, with a token that expired: one re-login, the same answer.
  f.gw.expire_tokens();
  const auto own = f.client->query_instances();
  INFO(own.status().to_string());
  REQUIRE(own.ok());
  CHECK(f.gw.logins() == 2);
  const auto own_tree =
      tree_parse(f.gw.on_io([&] { return sim::views::everything(f.gw.world()).dump(); }));
  REQUIRE(own_tree.ok());
  CHECK(own->sdcs.size() == 4);
  check_same(*own, *own_tree);

  // The converged world's listing, served as the answer.
  f.gw.garbage_next(1, body);
  const auto queried = f.client->query_instances();
  INFO(queried.status().to_string());
  REQUIRE(queried.ok());
  check_same(*queried, *tree);

  f.gw.garbage_next(1, body.substr(0, body.size() / 2));
  const auto truncated = f.client->query_instances();
  REQUIRE_FALSE(truncated.ok());
  CHECK(truncated.status().code() == StatusCode::kInvalidArgument);
  CHECK(truncated.status().message().find("GET /api/instances: the gateway's answer is not JSON") ==
        0);
  CHECK(f.client->query_instances().ok());  // the client goes on
}

TEST_CASE("listing: a body that is not JSON says so and names the endpoint") {
  auto world = converged_sim_world(4, 42);
  REQUIRE(world.ok());
  const std::string body = instances_body(**world);
  for (size_t cut : {size_t{1}, size_t{17}, body.size() / 3, body.size() / 2, body.size() - 1}) {
    CHECK(error_of(body.substr(0, cut))
              .starts_with("GET /api/instances: the gateway's answer is not JSON: \""));
  }
  for (const std::string& bad : std::vector<std::string>{
           "   ", "{", "nul", "<html><body>502 Bad Gateway</body></html>", "{} x",
           "{\"sdsList\":[}", "{\"sdsList\":5,", "{\"System\":{\"id\":\"\xff\"}}",
           "{\"volumeList\":[{\"sizeInKb\":1e999}]}", std::string("{\"a\":\"\0\"}", 10)}) {
    CHECK(error_of(bad).starts_with("GET /api/instances: the gateway's answer is not JSON"));
  }
  // Not JSON wins over a wrong shape seen before the break, as with the tree.
  CHECK(error_of(R"({"sdsList":5,"deviceList":[)").find("not JSON") != std::string::npos);
  // Long garbage is quoted only in part.
  CHECK(error_of(std::string(100'000, 'x')).size() < 200);
}

TEST_CASE("listing: a wrong shape is an error naming the endpoint and the list") {
  CHECK(error_of("") == "GET /api/instances: expected a JSON object, got null");
  CHECK(error_of("[]") == "GET /api/instances: expected a JSON object, got array");
  CHECK(error_of(R"([{"sdsList":[]}])") == "GET /api/instances: expected a JSON object, got array");
  CHECK(error_of(R"("x")") == "GET /api/instances: expected a JSON object, got string");
  CHECK(error_of("42") == "GET /api/instances: expected a JSON object, got number");
  CHECK(error_of("null") == "GET /api/instances: expected a JSON object, got null");
  CHECK(error_of("true") == "GET /api/instances: expected a JSON object, got boolean");

  CHECK(error_of(R"({"sdsList":{}})") ==
        "GET /api/instances sdsList: expected a JSON array, got object");
  CHECK(error_of(R"({"sdsList":"x"})") ==
        "GET /api/instances sdsList: expected a JSON array, got string");
  CHECK(error_of(R"({"deviceList":7})") ==
        "GET /api/instances deviceList: expected a JSON array, got number");
  CHECK(error_of(R"({"volumeList":[1]})") ==
        "GET /api/instances volumeList: expected objects in the array, got number");
  CHECK(error_of(R"({"sdcList":[{"id":"a"},[{"id":"b"}]]})") ==
        "GET /api/instances sdcList: expected objects in the array, got array");
  CHECK(error_of(R"({"sdcList":[{"id":"a"},null]})") ==
        "GET /api/instances sdcList: expected objects in the array, got null");
  CHECK(error_of(R"({"protectionDomainList":[{"name":"pd1"}]})") ==
        "GET /api/instances protectionDomainList: an object without an id");
  CHECK(error_of(R"({"faultSetList":[{"id":null}]})") ==
        "GET /api/instances faultSetList: an object without an id");
  CHECK(error_of(R"({"storagePoolList":[{"id":"0000000000000000"}]})") ==
        "GET /api/instances storagePoolList: an object without an id");
  CHECK(error_of(R"({"sdsList":[{"id":{"nested":"garbage"}}]})") ==
        "GET /api/instances sdsList: an object without an id");
  CHECK(error_of(R"({"deviceList":[{"id":"d1"},{"id":[]}]})") ==
        "GET /api/instances deviceList: an object without an id");
  // The first wrong item of a list, and the first wrong list in parse_inventory's order (not the
  // body's).
  CHECK(error_of(R"({"sdsList":[{"id":"a"},{"x":1},7]})") ==
        "GET /api/instances sdsList: an object without an id");
  CHECK(error_of(R"({"volumeList":5,"sdcList":[{}],"sdsList":"x"})") ==
        "GET /api/instances sdsList: expected a JSON array, got string");
  // A repeated key: the last one counts, as in a JSON object.
  CHECK(error_of(R"({"sdsList":[{"id":"a"}],"sdsList":[3]})") ==
        "GET /api/instances sdsList: expected objects in the array, got number");
}

TEST_CASE("listing: odd but readable bodies give what the tree parse gave") {
  const std::vector<std::string> bodies = {
      "{}",
      R"({"System":null})",
      R"({"System":[]})",
      R"({"System":[5]})",
      R"({"System":"x"})",
      R"({"System":{"id":""}})",
      R"({"System":{"name":"no id"}})",
      R"({"System":[{"id":"s1","name":"first"},{"id":"s2"}]})",
      R"({"System":[[{"id":"s1"}]]})",
      R"({"System":{"id":"s1","mdmCluster":{"id":"c","clusterMode":"ThreeNodes","goodNodesNum":"3",
          "master":{"id":"m1","ips":["10.0.0.1",5,null],"port":9011.7,"links":[{"rel":"self"}]},
          "slaves":[{"id":"m2"},"junk",null],"tieBreakers":null,"standbyMDMs":{"not":"a list"}},
          "links":[]}})",
      R"({"System":{"id":"s1"},"System":null})",
      R"({"System":null,"System":{"id":"s2"}})",
      R"({"sdsList":null,"deviceList":[],"volumeList":null})",
      R"({"sdsList":[1],"sdsList":[{"id":"a"}]})",
      R"({"sdsList":[{"id":"a","id":"b","name":"n","name":null}]})",
      // Field types the gateway sometimes gets wrong are read as parse_sds & co read them.
      R"({"sdsList":[{"id":5,"name":7,"port":"7072","ipList":"x","sdsState":true,
          "protectionDomainId":"0000000000000000","faultSetId":null}]})",
      R"({"sdsList":[{"id":"a","ipList":[{"ip":"10.0.0.1","role":"all"},{"SdsIp":{"ip":"10.0.0.2",
          "role":"sdcOnly"}},{"SdsIp":null,"ip":"10.0.0.9"},{"role":"all"},"10.0.0.3",[],
          {"ip":5}]}]})",
      R"({"deviceList":[{"id":"d1","sdsId":"a","deviceCurrentPathname":"/dev/sdb"},
          {"id":"d2","sdsId":"a","deviceCurrentPathName":"/dev/sda","deviceCurrentPathname":"x"},
          {"id":"d3","sdsId":"a","deviceCurrentPathName":{"odd":1},"deviceCurrentPathname":"y"},
          {"id":"d4","sdsId":"a","deviceCurrentPathName":null,"deviceCurrentPathname":"/dev/sdc"}],
          "sdsList":[{"id":"a"},{"id":"b"}]})",
      R"({"sdcList":[{"id":"c1","sdcIp":"N/A","sdcApproved":"TRUE"},{"id":"c2","sdcApproved":1},
          {"id":"c3","sdcApproved":"maybe","sdcGuid":12.5}]})",
      R"({"volumeList":[{"id":"v1","sizeInKb":"8388608","mappedSdcInfo":null},
          {"id":"v2","mappedSdcInfo":[{"sdcId":"z","sdcIp":"N/A"},{"sdcId":"a","sdcIp":"1"},
          {"sdcIp":"no id"},5,{"sdcId":null}]}]})",
      // Huge and odd numbers: beyond int64, beyond uint64, floats out of int64's range, negative.
      R"({"volumeList":[{"id":"v1","sizeInKb":18446744073709551615},
          {"id":"v2","sizeInKb":99999999999999999999999},{"id":"v3","sizeInKb":3e68},
          {"id":"v4","sizeInKb":-9223372036854775808},{"id":"v5","sizeInKb":1.5e-300},
          {"id":18446744073709551615},{"id":1e300},{"id":-0.0},{"id":true}]})",
      R"({"storagePoolList":[{"id":"p","sparePercentage":"10","zeroPaddingEnabled":"false",
          "mediaType":["SSD"]}]})",
      // Unknown fields and lists are harmless, however deep.
      R"({"vTreeList":[{"id":"t","links":[]}],"snapshotPolicyList":[[[[]]]],"links":{"a":[1,2]},
          "extra":{"sdsList":[{"id":"inner"}]},
          "faultSetList":[{"id":"f","whatever":{"id":"not this","deep":[[{"x":[null,{}]}]]},
          "links":[{"rel":"self","href":"/api/instances/FaultSet::f"}],"protectionDomainId":"pd"}]})",
  };
  for (const auto& body : bodies) check_agree(body);

  // Deep nesting in a skipped field and in a kept one.
  const std::string deep = std::string(10'000, '[') + std::string(10'000, ']');
  check_agree(R"({"junk":)" + deep + R"(,"sdsList":[{"id":"a","ipList":)" + deep + "}]}");

  // Spot checks that the agreement is on the right values.
  auto odd = parse_inventory_stream(bodies[15], kEndpoint);
  REQUIRE(odd.ok());
  REQUIRE(odd->sdss.size() == 1);
  CHECK(odd->sdss[0].id == "5");
  CHECK(odd->sdss[0].name == "7");
  CHECK(odd->sdss[0].port == 7072);
  CHECK(odd->sdss[0].state == "true");
  auto devices = parse_inventory_stream(bodies[17], kEndpoint);
  REQUIRE(devices.ok());
  REQUIRE(devices->sdss.size() == 2);
  REQUIRE(devices->sdss[0].devices.size() == 4);
  CHECK(devices->sdss[0].devices[0].path == "");  // d3: the object is read as no text
  CHECK(devices->sdss[0].devices[1].path == "/dev/sda");
  CHECK(devices->sdss[1].devices.empty());
  auto first = parse_inventory_stream(bodies[7], kEndpoint);
  REQUIRE(first.ok());
  REQUIRE(first->system);
  CHECK(first->system->name == "first");
}

}  // namespace scaleio::gateway::testing
