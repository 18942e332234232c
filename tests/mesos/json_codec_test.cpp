#include <catch2/catch.hpp>

#include "core/base64.h"

using scaleio::base64_decode;
using scaleio::base64_encode;
#include "adapters/mesos/json_codec.h"

using namespace scaleio::mesos;
using nlohmann::json;

TEST_CASE("codec: SUBSCRIBE carries the FrameworkInfo and a re-subscription sets both ids",
          "[codec]") {
  FrameworkSettings settings;
  settings.principal = "scaleio-principal";
  settings.webui_url = "http://op:8080";
  json first = encode_subscribe(settings, std::nullopt);
  const json& info = first["subscribe"]["framework_info"];
  CHECK(first["type"] == "SUBSCRIBE");
  CHECK_FALSE(first.contains("framework_id"));
  CHECK_FALSE(info.contains("id"));
  CHECK(info["user"] == "root");
  CHECK(info["name"] == "scaleio");
  CHECK(info["roles"] == json::array({"scaleio"}));
  CHECK(info["capabilities"] ==
        json::array({{{"type", "MULTI_ROLE"}}, {{"type", "PARTITION_AWARE"}}}));
  CHECK(info["failover_timeout"] == 604800.0);
  CHECK(info["checkpoint"] == true);
  CHECK(info["principal"] == "scaleio-principal");
  CHECK(info["webui_url"] == "http://op:8080");

  json again = encode_subscribe(settings, std::string("m-0001"));
  CHECK(again["framework_id"] == json{{"value", "m-0001"}});
  CHECK(again["subscribe"]["framework_info"]["id"] == json{{"value", "m-0001"}});
}

TEST_CASE("codec: calls name the framework as an object and use enum names", "[codec]") {
  TaskLaunch task;
  task.task_id = "node-01.install";
  task.name = "scaleio-node node-01";
  task.agent_id = "S1";
  task.cpus = 1;
  task.mem_mb = 512;
  task.command = "./scaleio-node";
  task.arguments = {"./scaleio-node", "install"};
  task.uris = {{"http://repo/scaleio-node", true, false, false}};
  task.environment = {{"A", "1"}};
  task.labels = {{"k", "v"}};
  json accept = encode_accept("F", {"O1"}, {task}, 10);
  CHECK(accept["type"] == "ACCEPT");
  CHECK(accept["framework_id"] == json{{"value", "F"}});
  CHECK(accept["accept"]["offer_ids"] == json::array({{{"value", "O1"}}}));
  CHECK(accept["accept"]["filters"]["refuse_seconds"] == 10.0);
  const json& op = accept["accept"]["operations"][0];
  CHECK(op["type"] == "LAUNCH");
  const json& info = op["launch"]["task_infos"][0];
  CHECK(info["task_id"] == json{{"value", "node-01.install"}});
  CHECK(info["agent_id"] == json{{"value", "S1"}});
  CHECK(info["command"]["shell"] == false);
  CHECK(info["command"]["arguments"] == json::array({"./scaleio-node", "install"}));
  CHECK(info["command"]["uris"][0]["executable"] == true);
  CHECK(info["command"]["environment"]["variables"][0]["name"] == "A");
  CHECK(info["labels"]["labels"][0]["key"] == "k");
  CHECK(info["resources"].size() == 2);

  CHECK(encode_decline("F", {"O1", "O2"}, 30)["decline"]["offer_ids"].size() == 2);
  CHECK(encode_revive("F", {"scaleio"})["revive"]["roles"] == json::array({"scaleio"}));
  CHECK(encode_suppress("F", {"scaleio"})["type"] == "SUPPRESS");
  CHECK(encode_kill("F", "t", "S1")["kill"]["agent_id"] == json{{"value", "S1"}});
  CHECK(encode_teardown("F")["type"] == "TEARDOWN");
  CHECK(encode_reconcile("F", {})["reconcile"]["tasks"] == json::array());
  CHECK(encode_reconcile("F", {{"t", ""}})["reconcile"]["tasks"][0] ==
        json{{"task_id", {{"value", "t"}}}});
  TaskStatus status;
  status.task_id = "t";
  status.agent_id = "S1";
  status.uuid = std::string("\x00\x01\x02\xff\xfe\x10\x20\x30\x40\x50\x60\x70\x80\x90\xa0\xb0", 16);
  json ack = encode_acknowledge("F", status);
  CHECK(ack["acknowledge"]["uuid"] == base64_encode(status.uuid));
  CHECK(base64_decode(ack["acknowledge"]["uuid"].get<std::string>()) == status.uuid);
  CHECK(encode_get_agents() == json{{"type", "GET_AGENTS"}});
}

