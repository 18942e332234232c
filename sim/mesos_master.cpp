// MesosMaster: subscriptions, frameworks, heartbeats, leadership and the tick. Calls are in
// mesos_calls.cpp, offers in mesos_offers.cpp, task lifecycles in mesos_tasks.cpp and agent faults
// in mesos_agent_faults.cpp.
#include "sim/mesos_master.h"

#include <cstdio>

#include "sim/mesos_json.h"
#include "sim/recordio.h"

namespace scaleio::sim {

namespace {

bool valid_role_name(const std::string& role) {
  if (role.empty() || role == "." || role == ".." || role.front() == '-' || role.front() == '/' ||
      role.back() == '/') {
    return false;
  }
  for (char c : role) {
    if (std::isspace(static_cast<unsigned char>(c)) || std::iscntrl(static_cast<unsigned char>(c)))
      return false;
  }
  return true;
}

bool has_capability(const nlohmann::json& info, const std::string& name) {
  if (!info.contains("capabilities") || !info["capabilities"].is_array()) return false;
  for (const auto& c : info["capabilities"]) {
    if (c.is_object() && c.value("type", std::string()) == name) return true;
  }
  return false;
}

}  // namespace

MesosMaster::MesosMaster(const Clock& clock, uint64_t seed, std::vector<AgentSpec> agents,
                         ScaleioHooks* hooks, MasterOptions options)
    : clock_(clock), rng_(seed), hooks_(hooks), options_(std::move(options)) {
  if (options_.time_scale <= 0) options_.time_scale = 1;
  master_id_ = new_uuid_string();
  for (auto& spec : agents) {
    Agent agent;
    agent.spec = std::move(spec);
    agent.id = new_agent_id();
    world_.agents.emplace(agent.spec.hostname, std::move(agent));
  }
  next_allocation_ = clock_.now();
}

// ---------------------------------------------------------------------------------------------
// ids, time

std::string MesosMaster::new_uuid_bytes() {
  std::string bytes(16, '\0');
  uint64_t a = rng_(), b = rng_();
  for (int i = 0; i < 8; ++i) {
    bytes[i] = static_cast<char>((a >> (8 * i)) & 0xFF);
    bytes[8 + i] = static_cast<char>((b >> (8 * i)) & 0xFF);
  }
  bytes[6] = static_cast<char>((bytes[6] & 0x0F) | 0x40);  // version 4
  bytes[8] = static_cast<char>((bytes[8] & 0x3F) | 0x80);  // RFC 4122 variant
  return bytes;
}

std::string MesosMaster::new_uuid_string() {
  const std::string bytes = new_uuid_bytes();
  std::string out;
  char hex[3];
  for (int i = 0; i < 16; ++i) {
    if (i == 4 || i == 6 || i == 8 || i == 10) out += '-';
    std::snprintf(hex, sizeof hex, "%02x", static_cast<unsigned char>(bytes[i]));
    out += hex;
  }
  return out;
}

std::string MesosMaster::new_agent_id() {
  return master_id_ + "-S" + std::to_string(next_agent_++);
}

Clock::Duration MesosMaster::scaled(Clock::Duration d) const {
  return std::chrono::duration_cast<Clock::Duration>(d / options_.time_scale);
}

double MesosMaster::now_seconds() const {
  return std::chrono::duration<double>(clock_.now().time_since_epoch()).count();
}

// ---------------------------------------------------------------------------------------------
// streams

void MesosMaster::send(Framework& framework, const nlohmann::json& event) {
  if (!framework.connected) return;
  framework.outbox.push_back(recordio_encode(event.dump()));
}

void MesosMaster::flush() {
  for (auto& [_, framework] : frameworks_) {
    if (framework.outbox.empty()) continue;
    if (framework.connected && framework.sink && framework.sink->is_open()) {
      for (auto& chunk : split_into_chunks(framework.outbox, rng_)) {
        framework.sink->write_chunk(std::move(chunk));
      }
    }
    framework.outbox.clear();
  }
}

MesosMaster::Framework* MesosMaster::find_framework(const std::string& id) {
  auto it = frameworks_.find(id);
  return it == frameworks_.end() ? nullptr : &it->second;
}

nlohmann::json MesosMaster::master_info() const {
  const std::string& host = endpoint_host_[leader_index_];
  const int port = endpoint_port_[leader_index_];
  return {{"id", master_id_},
          {"ip", 16777343},  // 127.0.0.1 in network byte order, as masters report it
          {"port", port},
          {"hostname", host},
          {"version", options_.version},
          {"address", {{"hostname", host}, {"ip", host}, {"port", port}}}};
}

void MesosMaster::on_stream_closed(const std::string& framework_id, uint64_t subscription) {
  FlushGuard guard(*this);
  Framework* framework = find_framework(framework_id);
  if (!framework || framework->subscription != subscription || !framework->connected) return;
  std::fprintf(stderr, "[mesos] framework %s disconnected (stream closed)\n", framework_id.c_str());
  disconnect(*framework, /*close_sink=*/false);
}

void MesosMaster::disconnect(Framework& framework, bool close_sink) {
  framework.outbox.clear();
  if (close_sink && framework.sink) framework.sink->close();
  framework.sink.reset();
  framework.connected = false;
  framework.stream_id.clear();
  // A disconnected framework's offers go back to the pool; it cannot be told (no stream).
  drop_offers_of(framework.id);
  framework.failover_deadline =
      clock_.now() + std::chrono::duration_cast<Clock::Duration>(
                         std::chrono::duration<double>(framework.failover_timeout_seconds));
}

void MesosMaster::remove_framework(const std::string& framework_id, const std::string& reason) {
  Framework* framework = find_framework(framework_id);
  if (!framework) return;
  std::fprintf(stderr, "[mesos] removing framework %s: %s\n", framework_id.c_str(), reason.c_str());
  if (framework->sink) framework->sink->close();
  drop_offers_of(framework_id);
  // Its tasks are killed on their agents and forgotten: nobody is left to acknowledge them.
  for (auto it = world_.tasks.begin(); it != world_.tasks.end();) {
    if (it->second.framework_id == framework_id) {
      if (it->second.lifecycle_timer) timers_.cancel(it->second.lifecycle_timer);
      it = world_.tasks.erase(it);
    } else {
      ++it;
    }
  }
  completed_frameworks_.insert(framework_id);
  frameworks_.erase(framework_id);
}

// ---------------------------------------------------------------------------------------------
// SUBSCRIBE

Status MesosMaster::subscribe(const nlohmann::json& call, const StreamOpener& open_stream) {
  FlushGuard guard(*this);
  const auto& subscribe = call.value("subscribe", nlohmann::json());
  if (!subscribe.is_object() || !subscribe.contains("framework_info") ||
      !subscribe["framework_info"].is_object()) {
    return invalid_argument("Expecting 'subscribe' to be present");
  }
  nlohmann::json info = subscribe["framework_info"];
  if (!info.contains("user") || !info["user"].is_string() || !info.contains("name") ||
      !info["name"].is_string()) {
    return invalid_argument(
        "Failed to validate scheduler::Call: FrameworkInfo needs 'user' and "
        "'name' strings");
  }
  bool malformed = false;
  auto top_id = read_id(call, "framework_id", malformed);
  auto info_id = read_id(info, "id", malformed);
  if (malformed) return invalid_argument("Failed to parse: framework id must be {\"value\": ...}");
  if (top_id != info_id) {
    return invalid_argument("'framework_id' differs from 'subscribe.framework_info.id'");
  }
  if (info.contains("failover_timeout") && !info["failover_timeout"].is_number()) {
    return invalid_argument("FrameworkInfo.failover_timeout must be a number");
  }

  const std::string stream_id = new_uuid_string();
  std::shared_ptr<ChunkSink> sink = open_stream(stream_id);
  if (!sink) return Status();

  // From here on the answer is 200: refusals are an ERROR event and a closed stream.
  auto refuse = [&](const std::string& message) {
    std::vector<std::string> records = {
        recordio_encode(event("ERROR", "error", {{"message", message}}).dump())};
    for (auto& chunk : split_into_chunks(records, rng_)) sink->write_chunk(std::move(chunk));
    sink->close();
    return Status();
  };
  const bool multi_role = has_capability(info, "MULTI_ROLE");
  std::vector<std::string> roles;
  if (info.contains("roles") && info["roles"].is_array()) {
    for (const auto& r : info["roles"]) {
      if (!r.is_string()) return refuse("FrameworkInfo.roles must be strings");
      roles.push_back(r.get<std::string>());
    }
  }
  if (!roles.empty() && !multi_role) {
    return refuse("'FrameworkInfo.roles' is set but the MULTI_ROLE capability is not");
  }
  if (multi_role && info.contains("role")) {
    return refuse("'FrameworkInfo.role' must not be set with the MULTI_ROLE capability");
  }
  if (info.contains("role")) {
    if (!info["role"].is_string()) return refuse("FrameworkInfo.role must be a string");
    roles = {info["role"].get<std::string>()};
  }
  for (const auto& role : roles) {
    if (!valid_role_name(role)) return refuse("Role '" + role + "' is invalid");
  }
  if (info.value("failover_timeout", 0.0) < 0) {
    return refuse("FrameworkInfo.failover_timeout must not be negative");
  }
  if (top_id && completed_frameworks_.count(*top_id)) {
    return refuse("Framework has been removed");
  }

  std::string framework_id;
  if (top_id) {
    framework_id = *top_id;
  } else {
    char number[16];
    std::snprintf(number, sizeof number, "%04llu",
                  static_cast<unsigned long long>(next_framework_++));
    framework_id = master_id_ + "-" + number;
  }
  Framework& framework = frameworks_[framework_id];
  if (framework.connected) {
    // Failover to a new scheduler instance: the old stream learns it lost, its offers vanish
    // silently (the new instance never saw them).
    send(framework, event("ERROR", "error", {{"message", "Framework failed over"}}));
    flush();
    disconnect(framework, /*close_sink=*/true);
    std::fprintf(stderr, "[mesos] framework %s failed over to a new subscription\n",
                 framework_id.c_str());
  }
  info["id"] = id_object(framework_id);
  framework.id = framework_id;
  framework.info = info;
  framework.role = roles.empty() ? "*" : roles.front();
  framework.partition_aware = has_capability(info, "PARTITION_AWARE");
  framework.task_killing_state = has_capability(info, "TASK_KILLING_STATE");
  framework.failover_timeout_seconds = info.value("failover_timeout", 0.0);
  framework.connected = true;
  framework.sink = sink;
  framework.stream_id = stream_id;
  framework.subscription = ++next_subscription_;
  framework.failover_deadline.reset();
  framework.suppressed = false;
  framework.outbox.clear();
  sink->set_on_peer_closed([this, framework_id, subscription = framework.subscription] {
    on_stream_closed(framework_id, subscription);
  });

  std::fprintf(stderr, "[mesos] framework %s (%s) subscribed, stream %s\n", framework_id.c_str(),
               info["name"].get<std::string>().c_str(), stream_id.c_str());
  send(framework, event("SUBSCRIBED", "subscribed",
                        {{"framework_id", id_object(framework_id)},
                         {"heartbeat_interval_seconds", options_.heartbeat_interval_seconds},
                         {"master_info", master_info()}}));
  if (!heartbeats_paused()) send(framework, event("HEARTBEAT"));
  framework.next_heartbeat =
      clock_.now() + std::chrono::duration_cast<Clock::Duration>(
                         std::chrono::duration<double>(options_.heartbeat_interval_seconds));
  allocate();
  // Agents retry unacknowledged updates on their own timers; a fresh subscription gets them at
  // the next retry, which we bring forward so a reconnecting scheduler catches up at once.
  for (auto& [_, task] : world_.tasks) {
    if (task.framework_id == framework_id && !task.unacked.empty()) {
      task.next_retry = clock_.now();
      earliest_retry_ = std::min(earliest_retry_, task.next_retry);
    }
  }
  return Status();
}

// ---------------------------------------------------------------------------------------------
// leadership

bool MesosMaster::recovering() const {
  return recovering_until_.has_value() && clock_.now() < *recovering_until_;
}

void MesosMaster::set_endpoint(int index, const std::string& host, int port) {
  endpoint_host_[index & 1] = host;
  endpoint_port_[index & 1] = port;
}

std::string MesosMaster::endpoint_address(int index) const {
  return endpoint_host_[index & 1] + ":" + std::to_string(endpoint_port_[index & 1]);
}

void MesosMaster::failover() {
  FlushGuard guard(*this);
  std::fprintf(stderr, "[mesos] leader %s fails over to %s\n",
               endpoint_address(leader_index_).c_str(),
               endpoint_address(leader_index_ ^ 1).c_str());
  for (auto& [_, framework] : frameworks_) {
    if (framework.connected) disconnect(framework, /*close_sink=*/true);
  }
  offers_.clear();
  leader_index_ ^= 1;
  ++master_generation_;
  master_id_ = new_uuid_string();
  recovering_until_ = clock_.now() + scaled(options_.recovery_duration);
  // The new leader learns about agents (and their tasks) only as they re-register.
  for (auto& [hostname, agent] : world_.agents) {
    if (agent.state != AgentState::kUp) continue;
    agent.reregistering = true;
    const uint64_t generation = master_generation_;
    timers_.schedule(*recovering_until_ + scaled(options_.agent_reregister_delay),
                     [this, hostname, generation] {
                       Agent* a = world_.find_agent(hostname);
                       if (!a || generation != master_generation_) return;
                       a->reregistering = false;
                       request_allocation();
                     });
  }
}

// ---------------------------------------------------------------------------------------------
// stream faults

void MesosMaster::drop_streams() {
  FlushGuard guard(*this);
  std::fprintf(stderr, "[mesos] every subscription stream is dropped (no failover)\n");
  for (auto& [_, framework] : frameworks_) {
    if (framework.connected) disconnect(framework, /*close_sink=*/true);
  }
}

void MesosMaster::pause_heartbeats(Clock::Duration duration) {
  heartbeats_paused_until_ = clock_.now() + duration;
  std::fprintf(stderr, "[mesos] heartbeats paused for %.3f s\n",
               std::chrono::duration<double>(duration).count());
}

bool MesosMaster::heartbeats_paused() const {
  return heartbeats_paused_until_.has_value() && clock_.now() < *heartbeats_paused_until_;
}

// ---------------------------------------------------------------------------------------------
// time

void MesosMaster::tick(Clock::TimePoint now) {
  FlushGuard guard(*this);
  timers_.run_due(now);

  std::vector<std::string> expired;
  for (auto& [id, framework] : frameworks_) {
    if (!framework.connected && framework.failover_deadline &&
        *framework.failover_deadline <= now) {
      expired.push_back(id);
    }
  }
  for (const auto& id : expired) remove_framework(id, "failover_timeout expired");

  retry_updates(now);

  const auto interval = std::chrono::duration_cast<Clock::Duration>(
      std::chrono::duration<double>(options_.heartbeat_interval_seconds));
  // While paused, heartbeats are skipped, not queued: the first one after the pause is on time.
  const bool paused = heartbeats_paused();
  for (auto& [_, framework] : frameworks_) {
    if (framework.connected && framework.next_heartbeat <= now) {
      if (!paused) send(framework, event("HEARTBEAT"));
      framework.next_heartbeat = now + interval;
    }
  }
  if (now >= next_allocation_ || allocation_requested_) {
    allocate();
    next_allocation_ = now + options_.allocation_interval;
  }
}

// ---------------------------------------------------------------------------------------------
// views

nlohmann::json MesosMaster::to_json() const {
  const std::map<std::string, Resources> used = world_.used_by_host();
  nlohmann::json agents = nlohmann::json::array();
  for (const auto& [hostname, agent] : world_.agents) {
    nlohmann::json attributes = nlohmann::json::object();
    for (const auto& a : agent.spec.attributes) attributes[a.name] = a.value_string();
    agents.push_back({{"hostname", hostname},
                      {"ip", agent.spec.ip},
                      {"agent_id", agent.id},
                      {"state", agent_state_name(agent.state)},
                      {"reregistering", agent.reregistering},
                      {"attributes", attributes},
                      {"resources", agent.spec.resources.to_json()},
                      {"used_resources", resources_on(used, hostname).to_json()}});
  }
  nlohmann::json tasks = nlohmann::json::array();
  for (const auto& [_, task] : world_.tasks) {
    tasks.push_back({{"framework_id", task.framework_id},
                     {"task_id", task.task_id},
                     {"name", task.name},
                     {"hostname", task.hostname},
                     {"agent_id", task.agent_id},
                     {"state", task.state},
                     {"agent_state", task.agent_state},
                     {"message", task.last_message},
                     {"command", task.command.argv},
                     {"unacknowledged_updates", task.unacked.size()}});
  }
  nlohmann::json frameworks = nlohmann::json::array();
  for (const auto& [id, framework] : frameworks_) {
    frameworks.push_back({{"id", id},
                          {"name", framework.info.value("name", std::string())},
                          {"connected", framework.connected},
                          {"stream_id", framework.stream_id},
                          {"role", framework.role},
                          {"partition_aware", framework.partition_aware},
                          {"failover_timeout", framework.failover_timeout_seconds},
                          {"suppressed", framework.suppressed}});
  }
  nlohmann::json offers = nlohmann::json::array();
  for (const auto& [id, offer] : offers_) {
    offers.push_back({{"id", id},
                      {"framework_id", offer.framework_id},
                      {"hostname", offer.hostname},
                      {"agent_id", offer.agent_id},
                      {"resources", offer.resources.to_json()}});
  }
  return {{"master",
           {{"id", master_id_},
            {"leader", endpoint_address(leader_index_)},
            {"standby", endpoint_address(leader_index_ ^ 1)},
            {"recovering", recovering()},
            {"heartbeats_paused", heartbeats_paused()}}},
          {"agents", agents},
          {"tasks", tasks},
          {"frameworks", frameworks},
          {"completed_frameworks", completed_frameworks_},
          {"offers", offers}};
}

MesosMaster::Answer MesosMaster::operator_call(const nlohmann::json& call) {
  const std::string type = call.is_object() ? call.value("type", std::string()) : std::string();
  if (type != "GET_AGENTS") {
    return {400, "Operator call '" + type + "' is not simulated (only GET_AGENTS)"};
  }
  // One pass over tasks and offers, not one per agent (quadratic: GET_AGENTS at 5,000 agents
  // took longer than the daemon's timeout).
  const std::map<std::string, Resources> used = world_.used_by_host();
  const std::map<std::string, Resources> offered = offered_by_host();
  nlohmann::json agents = nlohmann::json::array();
  nlohmann::json recovered = nlohmann::json::array();
  for (const auto& [hostname, agent] : world_.agents) {
    if (agent.state != AgentState::kUp) continue;
    nlohmann::json attributes = nlohmann::json::array();
    for (const auto& a : agent.spec.attributes) attributes.push_back(a.to_json());
    nlohmann::json agent_info = {{"id", id_object(agent.id)},
                                 {"hostname", hostname},
                                 {"port", agent.port},
                                 {"attributes", attributes},
                                 {"resources", agent.spec.resources.to_json()}};
    if (agent.reregistering) {
      recovered.push_back(agent_info);
      continue;
    }
    agents.push_back({{"agent_info", agent_info},
                      {"active", true},
                      {"pid", "slave(1)@" + agent.spec.ip + ":" + std::to_string(agent.port)},
                      {"version", options_.version},
                      {"total_resources", agent.spec.resources.to_json()},
                      {"allocated_resources", resources_on(used, hostname).to_json()},
                      {"offered_resources", resources_on(offered, hostname).to_json()}});
  }
  nlohmann::json body = {{"type", "GET_AGENTS"},
                         {"get_agents", {{"agents", agents}, {"recovered_agents", recovered}}}};
  return {200, body.dump()};
}

}  // namespace scaleio::sim
