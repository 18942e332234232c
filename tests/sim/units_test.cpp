// Pieces of the sim tested on their own: attributes, resources, RecordIO chunking, cluster specs,
// scaleio-node command lines.
#include <catch2/catch.hpp>

#include "sim/attributes.h"
#include "sim/cluster_spec.h"
#include "sim/node_command.h"
#include "sim/recordio.h"
#include "sim/resources.h"

using namespace scaleio::sim;

TEST_CASE("agent attribute strings are typed like a Mesos agent types them",
          "[units][attributes]") {
  auto parsed = parse_attributes(
      "rack:abc;zone: west\nlevel:10;keys:[1000-1500];v:v1.0;n:-3;"
      "url:http://x:1");
  REQUIRE(parsed.ok());
  const auto& a = parsed.value();
  REQUIRE(a.size() == 7);
  CHECK(a[0].type == Attribute::Type::kText);
  CHECK(a[1].text == "west");  // spaces removed
  CHECK(a[2].type == Attribute::Type::kScalar);
  CHECK(a[2].scalar == 10.0);
  CHECK(a[3].type == Attribute::Type::kRanges);
  CHECK(a[3].ranges == std::vector<std::pair<uint64_t, uint64_t>>{{1000, 1500}});
  CHECK(a[4].type == Attribute::Type::kText);
  CHECK(a[5].type == Attribute::Type::kText);  // negatives are text
  CHECK(a[6].text == "http://x:1");            // split at the first ':'

  CHECK(!parse_attributes("novalue:").ok());
  CHECK(!parse_attributes(":x").ok());
  CHECK(!parse_attributes("s:{a,b}").ok());  // SET is not allowed for attributes
  CHECK(!parse_attributes("nocolon").ok());
}

TEST_CASE("resources: containment and subtraction, ports included", "[units][resources]") {
  auto offer = Resources::from_spec(
      nlohmann::json::parse(R"({"cpus":2,"mem":1024,"ports":"[31000-31010,32000-32000]"})"));
  REQUIRE(offer.ok());
  auto task = Resources::from_json(nlohmann::json::parse(R"([
      {"name":"cpus","type":"SCALAR","scalar":{"value":0.1}},
      {"name":"cpus","type":"SCALAR","scalar":{"value":0.2}},
      {"name":"ports","type":"RANGES","ranges":{"range":[{"begin":31002,"end":31003}]}}])"));
  REQUIRE(task.ok());
  CHECK(offer->contains(*task));
  Resources left = *offer;
  left -= *task;
  CHECK(left.scalars["cpus"] == Approx(1.7));
  CHECK(left.ports == PortRanges{{31000, 31001}, {31004, 31010}, {32000, 32000}});
  CHECK(!left.contains(*task));
  auto too_big = Resources::from_json(
      nlohmann::json::parse(R"([{"name":"mem","type":"SCALAR","scalar":{"value":4096}}])"));
  CHECK(!offer->contains(*too_big));
  CHECK(!Resources::from_json(nlohmann::json::parse(R"([{"name":"cpus","type":"SCALAR"}])")).ok());
}

TEST_CASE("RecordIO framing and chunk splitting", "[units][recordio]") {
  CHECK(recordio_encode("{}") == "2\n{}");
  std::mt19937_64 rng(3);
  for (int i = 0; i < 50; ++i) {
    std::vector<std::string> records = {recordio_encode("{\"a\":1}"), recordio_encode("{}"),
                                        recordio_encode("{\"type\":\"HEARTBEAT\"}")};
    auto chunks = split_into_chunks(records, rng);
    REQUIRE(chunks.size() == 2);
    CHECK(chunks[0] + chunks[1] == records[0] + records[1] + records[2]);
    // Two whole records in the first chunk, the third split.
    CHECK(chunks[0].size() > records[0].size() + records[1].size());
    CHECK(chunks[1].size() < records[2].size());
  }
}