TEST_CASE("codec: SUBSCRIBED, HEARTBEAT, RESCIND, FAILURE and both ERROR shapes", "[codec]") {
  auto subscribed =
      decode_event(R"({"type":"SUBSCRIBED","subscribed":{"framework_id":{"value":"m-0000"},)"
                   R"("heartbeat_interval_seconds":0.5,"master_info":{"id":"m"}}})");
  REQUIRE(subscribed.ok());
  CHECK(subscribed->type == Event::Type::kSubscribed);
  CHECK(subscribed->framework_id == "m-0000");
  CHECK(subscribed->heartbeat_interval_seconds == 0.5);
  CHECK(decode_event(R"({"type":"HEARTBEAT"})")->type == Event::Type::kHeartbeat);
  auto rescind = decode_event(R"({"type":"RESCIND","rescind":{"offer_id":{"value":"O7"}}})");
  CHECK(rescind->offer_id == "O7");
  auto nested =
      decode_event(R"({"type":"ERROR","error":{"message":"Framework has been removed"}})");
  CHECK(nested->type == Event::Type::kError);
  CHECK(nested->message == "Framework has been removed");
  CHECK(decode_event(R"({"type":"ERROR","message":"top"})")->message == "top");
  auto failure = decode_event(R"({"type":"FAILURE","failure":{"agent_id":{"value":"S3"}}})");
  CHECK(failure->type == Event::Type::kFailure);
  CHECK(failure->agent_id == "S3");
  CHECK(decode_event(R"({"type":"MESSAGE","message":{}})")->type == Event::Type::kOther);
}

TEST_CASE("codec: OFFERS with typed attributes and summed resources", "[codec]") {
  auto event = decode_event(R"({"type":"OFFERS","offers":{"offers":[{
    "id":{"value":"O1"},"framework_id":{"value":"F"},"agent_id":{"value":"S1"},"hostname":"node-01",
    "resources":[{"name":"cpus","type":"SCALAR","scalar":{"value":2},"role":"scaleio"},
                 {"name":"cpus","type":"SCALAR","scalar":{"value":1.5},"role":"*"},
                 {"name":"mem","type":"SCALAR","scalar":{"value":1024}},
                 {"name":"ports","type":"RANGES","ranges":{"range":[{"begin":31000,"end":32000}]}}],
    "attributes":[{"name":"rack","type":"TEXT","text":{"value":"r1"}},
                  {"name":"level","type":"SCALAR","scalar":{"value":10.0}},
                  {"name":"keys","type":"RANGES","ranges":{"range":[{"begin":1000,"end":1500}]}},
                  {"name":"s","type":"SET","set":{"item":["a","b"]}}]}]}})");
  REQUIRE(event.ok());
  REQUIRE(event->offers.size() == 1);
  const Offer& o = event->offers[0];
  CHECK(o.id == "O1");
  CHECK(o.agent_id == "S1");
  CHECK(o.hostname == "node-01");
  CHECK(o.cpus == 3.5);
  CHECK(o.mem_mb == 1024);
  CHECK(o.ports == std::vector<PortRange>{{31000, 32000}});
  REQUIRE(o.attributes.size() == 4);
  CHECK(o.attributes[0].type() == scaleio::events::Attribute::TEXT);
  CHECK(o.attributes[0].text() == "r1");
  CHECK(o.attributes[1].type() == scaleio::events::Attribute::SCALAR);
  CHECK(o.attributes[1].text() == "10");
  CHECK(o.attributes[2].text() == "[1000-1500]");
  CHECK(o.attributes[3].text() == "{a,b}");
}

TEST_CASE("codec: UPDATE decodes state, reason, source, uuid and health", "[codec]") {
  const std::string uuid(16, '\x07');
  json update = {{"type", "UPDATE"},
                 {"update",
                  {{"status",
                    {{"task_id", {{"value", "t1"}}},
                     {"agent_id", {{"value", "S1"}}},
                     {"state", "TASK_RUNNING"},
                     {"source", "SOURCE_EXECUTOR"},
                     {"reason", "REASON_RECONCILIATION"},
                     {"message", "ok"},
                     {"healthy", true},
                     {"timestamp", 1700000000.5},
                     {"uuid", base64_encode(uuid)}}}}}};
  auto event = decode_event(update.dump());
  REQUIRE(event.ok());
  const TaskStatus& s = event->status;
  CHECK(s.task_id == "t1");
  CHECK(s.agent_id == "S1");
  CHECK(s.state == TaskState::kRunning);
  CHECK(s.source == StatusSource::kExecutor);
  CHECK(s.reason == "REASON_RECONCILIATION");
  CHECK(s.uuid == uuid);
  CHECK(s.healthy == std::optional<bool>(true));
  CHECK(s.timestamp == 1700000000.5);
  CHECK_FALSE(is_terminal(TaskState::kUnreachable));
  CHECK(is_terminal(TaskState::kGoneByOperator));

  update["update"]["status"].erase("uuid");
  update["update"]["status"]["state"] = "TASK_SOMETHING_NEW";
  auto no_uuid = decode_event(update.dump());
  REQUIRE(no_uuid.ok());
  CHECK(no_uuid->status.uuid.empty());
  CHECK(no_uuid->status.state == TaskState::kUnknown);
}

