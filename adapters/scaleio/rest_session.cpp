#include "adapters/scaleio/rest_session.h"

#include <cctype>

#include "adapters/scaleio/body_excerpt.h"
#include "adapters/scaleio/gateway_errors.h"
#include "core/base64.h"

namespace scaleio::gateway {

namespace http = boost::beast::http;
using nlohmann::json;

namespace {

std::string trim_token(std::string text) {
  auto drop = [](char c) { return std::isspace(static_cast<unsigned char>(c)) || c == '"'; };
  while (!text.empty() && drop(text.back())) text.pop_back();
  size_t start = 0;
  while (start < text.size() && drop(text[start])) ++start;
  return text.substr(start);
}

}  // namespace

Result<std::unique_ptr<RestSession>> RestSession::create(SessionOptions options) {
  auto connection = HttpConnection::create(options.url, options.tls);
  if (!connection.ok()) return connection.status();
  return create_with_transport(std::move(options), std::move(connection).value());
}

Result<std::unique_ptr<RestSession>> RestSession::create_with_transport(
    SessionOptions options, std::unique_ptr<HttpTransport> transport) {
  if (options.credentials.user.empty()) return invalid_argument("the gateway user is empty");
  if (options.credentials.password.empty()) {
    return invalid_argument("the gateway password is empty");
  }
  if (!transport) return invalid_argument("no transport to the gateway");
  return std::unique_ptr<RestSession>(new RestSession(std::move(options), std::move(transport)));
}

RestSession::RestSession(SessionOptions options, std::unique_ptr<HttpTransport> transport)
    : options_(std::move(options)),
      in_flight_(options_.clock ? *options_.clock : SystemClock::instance()),
      connection_(std::move(transport)) {
  if (!options_.random) {
    options_.random = seeded_uniform(reinterpret_cast<uintptr_t>(this));
  }
  if (!options_.sleeper) options_.sleeper = thread_sleeper();
  if (options_.retry.max_attempts < 1) options_.retry.max_attempts = 1;
}

void RestSession::forget_token() {
  std::lock_guard lock(mu_);
  token_.clear();
}

int RestSession::logins() const {
  std::lock_guard lock(mu_);
  return logins_;
}

int RestSession::connections_opened() const {
  std::lock_guard lock(mu_);
  return connection_->connections_opened();
}

Result<HttpReply> RestSession::send(const HttpRequestMessage& request, const std::string& method,
                                    bool repeatable) {
  auto reply = connection_->round_trip(request, options_.request_timeout, repeatable);
  if (options_.on_request) options_.on_request(method, reply.ok() ? reply->status : 0);
  return reply;
}

void RestSession::authorize(HttpRequestMessage& request) const {
  // Any user name goes with a token; sending the real one helps the gateway's audit log.
  request.set(http::field::authorization,
              "Basic " + base64_encode(options_.credentials.user + ":" + token_));
}

Status RestSession::login_locked() {
  HttpRequestMessage request{http::verb::get, options_.url.api_prefix + "/login", 11};
  request.set(http::field::host, options_.url.host);
  request.set(http::field::accept, "application/json");
  request.set(http::field::user_agent, "scaleio-operator");
  request.set(http::field::authorization,
              "Basic " + base64_encode(options_.credentials.user + ":" +
                                       options_.credentials.password.reveal()));
  const std::string endpoint = "GET " + options_.url.api_prefix + "/login";
  auto reply = send(request, "GET", /*repeatable=*/true);
  if (!reply.ok()) return Status(reply.status().code(), endpoint + ": " + reply.status().message());
  if (reply->status == 401 || reply->status == 403) {
    // No body excerpt: nothing from the exchange that carried the password goes into messages.
    return unauthenticated(endpoint + ": the gateway refused the credentials of user " +
                           options_.credentials.user);
  }
  if (reply->status < 200 || reply->status >= 300) {
    return status_from_gateway_error(parse_error_body(reply->status, reply->body), endpoint);
  }
  std::string token;
  const auto parsed = json::parse(reply->body, nullptr, false);
  token = parsed.is_string() ? parsed.get<std::string>() : trim_token(reply->body);
  token = trim_token(token);
  if (token.empty() || token.find_first_of(" \t\r\n{}[]<>") != std::string::npos) {
    return invalid_argument(endpoint + ": the answer is not a token");
  }
  token_ = std::move(token);
  ++logins_;
  return Status();
}

Result<HttpReply> RestSession::attempt(const HttpRequestMessage& prepared,
                                       const std::string& endpoint, bool repeatable) {
  if (token_.empty()) {
    if (Status s = login_locked(); !s.ok()) return s;
  }
  const std::string method(prepared.method_string());
  HttpRequestMessage request = prepared;
  authorize(request);
  auto reply = send(request, method, repeatable);
  if (!reply.ok()) return Status(reply.status().code(), endpoint + ": " + reply.status().message());
  if (reply->status != 401) return reply;

  // The token expired or the gateway restarted: log in again and re-send the very same request,
  // body included (a well-known client bug drops it here). Only once: a second 401 is final.
  token_.clear();
  if (Status s = login_locked(); !s.ok()) return s;
  request = prepared;
  authorize(request);
  reply = send(request, method, repeatable);
  if (!reply.ok()) return Status(reply.status().code(), endpoint + ": " + reply.status().message());
  if (reply->status == 401) {
    token_.clear();
    return unauthenticated(endpoint + ": refused with a fresh token");
  }
  return reply;
}

namespace {

// Every object the gateway returns carries "links" (rel/href pairs to its related resources).
// The client never follows them, and in a full listing they are a large share of the body: they
// are dropped while parsing, so no tree is kept for them (the answer to GET /api/instances at
// 5,000 nodes is the largest allocation the daemon makes).
bool drop_links(int /*depth*/, json::parse_event_t event, json& parsed) {
  return !(event == json::parse_event_t::key && parsed.is_string() &&
           parsed.get_ref<const std::string&>() == "links");
}

std::string endpoint_name(http::verb verb, const std::string& target) {
  return std::string(http::to_string(verb)) + " " + target;
}

}  // namespace

Result<std::string> RestSession::exchange(http::verb verb, const std::string& path,
                                          const std::optional<json>& body, Repeatable repeatable) {
  const std::string target = options_.url.api_prefix + path;
  const std::string endpoint = endpoint_name(verb, target);
  HttpRequestMessage request{verb, target, 11};
  request.set(http::field::host, options_.url.host);
  // No ";version=" suffix: real gateways answer 406 to it.
  request.set(http::field::accept, "application/json");
  request.set(http::field::user_agent, "scaleio-operator");
  request.keep_alive(true);
  if (body) {
    request.set(http::field::content_type, "application/json");
    request.body() = body->dump();
  }
  request.prepare_payload();

  const bool may_repeat = repeatable == Repeatable::kYes;
  // Counted before the lock: a call queued behind a hung one waits too.
  const auto in_flight = in_flight_.start(std::string(http::to_string(verb)), target);
  std::lock_guard lock(mu_);
  for (int attempt_no = 1;; ++attempt_no) {
    auto reply = attempt(request, endpoint, may_repeat);
    if (reply.ok() && reply->status >= 200 && reply->status < 300) {
      return std::move(reply->body);
    }
    const Status failure = reply.ok() ? status_from_gateway_error(
                                            parse_error_body(reply->status, reply->body), endpoint)
                                      : reply.status();
    if (!may_repeat || !is_transient(failure)) return failure;
    if (attempt_no >= options_.retry.max_attempts) {
      return Status(failure.code(), failure.message() + " (gave up after " +
                                        std::to_string(attempt_no) + " attempts)");
    }
    options_.sleeper(backoff_delay(options_.retry, attempt_no, options_.random()));
  }
}

Result<json> RestSession::call(http::verb verb, const std::string& path,
                               const std::optional<json>& body, Repeatable repeatable) {
  auto answer = exchange(verb, path, body, repeatable);
  if (!answer.ok()) return answer.status();
  if (answer->empty()) return json(nullptr);
  auto parsed = json::parse(*answer, drop_links, /*allow_exceptions=*/false);
  if (parsed.is_discarded()) {
    return invalid_argument(endpoint_name(verb, options_.url.api_prefix + path) +
                            ": the gateway's answer is not JSON: \"" + body_excerpt(*answer) +
                            "\"");
  }
  return parsed;
}

Status RestSession::call_raw(http::verb verb, const std::string& path,
                             const std::optional<json>& body, Repeatable repeatable,
                             const BodyReader& read) {
  auto answer = exchange(verb, path, body, repeatable);
  if (!answer.ok()) return answer.status();
  return read(std::move(answer).value(), endpoint_name(verb, options_.url.api_prefix + path));
}

}  // namespace scaleio::gateway
