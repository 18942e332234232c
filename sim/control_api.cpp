#include "sim/control_api.h"
#include "adapters/http/router.h"

#include <cstdio>
#include <sstream>

namespace scaleio::sim {

namespace http = boost::beast::http;

namespace {

struct Endpoint {
  const char* method;
  const char* path;
  bool mutates;
  const char* help;
};

const Endpoint kEndpoints[] = {
    {"GET", "/", false, "this list"},
    {"GET", "/world", false, "world state: master, agents, tasks, frameworks, offers, scaleio"},
    {"POST", "/agents/{host}/stop", true,
     "stop the agent: tasks become UNREACHABLE (partition-aware) or LOST"},
    {"POST", "/agents/{host}/start", true,
     "start a stopped agent (new agent id, tasks gone) or heal a partition (same id)"},
    {"POST", "/agents/{host}/partition", true,
     "cut the agent off the master: tasks UNREACHABLE/LOST, it keeps running"},
    {"POST", "/agents/{host}/attributes", true,
     "body {\"attributes\": \"k:v;...\" | {...}}: the agent restarts with them under a new id"},
    {"POST", "/tasks/{task_id}/fail", true, "the task fails (TASK_FAILED); body {\"message\"}"},
    {"POST", "/mesos/failover", true,
     "the leading master dies: streams break, the standby leads after a 503 recovery"},
    {"POST", "/mesos/drop-streams", true,
     "every subscription stream breaks; the same master stays leader (frameworks kept)"},
    {"POST", "/mesos/pause-heartbeats", true,
     "body {\"seconds\": N}: no HEARTBEAT on any stream for N s (other events still flow)"},
    {"POST", "/scaleio/{host}/fail/{mdm|tb|sds|sdc}", true, "fail a ScaleIO component"},
    {"POST", "/scaleio/{host}/restore/{mdm|tb|sds|sdc}", true, "restore a ScaleIO component"},
    {"POST", "/gateway/faults", true,
     "body {errors_for_seconds, timeout_for_seconds, expire_tokens, restart, latency_ms}"},
};

std::vector<std::string> path_segments(const std::string& target) {
  std::vector<std::string> segments;
  std::stringstream in(target.substr(0, target.find('?')));
  for (std::string part; std::getline(in, part, '/');) {
    if (part.empty()) continue;
    // A broken escape stays as it was: the segment then names no host and gets a 404.
    auto decoded = scaleio::http::percent_decode(part, /*plus_is_space=*/false);
    segments.push_back(decoded.ok() ? *decoded : part);
  }
  return segments;
}

int http_status_for(const Status& status) {
  switch (status.code()) {
    case StatusCode::kOk:
      return 200;
    case StatusCode::kNotFound:
      return 404;
    case StatusCode::kInvalidArgument:
      return 400;
    case StatusCode::kFailedPrecondition:
    case StatusCode::kAlreadyExists:
      return 409;
    case StatusCode::kUnavailable:
      return 503;
    default:
      return 500;
  }
}

std::pair<int, nlohmann::json> outcome(const Status& status) {
  if (status.ok()) return {200, {{"ok", true}}};
  return {http_status_for(status), {{"ok", false}, {"error", status.to_string()}}};
}

}  // namespace

nlohmann::json ControlApi::world_json() const {
  nlohmann::json world = master_.to_json();
  world["scaleio"] = scaleio_ ? scaleio_->world_json() : nlohmann::json();
  return world;
}

std::pair<int, nlohmann::json> ControlApi::dispatch(const std::string& method,
                                                    const std::string& target,
                                                    const std::string& body) {
  const auto segments = path_segments(target);
  const bool get = method == "GET";
  const bool post = method == "POST";
  nlohmann::json request = nlohmann::json::object();
  if (post && !body.empty()) {
    request = nlohmann::json::parse(body, nullptr, /*allow_exceptions=*/false);
    if (request.is_discarded()) return {400, {{"ok", false}, {"error", "body is not JSON"}}};
  }

  if (segments.empty() && get) {
    nlohmann::json list = nlohmann::json::array();
    for (const auto& e : kEndpoints) {
      list.push_back(
          {{"method", e.method}, {"path", e.path}, {"mutates", e.mutates}, {"help", e.help}});
    }
    return {200, {{"endpoints", list}}};
  }
  if (segments.size() == 1 && segments[0] == "world" && get) return {200, world_json()};

  if (segments.size() == 3 && segments[0] == "agents" && post) {
    const std::string& host = segments[1];
    const std::string& action = segments[2];
    if (action == "stop") return outcome(master_.stop_agent(host));
    if (action == "start") return outcome(master_.start_agent(host));
    if (action == "partition") return outcome(master_.partition_agent(host));
    if (action == "attributes") {
      const nlohmann::json value = request.contains("attributes") ? request["attributes"] : request;
      auto attributes = value.is_string() ? parse_attributes(value.get<std::string>())
                                          : parse_attributes_object(value);
      if (!attributes.ok()) return outcome(attributes.status());
      return outcome(master_.set_agent_attributes(host, std::move(attributes.value())));
    }
  }
  if (segments.size() == 3 && segments[0] == "tasks" && segments[2] == "fail" && post) {
    const std::string message =
        request.is_object() && request.contains("message") && request["message"].is_string()
            ? request["message"].get<std::string>()
            : "Task failed (simulated by the control API)";
    return outcome(master_.fail_task(segments[1], message));
  }
  if (segments.size() == 2 && segments[0] == "mesos" && segments[1] == "failover" && post) {
    master_.failover();
    return {200, {{"ok", true}, {"leader", master_.endpoint_address(master_.leader_index())}}};
  }
  if (segments.size() == 2 && segments[0] == "mesos" && segments[1] == "drop-streams" && post) {
    master_.drop_streams();
    return {200, {{"ok", true}, {"leader", master_.endpoint_address(master_.leader_index())}}};
  }
  if (segments.size() == 2 && segments[0] == "mesos" && segments[1] == "pause-heartbeats" && post) {
    const nlohmann::json seconds =
        request.is_object() ? request.value("seconds", nlohmann::json()) : nlohmann::json();
    if (!seconds.is_number() || seconds.get<double>() < 0) {
      return outcome(invalid_argument("body {\"seconds\": N} with N a non-negative number"));
    }
    master_.pause_heartbeats(std::chrono::duration_cast<Clock::Duration>(
        std::chrono::duration<double>(seconds.get<double>())));
    return outcome(Status());
  }
  if (segments.size() == 4 && segments[0] == "scaleio" && post &&
      (segments[2] == "fail" || segments[2] == "restore")) {
    if (!scaleio_) return {501, {{"ok", false}, {"error", "no ScaleIO world in this simulator"}}};
    return outcome(segments[2] == "fail" ? scaleio_->fail_component(segments[1], segments[3])
                                         : scaleio_->restore_component(segments[1], segments[3]));
  }
  if (segments.size() == 2 && segments[0] == "gateway" && segments[1] == "faults" && post) {
    if (!scaleio_) return {501, {{"ok", false}, {"error", "no gateway in this simulator"}}};
    return outcome(scaleio_->set_gateway_faults(request));
  }
  return {404,
          {{"ok", false},
           {"error", "no such endpoint: " + method + " " + target + " (GET / lists them)"}}};
}

void ControlApi::handle(const std::shared_ptr<HttpExchange>& exchange) {
  const HttpRequest& request = exchange->request();
  const std::string method(request.method_string());
  const std::string target(request.target());
  auto [status, body] = dispatch(method, target, request.body());
  if (method != "GET") {
    std::fprintf(stderr, "[control] %s %s %s -> %d %s\n", method.c_str(), target.c_str(),
                 request.body().c_str(), status, body.dump().c_str());
  }
  HttpResponse response(static_cast<http::status>(status), 11);
  response.set(http::field::content_type, "application/json");
  response.body() = body.dump() + "\n";
  exchange->respond(std::move(response));
}

}  // namespace scaleio::sim