TEST_CASE("codec: malformed events are data loss, not crashes", "[codec]") {
  for (const char* bad : {"not json", "[]", R"({"type":"SUBSCRIBED","subscribed":{}})",
                          R"({"type":"SUBSCRIBED","subscribed":{"framework_id":"bare-string"}})",
                          R"({"type":"UPDATE","update":{"status":{"state":"TASK_RUNNING"}}})",
                          R"({"type":"OFFERS","offers":{"offers":[{"id":{"value":"O"}}]}})"}) {
    INFO(bad);
    auto event = decode_event(bad);
    REQUIRE_FALSE(event.ok());
    CHECK(event.status().code() == scaleio::StatusCode::kDataLoss);
  }
}

TEST_CASE("codec: GET_AGENTS gives hostname, id, attributes, IP from the pid", "[codec]") {
  json body = {
      {"type", "GET_AGENTS"},
      {"get_agents",
       {{"agents",
         {{{"agent_info",
            {{"id", {{"value", "S1"}}},
             {"hostname", "node-01"},
             {"port", 5051},
             {"attributes",
              {{{"name", "scaleio-roles"}, {"type", "TEXT"}, {"text", {{"value", "mdm"}}}}}}}},
           {"active", true},
           {"pid", "slave(1)@10.0.0.5:5051"}}}},
        {"recovered_agents", {{{"hostname", "node-02"}, {"id", {{"value", "S2"}}}}}}}}};
  auto view = decode_get_agents(body.dump());
  REQUIRE(view.ok());
  REQUIRE(view->agents.size() == 1);
  CHECK(view->agents[0].hostname == "node-01");
  CHECK(view->agents[0].agent_id == "S1");
  CHECK(view->agents[0].ip == "10.0.0.5");
  CHECK(view->agents[0].attributes[0].text() == "mdm");
  CHECK(view->recovered_hostnames == std::vector<std::string>{"node-02"});
  CHECK(ip_from_pid("no-at-sign") == "");
  CHECK_FALSE(decode_get_agents("{}").ok());
}

TEST_CASE("codec: GET_AGENTS' resources and other unread fields do not change what is decoded",
          "[codec]") {
  // The decoder drops unread keys while parsing (the resources of 5,000 agents were the
  // daemon's largest transient); what it reads must come out the same, attribute types included.
  auto scalar = [](const char* name, double v) {
    return json{{"name", name}, {"type", "SCALAR"}, {"scalar", {{"value", v}}}};
  };
  json ports = {{"name", "ports"},
                {"type", "RANGES"},
                {"ranges", {{"range", {{{"begin", 31000}, {"end", 32000}}}}}}};
  const json attributes = json::parse(R"([
      {"name": "scaleio-roles", "type": "TEXT", "text": {"value": "mdm,sds"}},
      {"name": "rack", "type": "SCALAR", "scalar": {"value": 3}},
      {"name": "ports", "type": "RANGES", "ranges": {"range": [{"begin": 1, "end": 2}]}},
      {"name": "zones", "type": "SET", "set": {"item": ["a", "b"]}}])");
  json lean_agent = {
      {"agent_info",
       {{"id", {{"value", "S1"}}}, {"hostname", "node-01"}, {"attributes", attributes}}},
      {"active", false},
      {"pid", "slave(1)@10.0.0.5:5051"}};
  json full_agent = lean_agent;
  full_agent["agent_info"]["port"] = 5051;
  full_agent["agent_info"]["resources"] = {scalar("cpus", 8), ports};
  full_agent["agent_info"]["domain"] = {{"fault_domain", {{"region", {{"name", "r1"}}}}}};
  full_agent["total_resources"] = {scalar("cpus", 8), scalar("mem", 1024), ports};
  full_agent["allocated_resources"] = {scalar("cpus", 1)};
  full_agent["offered_resources"] = {scalar("mem", 512)};
  full_agent["capabilities"] = {{{"type", "MULTI_ROLE"}}};
  full_agent["version"] = "1.11.0";
  auto body = [](const json& agent) {
    return json{{"type", "GET_AGENTS"}, {"get_agents", {{"agents", {agent}}}}}.dump();
  };
  auto lean = decode_get_agents(body(lean_agent));
  auto full = decode_get_agents(body(full_agent));
  REQUIRE(lean.ok());
  REQUIRE(full.ok());
  REQUIRE(full->agents.size() == 1);
  const auto& a = full->agents[0];
  CHECK(a.hostname == "node-01");
  CHECK(a.agent_id == "S1");
  CHECK(a.ip == "10.0.0.5");
  CHECK_FALSE(a.active);
  REQUIRE(a.attributes.size() == 4);
  for (size_t i = 0; i < a.attributes.size(); ++i) {
    CHECK(a.attributes[i].SerializeAsString() == lean->agents[0].attributes[i].SerializeAsString());
  }
  CHECK(a.attributes[0].text() == "mdm,sds");
  CHECK(a.attributes[1].text() == "3");
  CHECK(a.attributes[2].text() == "[1-2]");
  CHECK(a.attributes[3].text() == "{a,b}");
}
