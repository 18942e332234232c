#include "sim_harness.h"

namespace scaleio::sim::test {

SimulatorOptions test_options(int agents, uint64_t seed) {
  SimulatorOptions options;
  options.cluster = generate_cluster_spec(agents, seed).value();
  options.seed = seed;
  options.mesos_listen = "127.0.0.1:0";
  options.mesos_standby_listen = "127.0.0.1:0";
  options.gateway_listen = "127.0.0.1:0";
  options.control_listen = "127.0.0.1:0";
  options.tick_interval = std::chrono::milliseconds(5);
  return options;
}

SimHarness::SimHarness(SimulatorOptions options) {
  simulator_ = std::make_unique<Simulator>(io_, clock_, std::move(options));
  Status status = simulator_->start();
  if (!status.ok()) throw std::runtime_error("simulator did not start: " + status.to_string());
  addresses_ = simulator_->addresses();
  thread_ = std::thread([this] { io_.run(); });
}

SimHarness::~SimHarness() {
  try {
    on_io([this] {
      simulator_->stop();
      return 0;
    });
  } catch (...) {
  }
  io_.stop();
  thread_.join();
}

void SimHarness::advance(Clock::Duration d) {
  clock_.advance(d);
  on_io([this] {
    simulator_->tick();
    return 0;
  });
}

nlohmann::json SimHarness::world() {
  return on_io([this] { return simulator_->control().world_json(); });
}

Subscription::Subscription(const std::string& mesos, const nlohmann::json& call,
                           const std::map<std::string, std::string>& extra_headers)
    : connection_(mesos) {
  std::map<std::string, std::string> headers = {{"Content-Type", "application/json"},
                                                {"Accept", "application/json"}};
  for (const auto& [k, v] : extra_headers) headers[k] = v;
  connection_.send_request("POST", "/api/v1/scheduler", headers, call.dump());
  response_ = connection_.read_response();
}

nlohmann::json Subscription::next_event(std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (true) {
    if (auto record = reader_.next_record()) {
      auto event = nlohmann::json::parse(*record);
      if (event.value("type", "") == "SUBSCRIBED") {
        framework_id = event["subscribed"]["framework_id"]["value"].get<std::string>();
      }
      return event;
    }
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0 || !ok()) return nullptr;
    auto chunk = connection_.read_chunk(left);
    if (!chunk) return nullptr;
    chunks_.push_back(*chunk);
    reader_.feed(*chunk);
  }
}

nlohmann::json Subscription::next_of_type(const std::string& type,
                                          std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  for (int i = 0; i < 1000; ++i) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) return nullptr;
    auto event = next_event(left);
    if (event.is_null()) return nullptr;
    if (event.value("type", "") == type) return event;
  }
  return nullptr;
}

nlohmann::json subscribe_call(const std::string& name, std::optional<std::string> framework_id,
                              bool partition_aware, double failover_timeout) {
  nlohmann::json capabilities = nlohmann::json::array({{{"type", "MULTI_ROLE"}}});
  if (partition_aware) capabilities.push_back({{"type", "PARTITION_AWARE"}});
  nlohmann::json call = {{"type", "SUBSCRIBE"},
                         {"subscribe",
                          {{"framework_info",
                            {{"user", "root"},
                             {"name", name},
                             {"roles", {"scaleio"}},
                             {"capabilities", capabilities},
                             {"failover_timeout", failover_timeout},
                             {"checkpoint", true}}}}}};
  if (framework_id) {
    call["framework_id"] = {{"value", *framework_id}};
    call["subscribe"]["framework_info"]["id"] = {{"value", *framework_id}};
  }
  return call;
}

nlohmann::json launch_call(const std::string& framework_id, const nlohmann::json& offer,
                           const std::string& task_id, const std::vector<std::string>& arguments,
                           double cpus, double refuse_seconds) {
  nlohmann::json argv = nlohmann::json::array({"./scaleio-node"});
  for (const auto& a : arguments) argv.push_back(a);
  nlohmann::json task = {
      {"name", "scaleio-node " + task_id},
      {"task_id", {{"value", task_id}}},
      {"agent_id", offer["agent_id"]},
      {"resources",
       {{{"name", "cpus"}, {"type", "SCALAR"}, {"scalar", {{"value", cpus}}}},
        {{"name", "mem"}, {"type", "SCALAR"}, {"scalar", {{"value", 512}}}}}},
      {"command", {{"shell", false}, {"value", "./scaleio-node"}, {"arguments", argv}}}};
  nlohmann::json call = {
      {"type", "ACCEPT"},
      {"framework_id", {{"value", framework_id}}},
      {"accept",
       {{"offer_ids", {offer["id"]}},
        {"operations", {{{"type", "LAUNCH"}, {"launch", {{"task_infos", {task}}}}}}}}}};
  if (refuse_seconds >= 0) call["accept"]["filters"] = {{"refuse_seconds", refuse_seconds}};
  return call;
}

nlohmann::json simple_call(const std::string& type, const std::string& framework_id,
                           const char* payload_key, nlohmann::json payload) {
  nlohmann::json call = {{"type", type}, {"framework_id", {{"value", framework_id}}}};
  if (payload_key) call[payload_key] = std::move(payload);
  return call;
}

std::optional<RawResponse> scheduler_call(const std::string& mesos, const nlohmann::json& call,
                                          const std::string& stream_id) {
  std::map<std::string, std::string> headers = {{"Content-Type", "application/json"}};
  if (!stream_id.empty()) headers["Mesos-Stream-Id"] = stream_id;
  return http_request(mesos, "POST", "/api/v1/scheduler", call.dump(), headers);
}

}  // namespace scaleio::sim::test
