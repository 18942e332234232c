// MesosMaster without any transport: a collecting sink, a recording ScaleIO hook and a ManualClock.
// Shows the world model runs on simulated time alone (what a deterministic simulation needs).
#include <catch2/catch.hpp>

#include "raw_http_client.h"
#include "sim/cluster_spec.h"
#include "sim/mesos_master.h"

using namespace scaleio;
using namespace scaleio::sim;

namespace {

class CollectingSink final : public ChunkSink {
 public:
  void write_chunk(std::string data) override { chunks.push_back(std::move(data)); }
  void close() override { open = false; }
  bool is_open() const override { return open; }
  void set_on_peer_closed(std::function<void()> callback) override {
    on_closed = std::move(callback);
  }

  std::vector<nlohmann::json> events() {
    test::RecordIoReader reader;
    for (const auto& c : chunks) reader.feed(c);
    std::vector<nlohmann::json> out;
    while (auto record = reader.next_record()) out.push_back(nlohmann::json::parse(*record));
    return out;
  }

  std::vector<std::string> chunks;
  bool open = true;
  std::function<void()> on_closed;
};

class RecordingHooks final : public ScaleioHooks {
 public:
  void node_installed(const NodeInstallRequest& install) override { installs.push_back(install); }
  void node_down(const std::string& hostname) override { downs.push_back(hostname); }
  void node_up(const std::string& hostname) override { ups.push_back(hostname); }
  Result<std::string> run_mdm_command(const std::string&,
                                      const std::vector<std::string>& argv) override {
    commands.push_back(argv);
    return std::string("ok\n");
  }
  std::vector<NodeInstallRequest> installs;
  std::vector<std::string> downs, ups;
  std::vector<std::vector<std::string>> commands;
};

}  // namespace

TEST_CASE("the master runs on a ManualClock alone - --time-scale divides simulated delays",
          "[mesos][in-process]") {
  ManualClock clock;
  RecordingHooks hooks;
  MasterOptions options;
  options.time_scale = 10;  // install 20 s → 2 s, start 0.5 s → 0.05 s
  MesosMaster master(clock, 5, generate_cluster_spec(3, 5).value().agents, &hooks, options);
  auto sink = std::make_shared<CollectingSink>();
  nlohmann::json subscribe = {
      {"type", "SUBSCRIBE"},
      {"subscribe",
       {{"framework_info", {{"user", "u"}, {"name", "n"}, {"failover_timeout", 10}}}}}};
  std::string stream_id;
  REQUIRE(master
              .subscribe(subscribe,
                         [&](const std::string& id) {
                           stream_id = id;
                           return sink;
                         })
              .ok());
  auto events = sink->events();
  REQUIRE(events.size() == 3);
  CHECK(events[0]["type"] == "SUBSCRIBED");
  CHECK(events[2]["type"] == "OFFERS");
  const std::string framework_id = events[0]["subscribed"]["framework_id"]["value"];
  const auto offer = events[2]["offers"]["offers"][0];
  CHECK(offer["allocation_info"]["role"] == "*");

  nlohmann::json accept = {
      {"type", "ACCEPT"},
      {"framework_id", {{"value", framework_id}}},
      {"accept",
       {{"offer_ids", {offer["id"]}},
        {"operations",
         {{{"type", "LAUNCH"},
           {"launch",
            {{"task_infos",
              {{{"name", "n"},
                {"task_id", {{"value", "t"}}},
                {"agent_id", offer["agent_id"]},
                {"resources", {{{"name", "cpus"}, {"type", "SCALAR"}, {"scalar", {{"value", 1}}}}}},
                {"command",
                 {{"shell", true},
                  {"value",
                   "./scaleio-node install --roles mdm,sdc --mdm-ips 10.0.0.1"}}}}}}}}}}}}}};
  CHECK(master.call(accept, stream_id).http_status == 202);
  CHECK(master.call(accept, std::nullopt).http_status == 400);  // no stream id

  clock.advance(std::chrono::milliseconds(60));
  master.tick(clock.now());
  CHECK(master.world().tasks.begin()->second.state == "TASK_STARTING");
  clock.advance(std::chrono::milliseconds(1900));
  master.tick(clock.now());
  CHECK(hooks.installs.empty());
  clock.advance(std::chrono::milliseconds(200));
  master.tick(clock.now());
  REQUIRE(hooks.installs.size() == 1);
  CHECK(hooks.installs[0].roles == std::set<std::string>{"mdm", "sdc"});
  CHECK(hooks.installs[0].mdm_ips == std::vector<std::string>{"10.0.0.1"});
  CHECK(hooks.installs[0].ip == "10.0.0.11");
  CHECK(master.world().tasks.begin()->second.state == "TASK_RUNNING");

  // The peer goes away: the framework is disconnected and removed when failover_timeout ends.
  sink->on_closed();
  clock.advance(std::chrono::seconds(9));
  master.tick(clock.now());
  CHECK(master.to_json()["frameworks"].size() == 1);
  clock.advance(std::chrono::seconds(2));
  master.tick(clock.now());
  CHECK(master.to_json()["frameworks"].empty());
  CHECK(master.world().tasks.empty());
}

TEST_CASE("agent stop and start reach the ScaleIO hooks", "[mesos][in-process]") {
  ManualClock clock;
  RecordingHooks hooks;
  MesosMaster master(clock, 5, generate_cluster_spec(3, 5).value().agents, &hooks);
  REQUIRE(master.stop_agent("node-02").ok());
  REQUIRE(master.start_agent("node-02").ok());
  REQUIRE(master.partition_agent("node-03").ok());
  CHECK(hooks.downs == std::vector<std::string>{"node-02", "node-03"});
  CHECK(hooks.ups == std::vector<std::string>{"node-02"});
  CHECK(master.stop_agent("nobody").code() == StatusCode::kNotFound);
  CHECK(master.partition_agent("node-03").code() == StatusCode::kFailedPrecondition);
}
