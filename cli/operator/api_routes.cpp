#include "cli/operator/api_routes.h"

#include <boost/asio/post.hpp>
#include <fstream>
#include <sstream>
#include <thread>

#include "cli/operator/daemon.h"
#include "cli/operator/event_query.h"
#include "cli/operator/ui/status_page.h"
#include "core/observed/drift.h"
#include "core/views/json_views.h"
#include "reconcilers/runtime/operator_commands.h"

namespace scaleio::operator_daemon {

namespace {

namespace beast_http = boost::beast::http;
using http::error_response;
using http::json_response;
using Exchange = std::shared_ptr<http::HttpExchange>;

http::HttpResponse text_response(beast_http::status status, std::string body,
                                 const std::string& content_type) {
  http::HttpResponse response(status, 11);
  response.set(beast_http::field::content_type, content_type);
  response.body() = std::move(body);
  response.prepare_payload();
  return response;
}

http::HttpResponse status_error(const Status& s) {
  auto code = beast_http::status::internal_server_error;
  switch (s.code()) {
    case StatusCode::kInvalidArgument:
      code = beast_http::status::bad_request;
      break;
    case StatusCode::kNotFound:
      code = beast_http::status::not_found;
      break;
    case StatusCode::kUnavailable:
    case StatusCode::kResourceExhausted:
    case StatusCode::kFailedPrecondition:  // e.g. the data disk mounted read-only
      code = beast_http::status::service_unavailable;
      break;
    default:
      break;
  }
  return error_response(code, std::string(status_code_name(s.code())), s.message());
}

nlohmann::json time_json(const std::optional<Clock::TimePoint>& t) {
  if (!t) return nullptr;
  return views::iso8601_utc(
      std::chrono::duration_cast<std::chrono::milliseconds>(t->time_since_epoch()).count());
}

nlohmann::json reconciler_json(const reconcilers::ReconcilerStatus& s) {
  nlohmann::json backoff = nlohmann::json::array();
  for (const auto& t : s.backoff) {
    backoff.push_back({{"target", t.target},
                       {"action", t.last_action},
                       {"failures", t.consecutive_failures},
                       {"code", t.last_code},
                       {"error", t.last_error},
                       {"nextAttempt", views::iso8601_utc(t.next_attempt_unix_ms)}});
  }
  return {{"name", s.name},
          {"paused", s.paused},
          {"passes", s.passes},
          {"lastPassStart", time_json(s.last_pass_start)},
          {"lastPassEnd", time_json(s.last_pass_end)},
          {"lastResult", s.last_result},
          {"lastError", s.last_error},
          {"refreshError", s.refresh_error},
          {"actionsTotal", s.actions_total},
          {"driftItems", s.drift.size()},
          {"nextDue", time_json(s.next_due)},
          {"backoff", backoff}};
}

// Follows the log for one client: a thread reads the subscription and posts each line to the
// server's io thread, which owns the connection. Ends when the client goes away or the daemon
// stops.
void follow_events(Daemon& daemon, const Exchange& exchange, const EventQuery& query) {
  http::HttpResponse head(beast_http::status::ok, 11);
  head.set(beast_http::field::content_type, "application/x-ndjson");
  head.set(beast_http::field::cache_control, "no-store");
  auto sink = exchange->start_stream(std::move(head));
  auto gone = std::make_shared<std::atomic<bool>>(false);
  sink->set_on_peer_closed([gone] { *gone = true; });
  std::thread([&daemon, sink, gone, query] {
    auto subscription = daemon.store().subscribe(query.from);
    auto& io = daemon.io();
    while (!*gone && !daemon.stopping()) {
      auto batch = subscription->next_batch(256, std::chrono::milliseconds(250));
      if (!batch.ok()) break;
      std::string chunk;
      for (const auto& event : *batch) {
        if (query.matches(event)) chunk += views::event_json(event).dump() + "\n";
      }
      if (!chunk.empty()) {
        boost::asio::post(io, [sink, chunk = std::move(chunk)]() mutable {
          if (sink->is_open()) sink->write_chunk(std::move(chunk));
        });
      }
    }
    boost::asio::post(io, [sink] { sink->close(); });
  }).detach();
}

void operator_command(Daemon& daemon, const http::Request& request, const Exchange& exchange,
                      std::string_view command) {
  std::string reason;
  if (!request.body.empty()) {
    auto body = nlohmann::json::parse(request.body, nullptr, false);
    if (body.is_discarded() || !body.is_object()) {
      exchange->respond(
          error_response(beast_http::status::bad_request, "INVALID_ARGUMENT",
                         "the body must be a JSON object like {\"reason\": \"...\"}"));
      return;
    }
    reason = body.value("reason", std::string());
  }
  const std::string& name = request.params.at("name");
  auto appended = reconcilers::append_operator_command(
      daemon.store(), daemon.clock(), command, name, "http-api", reason, daemon.reconciler_names());
  if (!appended.ok()) {
    exchange->respond(status_error(appended.status()));
    return;
  }
  daemon.log().info("api", std::string(command) + " requested",
                    {{"reconciler", name}, {"reason", reason}});
  exchange->respond(
      json_response(beast_http::status::accepted, {{"reconciler", name},
                                                   {"command", std::string(command)},
                                                   {"sequence", appended->last_sequence}}));
}

}  // namespace

Status add_api_routes(http::Router& router, Daemon& daemon) {
  std::vector<http::Route> routes = {
      {"GET", "/metrics", "Prometheus metrics (text exposition format)", false,
       [&daemon](const http::Request&, const Exchange& ex) {
         ex->respond(text_response(beast_http::status::ok, daemon.metrics_text(),
                                   "text/plain; version=0.0.4; charset=utf-8"));
       }},
      {"GET", "/healthz", "200 while the process is alive", false,
       [](const http::Request&, const Exchange& ex) {
         ex->respond(text_response(beast_http::status::ok, "ok\n", "text/plain"));
       }},
      {"GET", "/readyz",
       "200 when the log is open and takes appends, Mesos subscribed and the gateway "
       "reachable with no request waiting past --gateway-request-stuck-after; else 503 naming "
       "the failing checks",
       false,
       [&daemon](const http::Request&, const Exchange& ex) {
         const auto r = daemon.readiness();
         nlohmann::json failing = nlohmann::json::object();
         for (const auto& [check, why] : r.failing) failing[check] = why;
         ex->respond(json_response(
             r.ready ? beast_http::status::ok : beast_http::status::service_unavailable,
             {{"ready", r.ready}, {"failing", failing}}));
       }},
      {"GET", "/v1/plan",
       "the desired plan per host, computed from agent attributes, with its "
       "problems",
       false,
       [&daemon](const http::Request&, const Exchange& ex) {
         nlohmann::json body;
         Status s = daemon.with_state([&](const reconcilers::LiveState& state) {
           body = {{"contentHash", state.plan().content_hash()},
                   {"asOfSequence", state.last_sequence()},
                   {"plan", state.plan().to_json()}};
         });
         ex->respond(s.ok() ? json_response(beast_http::status::ok, body) : status_error(s));
       }},
      {"GET", "/v1/state", "the observed cluster: agents, Mesos tasks, and the ScaleIO objects",
       false,
       [&daemon](const http::Request&, const Exchange& ex) {
         nlohmann::json body;
         Status s = daemon.with_state([&](const reconcilers::LiveState& state) {
           nlohmann::json agents = nlohmann::json::array();
           for (const auto& [host, agent] : state.agents().agents()) {
             agents.push_back(views::message_json(agent));
           }
           body = {{"asOfSequence", state.last_sequence()},
                   {"frameworkId", daemon.framework_id().value_or("")},
                   {"agents", agents},
                   {"tasks", views::tasks_json(state.tasks().tasks())},
                   {"scaleio", views::observed_json(state.observed())}};
         });
         ex->respond(s.ok() ? json_response(beast_http::status::ok, body) : status_error(s));
       }},
      {"GET", "/v1/drift",
       "what separates the cluster from the plan: each reconciler's items (with why it waits or "
       "refuses) and the plan-vs-observed diff",
       false,
       [&daemon](const http::Request&, const Exchange& ex) {
         nlohmann::json body;
         Status s = daemon.with_state([&](const reconcilers::LiveState& state) {
           nlohmann::json per_reconciler = nlohmann::json::object();
           bool converged = true;
           for (const auto& r : daemon.reconciler_status()) {
             per_reconciler[r.name] = views::drift_json(r.drift);
             if (!r.drift.empty() || r.last_result.empty()) converged = false;
           }
           const auto diff = observed::drift(state.plan(), state.observed());
           if (!diff.empty()) converged = false;
           body = {{"converged", converged},
                   {"asOfSequence", state.last_sequence()},
                   {"reconcilers", per_reconciler},
                   {"observed", views::drift_json(diff)}};
         });
         ex->respond(s.ok() ? json_response(beast_http::status::ok, body) : status_error(s));
       }},
      {"GET", "/v1/events",
       "the event log: ?from=SEQ&limit=N&stream=S&type=T; &follow=true streams new events as "
       "NDJSON",
       false,
       [&daemon](const http::Request& request, const Exchange& ex) {
         auto query = parse_event_query(request.query);
         if (!query.ok()) {
           ex->respond(status_error(query.status()));
           return;
         }
         if (query->follow) {
           follow_events(daemon, ex, *query);
           return;
         }
         auto events = read_events(daemon.store(), *query);
         if (!events.ok()) {
           ex->respond(status_error(events.status()));
           return;
         }
         nlohmann::json list = nlohmann::json::array();
         for (const auto& e : *events) list.push_back(views::event_json(e));
         const uint64_t next = events->empty() ? query->from : events->back().sequence() + 1;
         ex->respond(json_response(
             beast_http::status::ok,
             {{"events", list}, {"next", next}, {"lastSequence", daemon.store().last_sequence()}}));
       }},
      {"GET", "/v1/reconcilers", "each reconciler: paused, last pass, errors, targets in backoff",
       false,
       [&daemon](const http::Request&, const Exchange& ex) {
         nlohmann::json list = nlohmann::json::array();
         for (const auto& r : daemon.reconciler_status()) list.push_back(reconciler_json(r));
         ex->respond(json_response(beast_http::status::ok, {{"reconcilers", list}}));
       }},
      {"POST", "/v1/reconcilers/{name}/pause",
       "pause a reconciler (it finishes its current pass, then acts no more); body "
       "{\"reason\": \"...\"} optional",
       true,
       [&daemon](const http::Request& request, const Exchange& ex) {
         operator_command(daemon, request, ex, reconcilers::kPauseCommand);
       }},
      {"POST", "/v1/reconcilers/{name}/resume", "resume a paused reconciler", true,
       [&daemon](const http::Request& request, const Exchange& ex) {
         operator_command(daemon, request, ex, reconcilers::kResumeCommand);
       }},
      {"GET", "/v1/artifacts/scaleio-node",
       "the scaleio-node program the node tasks fetch (CommandInfo URI)", false,
       [&daemon](const http::Request&, const Exchange& ex) {
         std::ifstream in(daemon.node_binary(), std::ios::binary);
         if (daemon.node_binary().empty() || !in) {
           ex->respond(error_response(beast_http::status::not_found, "NOT_FOUND",
                                      "scaleio-node is not available: start the operator with "
                                      "--node-binary PATH"));
           return;
         }
         std::ostringstream bytes;
         bytes << in.rdbuf();
         ex->respond(
             text_response(beast_http::status::ok, bytes.str(), "application/octet-stream"));
       }},
  };
  routes.push_back(status_page_route());
  for (auto& route : routes) {
    if (Status s = router.add(std::move(route)); !s.ok()) return s;
  }
  return {};
}

}  // namespace scaleio::operator_daemon
