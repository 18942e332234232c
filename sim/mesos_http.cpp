#include "sim/mesos_http.h"

#include <algorithm>

namespace scaleio::sim {

namespace http = boost::beast::http;

namespace {

HttpResponse text_response(http::status status, const std::string& body) {
  HttpResponse response(status, 11);
  if (!body.empty()) response.set(http::field::content_type, "text/plain; charset=utf-8");
  response.body() = body;
  return response;
}

std::string lowercase(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return std::tolower(c); });
  return s;
}

// The media type without parameters, lower-cased ("application/json; charset=utf-8" → json).
std::string media_type(const std::string& value) {
  std::string type = value.substr(0, value.find(';'));
  type.erase(
      std::remove_if(type.begin(), type.end(), [](unsigned char c) { return std::isspace(c); }),
      type.end());
  return lowercase(type);
}

// Whether an Accept header admits application/json (absent = anything).
bool accepts_json(const std::string& accept) {
  if (accept.empty()) return true;
  std::size_t start = 0;
  while (start <= accept.size()) {
    auto comma = accept.find(',', start);
    std::string item =
        accept.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
    const std::string type = media_type(item);
    // q=0 means "not acceptable".
    const bool refused = lowercase(item).find("q=0") != std::string::npos &&
                         lowercase(item).find("q=0.") == std::string::npos;
    if (!refused && (type == "application/json" || type == "application/*" || type == "*/*")) {
      return true;
    }
    if (comma == std::string::npos) break;
    start = comma + 1;
  }
  return false;
}

}  // namespace

void MesosHttpFront::handle(const std::shared_ptr<HttpExchange>& exchange) {
  const HttpRequest& request = exchange->request();
  const std::string target(request.target());
  const std::string path = target.substr(0, target.find('?'));
  const bool scheduler = path == "/api/v1/scheduler";
  const bool operator_api = path == "/api/v1";
  if (!scheduler && !operator_api) {
    return exchange->respond(text_response(http::status::not_found, ""));
  }
  if (endpoint_index_ != master_.leader_index()) {
    HttpResponse redirect = text_response(http::status::temporary_redirect, "");
    redirect.set(http::field::location,
                 "//" + master_.endpoint_address(master_.leader_index()) + path);
    return exchange->respond(std::move(redirect));
  }
  if (master_.recovering()) {
    return exchange->respond(
        text_response(http::status::service_unavailable, "Master has not finished recovery"));
  }
  if (request.method() != http::verb::post) {
    HttpResponse response = text_response(
        http::status::method_not_allowed,
        "Expecting one of { 'POST' }, but received '" + std::string(request.method_string()) + "'");
    response.set(http::field::allow, "POST");
    return exchange->respond(std::move(response));
  }
  auto content_type_field = request.find(http::field::content_type);
  if (content_type_field == request.end()) {
    return exchange->respond(
        text_response(http::status::bad_request, "Expecting 'Content-Type' to be present"));
  }
  const std::string content_type = media_type(std::string(content_type_field->value()));
  if (content_type == "application/x-protobuf") {
    return exchange->respond(
        text_response(http::status::unsupported_media_type,
                      "scaleio-sim speaks JSON only; 'application/x-protobuf' is not supported"));
  }
  if (content_type != "application/json") {
    return exchange->respond(
        text_response(http::status::unsupported_media_type,
                      "Expecting 'Content-Type' of application/json or application/x-protobuf"));
  }
  nlohmann::json call = nlohmann::json::parse(request.body(), nullptr, /*allow_exceptions=*/false);
  if (call.is_discarded() || !call.is_object()) {
    return exchange->respond(
        text_response(http::status::bad_request, "Failed to parse body into JSON"));
  }
  if (call.contains("type") && !call["type"].is_string()) {
    return exchange->respond(text_response(
        http::status::bad_request, "Failed to parse body into Call: 'type' must be an enum name"));
  }

  if (operator_api) {
    auto answer = master_.operator_call(call);
    HttpResponse response(static_cast<http::status>(answer.http_status), 11);
    response.set(http::field::content_type,
                 answer.http_status == 200 ? "application/json" : "text/plain; charset=utf-8");
    response.body() = answer.body;
    return exchange->respond(std::move(response));
  }

  const std::string type = call.value("type", std::string());
  auto stream_header = request.find("Mesos-Stream-Id");
  std::optional<std::string> stream_id;
  if (stream_header != request.end()) stream_id = std::string(stream_header->value());

  if (type == "SUBSCRIBE") {
    if (!accepts_json(std::string(request[http::field::accept]))) {
      return exchange->respond(text_response(http::status::not_acceptable,
                                             "Expecting 'Accept' to allow application/json"));
    }
    if (stream_id) {
      return exchange->respond(
          text_response(http::status::bad_request,
                        "Subscribe calls should not include the 'Mesos-Stream-Id' header"));
    }
    Status status = master_.subscribe(call, [&](const std::string& new_stream_id) {
      HttpResponse head(http::status::ok, 11);
      head.set(http::field::content_type, "application/json");
      head.set("Mesos-Stream-Id", new_stream_id);
      head.set(http::field::cache_control, "no-cache");
      return exchange->start_stream(std::move(head));
    });
    if (!status.ok()) {
      exchange->respond(text_response(http::status::bad_request, status.message()));
    }
    return;
  }
  auto answer = master_.call(call, stream_id);
  exchange->respond(text_response(static_cast<http::status>(answer.http_status), answer.body));
}

}  // namespace scaleio::sim
