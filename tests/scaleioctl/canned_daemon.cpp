#include "tests/scaleioctl/canned_daemon.h"

#include <boost/asio/post.hpp>

#include <stdexcept>

#include "core/views/json_views.h"

namespace scaleio::ctl::testing {

namespace {

namespace bhttp = boost::beast::http;
using nlohmann::json;

http::HttpResponse json_answer(bhttp::status status, const json& body) {
  http::HttpResponse response(status, 11);
  response.set(bhttp::field::content_type, "application/json");
  response.body() = body.dump();
  response.prepare_payload();
  return response;
}

http::HttpResponse error_answer(bhttp::status status, const std::string& code,
                                const std::string& message) {
  return json_answer(status, {{"error", {{"code", code}, {"message", message}}}});
}

std::map<std::string, std::string> query_of(const std::string& target) {
  std::map<std::string, std::string> out;
  const size_t q = target.find('?');
  if (q == std::string::npos) return out;
  std::string rest = target.substr(q + 1);
  size_t start = 0;
  while (start <= rest.size()) {
    size_t end = rest.find('&', start);
    if (end == std::string::npos) end = rest.size();
    const std::string pair = rest.substr(start, end - start);
    const size_t eq = pair.find('=');
    if (!pair.empty()) {
      out[pair.substr(0, eq)] = eq == std::string::npos ? "" : pair.substr(eq + 1);
    }
    start = end + 1;
  }
  // The only escapes scaleioctl sends in these tests: '/' in stream names.
  for (auto& [k, v] : out) {
    for (size_t p; (p = v.find("%2F")) != std::string::npos;) v.replace(p, 3, "/");
  }
  return out;
}

}  // namespace

json canned_event(uint64_t sequence, const std::string& type, int64_t unix_ms, json payload) {
  return {
      {"sequence", sequence}, {"stream", "scaleio/gateway"},         {"streamVersion", sequence},
      {"type", type},         {"time", views::iso8601_utc(unix_ms)}, {"timestampUnixMs", unix_ms},
      {"source", "observer"}, {"payload", std::move(payload)}};
}

CannedDaemon::CannedDaemon(std::string admin_token)
    : admin_token_(std::move(admin_token)),
      server_(io_, [this](std::shared_ptr<http::HttpExchange> ex) { handle(ex); }) {
  if (Status s = server_.listen("127.0.0.1:0"); !s.ok()) throw std::runtime_error(s.to_string());
  thread_ = std::thread([this] { io_.run(); });
}

CannedDaemon::~CannedDaemon() {
  boost::asio::post(io_, [this] {
    for (auto& s : streams_) s->close();
    server_.stop();
  });
  io_.stop();
  thread_.join();
}

std::string CannedDaemon::url() const {
  return "http://127.0.0.1:" + std::to_string(server_.local_endpoint().port());
}

std::vector<SeenRequest> CannedDaemon::requests() const {
  std::lock_guard lock(mu_);
  return seen_;
}

json CannedDaemon::plan_json() {
  return {{"contentHash", "0123456789abcdef"},
          {"asOfSequence", 17},
          {"plan",
           {{"nodes",
             {{{"hostname", "host-1"},
               {"ip", "10.0.0.11"},
               {"persona", "primary"},
               {"roles", {"mdm", "sds", "sdc"}},
               {"fault_set", ""},
               {"sds_pools", {{{"domain", "pd1"}, {"pool", "sp1"}, {"devices", {"/dev/sdb"}}}}},
               {"sdc_domains", {"pd1"}},
               {"sdc_pools", {"pd1/sp1"}},
               {"volumes", json::array()},
               {"agent_id", "S1"}}}},
            {"mdm_cluster",
             {{"valid", false},
              {"size", 0},
              {"primary", ""},
              {"secondaries", json::array()},
              {"tiebreakers", json::array()},
              {"adopt", false},
              {"adopt_mdm_ips", json::array()}}},
            {"volumes", json::array()},
            {"problems",
             {{{"severity", "cluster-error"},
               {"host", ""},
               {"attribute", "scaleio-persona"},
               {"message", "no secondary: a 3-node cluster needs one"}}}}}}};
}

json CannedDaemon::state_json() {
  return {{"asOfSequence", 17},
          {"frameworkId", "fw-online"},
          {"agents", json::array()},
          {"tasks",
           {{{"taskId", "scaleio-node.host-1.1"},
             {"agentId", "S1"},
             {"state", "TASK_RUNNING"},
             {"terminal", false}}}},
          {"scaleio",
           {{"everReached", true},
            {"reachable", true},
            {"stale", false},
            {"lastError", ""},
            {"gatewayVersion", "2.0.14000"},
            {"lastSequence", 17},
            {"mdmCluster", nullptr},
            {"mdmHealthy", false},
            {"protectionDomains", json::array()},
            {"faultSets", json::array()},
            {"storagePools",
             {{{"id", "sp-online"},
               {"name", "sp-online"},
               {"protectionDomainId", "pd-1"},
               {"protectionDomainName", "pd1"},
               {"capacity", {{"maxKb", "1048576"}, {"inUseKb", "524288"}}},
               {"sinceSequence", 9}}}},
            {"sdss", json::array()},
            {"sdcs", json::array()},
            {"volumes", json::array()}}}};
}

void CannedDaemon::handle(const std::shared_ptr<http::HttpExchange>& exchange) {
  const auto& request = exchange->request();
  const std::string target(request.target());
  const std::string path = target.substr(0, target.find('?'));
  const std::string method(request.method_string());
  {
    std::lock_guard lock(mu_);
    auto auth = request.find(bhttp::field::authorization);
    seen_.push_back(
        {method, target, auth == request.end() ? "" : std::string(auth->value()), request.body()});
  }
  const auto query = query_of(target);
  if (method == "GET" && path == "/v1/plan")
    return exchange->respond(json_answer(bhttp::status::ok, plan_json()));
  if (method == "GET" && path == "/v1/state")
    return exchange->respond(json_answer(bhttp::status::ok, state_json()));
  if (method == "GET" && path == "/v1/drift") {
    json items = json::array();
    if (!converged) {
      items.push_back({{"resource", "pool/pd1/sp1"},
                       {"kind", "waiting"},
                       {"detail", "waiting for a healthy MDM cluster"},
                       {"sinceSequence", 0}});
    }
    return exchange->respond(json_answer(
        bhttp::status::ok, {{"converged", converged},
                            {"asOfSequence", 17},
                            {"reconcilers", {{"storage_pools", items}, {"nodes", json::array()}}},
                            {"observed", items}}));
  }
  if (method == "GET" && path == "/v1/reconcilers") {
    json nodes = {{"name", "nodes"},    {"paused", true},  {"passes", 12},
                  {"lastResult", "ok"}, {"lastError", ""}, {"backoff", json::array()}};
    json list = json::array();
    list.push_back(nodes);
    return exchange->respond(json_answer(bhttp::status::ok, {{"reconcilers", list}}));
  }
  if (method == "GET" && path == "/v1/events") {
    const uint64_t from = query.count("from") ? std::stoull(query.at("from")) : 1;
    const size_t limit = query.count("limit") ? std::stoull(query.at("limit")) : 100;
    json list = json::array();
    for (const auto& e : events) {
      if (e["sequence"].get<uint64_t>() < from) continue;
      if (query.count("type") && e["type"] != query.at("type")) continue;
      if (query.count("stream") && e["stream"] != query.at("stream")) continue;
      list.push_back(e);
    }
    if (query.count("follow")) {
      http::HttpResponse head(bhttp::status::ok, 11);
      head.set(bhttp::field::content_type, "application/x-ndjson");
      auto sink = exchange->start_stream(std::move(head));
      // Two chunks, the first cutting a line in half: lines must be reassembled.
      std::string text;
      for (const auto& e : list) text += e.dump() + "\n";
      sink->write_chunk(text.substr(0, text.size() / 2 + 1));
      sink->write_chunk(text.substr(text.size() / 2 + 1));
      streams_.push_back(sink);  // stays open, as a daemon's follow does
      return;
    }
    if (list.size() > limit) list.erase(list.begin() + static_cast<long>(limit), list.end());
    const uint64_t last = events.empty() ? 0 : events.back()["sequence"].get<uint64_t>();
    return exchange->respond(
        json_answer(bhttp::status::ok,
                    {{"events", list},
                     {"next", list.empty() ? from : list.back()["sequence"].get<uint64_t>() + 1},
                     {"lastSequence", last}}));
  }
  if (method == "POST" && path.rfind("/v1/reconcilers/", 0) == 0) {
    auto auth = request.find(bhttp::field::authorization);
    if (auth == request.end() || std::string(auth->value()) != "Bearer " + admin_token_) {
      return exchange->respond(error_answer(bhttp::status::unauthorized, "unauthorized",
                                            "the bearer token does not match the admin token"));
    }
    const std::string rest = path.substr(std::string("/v1/reconcilers/").size());
    const std::string name = rest.substr(0, rest.find('/'));
    const std::string command = rest.substr(rest.find('/') + 1);
    if (name != "nodes") {
      return exchange->respond(
          error_answer(bhttp::status::not_found, "NOT_FOUND", "no reconciler '" + name + "'"));
    }
    return exchange->respond(json_answer(
        bhttp::status::accepted, {{"reconciler", name}, {"command", command}, {"sequence", 42}}));
  }
  exchange->respond(error_answer(bhttp::status::not_found, "NOT_FOUND", "no route " + path));
}

}  // namespace scaleio::ctl::testing