TEST_CASE("generated clusters: deterministic per seed, with personas, domains and devices",
          "[units][cluster]") {
  auto a = generate_cluster_spec(6, 42);
  auto b = generate_cluster_spec(6, 42);
  REQUIRE(a.ok());
  REQUIRE(b.ok());
  REQUIRE(a->agents.size() == 6);
  int primaries = 0, secondaries = 0, tiebreakers = 0;
  bool pd2 = false;
  for (std::size_t i = 0; i < a->agents.size(); ++i) {
    CHECK(attributes_to_flag(a->agents[i].attributes) ==
          attributes_to_flag(b->agents[i].attributes));
    int devices = 0;
    for (const auto& attr : a->agents[i].attributes) {
      if (attr.name == "scaleio-persona") {
        primaries += attr.text == "primary";
        secondaries += attr.text == "secondary";
        tiebreakers += attr.text == "tiebreaker";
      }
      if (attr.name == "scaleio-sds-domains" && attr.text.find("pd2") != std::string::npos) {
        pd2 = true;
      }
      const bool device_key = attr.name.rfind("scaleio-sds-", 0) == 0 &&
                              attr.name != "scaleio-sds-domains" &&
                              attr.text.rfind("/dev/", 0) == 0;
      if (device_key)
        devices += static_cast<int>(std::count(attr.text.begin(), attr.text.end(), ',')) + 1;
    }
    CHECK(devices >= 2);
    CHECK(devices <= 4);
  }
  CHECK(primaries == 1);
  CHECK(((secondaries == 1 && tiebreakers == 1) || (secondaries == 2 && tiebreakers == 2)));
  CHECK(pd2);
  CHECK(!generate_cluster_spec(0, 1).ok());
}

TEST_CASE("cluster files: attributes as string or object, errors name the agent",
          "[units][cluster]") {
  auto spec = parse_cluster_spec(nlohmann::json::parse(R"({"agents":[
      {"hostname":"h1","ip":"10.0.0.1","attributes":"scaleio-persona:primary"},
      {"hostname":"h2","ip":"10.0.0.2","attributes":{"scaleio-persona":"data","level":3},
       "resources":{"cpus":2}}]})"));
  REQUIRE(spec.ok());
  CHECK(spec->agents[1].attributes.size() == 2);
  CHECK(spec->agents[1].resources.scalars["cpus"] == 2.0);
  CHECK(spec->agents[1].resources.scalars["mem"] > 0);  // defaults fill the rest
  auto bad = parse_cluster_spec(
      nlohmann::json::parse(R"({"agents":[{"hostname":"h1","attributes":"x:"}]})"));
  REQUIRE(!bad.ok());
  CHECK(bad.status().message().find("h1") != std::string::npos);
  CHECK(!parse_cluster_spec(
             nlohmann::json::parse(R"({"agents":[{"hostname":"h1"},{"hostname":"h1"}]})"))
             .ok());
}

TEST_CASE("scaleio-node command lines", "[units][node]") {
  auto install =
      parse_node_command(nlohmann::json::parse(R"({"shell":false,"value":"./scaleio-node",
      "arguments":["./scaleio-node","install","--roles","mdm,sds,sdc","--mdm-ips","10.0.0.1,10.0.0.2",
      "--version","2.0","--package-source","http://repo"]})"));
  CHECK(install.kind == NodeCommand::Kind::kInstall);
  CHECK(install.roles == std::set<std::string>{"mdm", "sds", "sdc"});
  CHECK(install.mdm_ips == std::vector<std::string>{"10.0.0.1", "10.0.0.2"});
  CHECK(install.version == "2.0");

  auto shell = parse_node_command(nlohmann::json::parse(
      R"({"shell":true,"value":"./scaleio-node mdm switch-mode --mode 3_node --add-slaves a"})"));
  CHECK(shell.kind == NodeCommand::Kind::kMdm);
  CHECK(shell.argv.front() == "mdm");

  auto bad_role = parse_node_command(nlohmann::json::parse(
      R"({"shell":false,"value":"./scaleio-node","arguments":["./scaleio-node","install","--roles","xyz"]})"));
  CHECK(bad_role.kind == NodeCommand::Kind::kInvalid);

  auto unknown = parse_node_command(nlohmann::json::parse(R"({"shell":true,"value":"rm -rf /"})"));
  CHECK(unknown.kind == NodeCommand::Kind::kInvalid);
  CHECK(unknown.error == "unknown scaleio-node command: rm -rf /");
}

TEST_CASE("a generated cluster survives the round trip through the cluster file form",
          "[units][cluster]") {
  auto spec = generate_cluster_spec(7, 11);
  REQUIRE(spec.ok());
  auto again = parse_cluster_spec(cluster_spec_to_json(*spec));
  REQUIRE(again.ok());
  REQUIRE(again->agents.size() == spec->agents.size());
  for (std::size_t i = 0; i < spec->agents.size(); ++i) {
    CHECK(again->agents[i].hostname == spec->agents[i].hostname);
    CHECK(again->agents[i].ip == spec->agents[i].ip);
    CHECK(attributes_to_flag(again->agents[i].attributes) ==
          attributes_to_flag(spec->agents[i].attributes));
    CHECK(again->agents[i].resources.scalars == spec->agents[i].resources.scalars);
    CHECK(again->agents[i].resources.ports == spec->agents[i].resources.ports);
  }
}
