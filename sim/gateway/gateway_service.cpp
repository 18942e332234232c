#include "sim/gateway/gateway_service.h"

#include <vector>

#include "core/base64.h"
#include "sim/gateway/object_views.h"
#include "sim/gateway/request_body.h"
#include "sim/gateway/rest_handlers.h"

namespace scaleio::sim {

namespace http = boost::beast::http;
using nlohmann::json;

namespace {

HttpResponse respond(const HttpRequest& request, int status, std::string body) {
  HttpResponse response{static_cast<http::status>(status), request.version()};
  response.set(http::field::server, "scaleio-sim-gateway");
  response.set(http::field::content_type, "application/json;charset=UTF-8");
  response.keep_alive(request.keep_alive());
  response.body() = std::move(body);
  response.prepare_payload();
  return response;
}

// The gateway's error body, keys in the order real gateways send them.
HttpResponse error_response(const HttpRequest& request, const MdmError& error) {
  nlohmann::ordered_json body;
  body["message"] = error.message;
  body["httpStatusCode"] = error.http_status;
  body["errorCode"] = error.error_code;
  return respond(request, error.http_status, body.dump());
}

HttpResponse unauthorized(const HttpRequest& request) {
  return error_response(request, {401, 0, "Unauthorized"});
}

HttpResponse no_such_path(const HttpRequest& request) {
  return error_response(request, {404, 0, "Not found"});
}

HttpResponse method_not_allowed(const HttpRequest& request) {
  HttpResponse response = error_response(request, {405, 0, "Method not allowed"});
  response.set(http::field::allow, "GET, POST");
  return response;
}

HttpResponse reply(const HttpRequest& request, const rest::Reply& result) {
  if (!result.ok()) return error_response(request, result.error());
  return respond(request, 200, result.value().is_null() ? "" : result.value().dump());
}

std::vector<std::string> split_path(const std::string& path) {
  std::vector<std::string> parts;
  size_t start = 0;
  while (start <= path.size()) {
    size_t end = path.find('/', start);
    if (end == std::string::npos) end = path.size();
    if (end > start) parts.push_back(path.substr(start, end - start));
    start = end + 1;
  }
  return parts;
}

// "Volume::0123456789abcdef" -> {"Volume", "0123456789abcdef"}; a bare type gives an empty id.
std::pair<std::string, std::string> split_instance(const std::string& text) {
  const auto sep = text.find("::");
  if (sep == std::string::npos) return {text, ""};
  return {text.substr(0, sep), text.substr(sep + 2)};
}

bool has_version_suffix(const HttpRequest& request, http::field field) {
  auto it = request.find(field);
  return it != request.end() && std::string(it->value()).find(";version=") != std::string::npos;
}

}  // namespace

GatewayService::GatewayService(ScaleioWorld& world, const Clock& clock, std::mt19937_64 rng,
                               GatewayOptions options)
    : world_(world),
      clock_(clock),
      rng_(std::move(rng)),
      options_(std::move(options)),
      tokens_(clock_, rng_, options_.tokens) {}

void GatewayService::set_credentials(const std::string& user, const std::string& password) {
  options_.user = user;
  options_.password = password;
}

HttpResponse GatewayService::handle(const HttpRequest& request) {
  if (clock_.now() < faults_.errors_until) {
    return error_response(request, {500, 0, "Internal server error"});
  }
  if (request.method() != http::verb::get && request.method() != http::verb::post) {
    // Deletion is always a remove{Type} action, never HTTP DELETE.
    return method_not_allowed(request);
  }
  if (options_.reject_version_suffix && (has_version_suffix(request, http::field::accept) ||
                                         has_version_suffix(request, http::field::content_type))) {
    return error_response(request, {406, 0, "Not Acceptable"});
  }
  std::string path(request.target());
  path = path.substr(0, path.find('?'));
  if (path == "/api/login") return login(request);
  std::string token;
  if (!authorized(request, &token)) return unauthorized(request);
  if (path == "/api/logout") {
    tokens_.revoke(token);
    return respond(request, 200, "");
  }
  if (path == "/api/version") return respond(request, 200, json(options_.version).dump());
  return route(request, path);
}

HttpResponse GatewayService::login(const HttpRequest& request) {
  if (request.method() != http::verb::get) return method_not_allowed(request);
  std::string token;
  auto it = request.find(http::field::authorization);
  if (it == request.end()) return unauthorized(request);
  const std::string header(it->value());
  if (header.rfind("Basic ", 0) != 0) return unauthorized(request);
  const auto decoded = base64_decode(header.substr(6));
  if (!decoded) return unauthorized(request);
  const auto colon = decoded->find(':');
  if (colon == std::string::npos || decoded->substr(0, colon) != options_.user ||
      decoded->substr(colon + 1) != options_.password) {
    return unauthorized(request);
  }
  return respond(request, 200, json(tokens_.issue(options_.user)).dump());
}

bool GatewayService::authorized(const HttpRequest& request, std::string* token) {
  auto it = request.find(http::field::authorization);
  if (it == request.end()) return false;
  const std::string header(it->value());
  if (header.rfind("Basic ", 0) != 0) return false;
  const auto decoded = base64_decode(header.substr(6));
  if (!decoded) return false;
  // Any username goes: clients send an empty one or the real one with the token as password.
  const auto colon = decoded->find(':');
  if (colon == std::string::npos) return false;
  *token = decoded->substr(colon + 1);
  return tokens_.use(*token);
}

HttpResponse GatewayService::route(const HttpRequest& request, const std::string& path) {
  const auto parts = split_path(path);
  if (parts.size() < 2 || parts[0] != "api") return no_such_path(request);
  const bool get = request.method() == http::verb::get;
  const bool post = request.method() == http::verb::post;

  auto body = RequestBody::parse(request.body());
  if (post && !body.ok()) return error_response(request, body.error());
  // Every object call is relayed to the MDM: without a cluster with quorum nothing answers.
  if (parts[1] == "types" || parts[1] == "instances") {
    if (auto up = world_.require_mdm(); !up.ok()) return error_response(request, up.error());
  }

  if (parts[1] == "types" && parts.size() >= 4 && parts[3] == "instances") {
    const std::string& type = parts[2];
    if (!views::known_type(type)) return no_such_path(request);
    if (parts.size() == 4) {
      if (get) return respond(request, 200, views::list(world_, type).dump());
      return reply(request, rest::create(world_, type, body.value()));
    }
    if (parts.size() == 6 && parts[4] == "action") {
      if (!post) return method_not_allowed(request);
      return reply(request, rest::type_action(world_, type, parts[5], body.value()));
    }
    return no_such_path(request);
  }

  if (parts[1] == "instances") {
    if (parts.size() == 2) {
      if (!get) return method_not_allowed(request);
      return respond(request, 200, views::everything(world_).dump());
    }
    const auto [type, id] = split_instance(parts[2]);
    if (!views::known_type(type)) return no_such_path(request);
    // POST /api/instances/System/queryMdmCluster (no id, no "action" segment).
    if (type == "System" && parts.size() == 4 && parts[3] == "queryMdmCluster") {
      if (!post) return method_not_allowed(request);
      return reply(request, rest::instance_action(world_, type, id, parts[3], body.value()));
    }
    if (parts.size() == 3) {
      if (!get) return method_not_allowed(request);
      auto object = views::get(world_, type, id);
      if (!object) return error_response(request, rest::not_found_for(type));
      return respond(request, 200, object->dump());
    }
    if (parts.size() == 5 && parts[3] == "relationships") {
      if (!get) return method_not_allowed(request);
      if (!views::get(world_, type, id)) return error_response(request, rest::not_found_for(type));
      auto related = views::related(world_, type, id, parts[4]);
      if (!related) return no_such_path(request);
      return respond(request, 200, related->dump());
    }
    if (parts.size() == 5 && parts[3] == "action") {
      if (!post) return method_not_allowed(request);
      return reply(request, rest::instance_action(world_, type, id, parts[4], body.value()));
    }
  }
  return no_such_path(request);
}

}  // namespace scaleio::sim
