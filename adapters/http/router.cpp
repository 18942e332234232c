#include "adapters/http/router.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>

#include <algorithm>
#include <boost/beast/http.hpp>
#include <cctype>
#include <set>
#include <sstream>

namespace scaleio::http {

namespace beast_http = boost::beast::http;
using Digest = std::array<unsigned char, 32>;

namespace {

constexpr char kRealm[] = "Bearer realm=\"scaleio-operator\"";

Digest sha256(std::string_view text) {
  Digest digest{};
  unsigned int size = 0;
  // EVP_Digest cannot fail for SHA-256 on in-memory data short of allocation failure; a zeroed
  // digest then simply matches no token a client could send (it would need a preimage).
  EVP_Digest(text.data(), text.size(), digest.data(), &size, EVP_sha256(), nullptr);
  return digest;
}

std::string lower(std::string_view text) {
  std::string out(text);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

// "/a/b%20c" → {"a", "b%20c"}; "/" → {}. Segments stay encoded until matched, so an escaped '/'
// (%2F) stays inside its segment.
std::vector<std::string> split_path(std::string_view path) {
  std::vector<std::string> segments;
  if (path == "/") return segments;
  std::size_t start = 1;
  while (true) {
    const std::size_t slash = path.find('/', start);
    segments.emplace_back(
        path.substr(start, slash == std::string_view::npos ? slash : slash - start));
    if (slash == std::string_view::npos) break;
    start = slash + 1;
  }
  return segments;
}

bool is_capture(const std::string& segment) {
  return segment.size() > 2 && segment.front() == '{' && segment.back() == '}';
}

Status validate_pattern(const std::string& pattern, const std::vector<std::string>& segments) {
  if (pattern.empty() || pattern.front() != '/') {
    return invalid_argument("a path pattern starts with '/': '" + pattern + "'");
  }
  std::set<std::string> names;
  for (const auto& segment : segments) {
    if (segment.empty()) return invalid_argument("empty segment in path pattern '" + pattern + "'");
    if (is_capture(segment)) {
      const std::string name = segment.substr(1, segment.size() - 2);
      const bool word = std::all_of(name.begin(), name.end(),
                                    [](unsigned char c) { return std::isalnum(c) || c == '_'; });
      if (!word) return invalid_argument("bad parameter name in '" + pattern + "'");
      if (!names.insert(name).second) {
        return invalid_argument("parameter {" + name + "} twice in '" + pattern + "'");
      }
    } else if (segment.find_first_of("{}?#") != std::string::npos) {
      return invalid_argument("'{', '}', '?' and '#' only as {name} segments in '" + pattern + "'");
    }
  }
  return Status();
}

// Params of `pattern` matched against decoded `path` segments, or nullopt when it does not match.
std::optional<std::map<std::string, std::string>> match(const std::vector<std::string>& pattern,
                                                        const std::vector<std::string>& path) {
  if (pattern.size() != path.size()) return std::nullopt;
  std::map<std::string, std::string> params;
  for (std::size_t i = 0; i < pattern.size(); ++i) {
    if (is_capture(pattern[i])) {
      if (path[i].empty()) return std::nullopt;
      params[pattern[i].substr(1, pattern[i].size() - 2)] = path[i];
    } else if (pattern[i] != path[i]) {
      return std::nullopt;
    }
  }
  return params;
}

std::size_t captures(const std::vector<std::string>& segments) {
  return static_cast<std::size_t>(std::count_if(segments.begin(), segments.end(), is_capture));
}

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

bool wants_json(const HttpRequest& request) {
  const auto field = request[beast_http::field::accept];
  const std::string accept = lower(std::string_view(field.data(), field.size()));
  if (accept.empty() || accept.find("json") != std::string::npos) return true;
  return accept.find("text/") == std::string::npos;  // "*/*" and the like: JSON by default
}

}  // namespace

Result<std::string> percent_decode(std::string_view text, bool plus_is_space) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (c == '%') {
      const int high = i + 2 < text.size() ? hex_value(text[i + 1]) : -1;
      const int low = i + 2 < text.size() ? hex_value(text[i + 2]) : -1;
      if (high < 0 || low < 0) {
        return invalid_argument("broken percent-escape at offset " + std::to_string(i));
      }
      out.push_back(static_cast<char>(high * 16 + low));
      i += 2;
    } else if (c == '+' && plus_is_space) {
      out.push_back(' ');
    } else {
      out.push_back(c);
    }
  }
  return out;
}

Result<std::map<std::string, std::string>> parse_query(std::string_view query) {
  std::map<std::string, std::string> out;
  while (!query.empty()) {
    const std::size_t amp = query.find('&');
    const std::string_view pair = query.substr(0, amp);
    query = amp == std::string_view::npos ? std::string_view() : query.substr(amp + 1);
    if (pair.empty()) continue;
    const std::size_t eq = pair.find('=');
    auto key = percent_decode(pair.substr(0, eq), true);
    if (!key.ok()) return key.status();
    auto value = percent_decode(
        eq == std::string_view::npos ? std::string_view() : pair.substr(eq + 1), true);
    if (!value.ok()) return value.status();
    out[*key] = std::move(*value);
  }
  return out;
}

HttpResponse json_response(beast_http::status status, const nlohmann::json& body) {
  HttpResponse response(status, 11);
  response.set(beast_http::field::content_type, "application/json");
  response.set(beast_http::field::cache_control, "no-store");
  // Replace, not throw, on invalid UTF-8 in a value: an answer beats a dropped connection.
  response.body() = body.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
  return response;
}

HttpResponse error_response(beast_http::status status, const std::string& code,
                            const std::string& message) {
  return json_response(status, {{"error", {{"code", code}, {"message", message}}}});
}

std::string Request::header(const std::string& lower_case_name) const {
  auto it = headers.find(lower_case_name);
  return it == headers.end() ? "" : it->second;
}

Router::Router(std::optional<std::string> admin_token) {
  if (admin_token && !admin_token->empty()) token_digest_ = sha256(*admin_token);
  // The built-in index: listed like every other route.
  routes_.push_back({Route{"GET", "/", "this list of endpoints", false, nullptr}, {}});
}

Status Router::add(Route route) {
  if (route.method.empty() || !std::all_of(route.method.begin(), route.method.end(),
                                           [](unsigned char c) { return std::isupper(c); })) {
    return invalid_argument("a method is upper-case letters: '" + route.method + "'");
  }
  if (!route.handler) return invalid_argument("no handler for " + route.path_pattern);
  std::vector<std::string> segments = split_path(route.path_pattern);
  if (Status s = validate_pattern(route.path_pattern, segments); !s.ok()) return s;
  for (const auto& existing : routes_) {
    if (existing.route.method != route.method || existing.segments.size() != segments.size()) {
      continue;
    }
    bool same = true;  // "{a}" and "{b}" in the same place are the same route
    for (std::size_t i = 0; i < segments.size() && same; ++i) {
      same = is_capture(segments[i]) ? is_capture(existing.segments[i])
                                     : segments[i] == existing.segments[i];
    }
    if (same) return already_exists(route.method + " " + route.path_pattern + " is routed already");
  }
  routes_.push_back({std::move(route), std::move(segments)});
  return Status();
}

nlohmann::json Router::describe() const {
  nlohmann::json list = nlohmann::json::array();
  for (const auto& compiled : routes_) {
    const Route& r = compiled.route;
    list.push_back({{"method", r.method},
                    {"path", r.path_pattern},
                    {"help", r.help},
                    {"mutates_state", r.mutates_state}});
  }
  return list;
}

HttpHandler Router::handler() const {
  return [this](std::shared_ptr<HttpExchange> exchange) { handle(exchange); };
}

bool Router::authorized(const HttpRequest& request) const {
  const auto field = request.find(beast_http::field::authorization);
  if (field == request.end()) return false;
  const std::string_view value(field->value().data(), field->value().size());
  constexpr std::string_view kScheme = "bearer ";
  if (value.size() <= kScheme.size() || lower(value.substr(0, kScheme.size())) != kScheme) {
    return false;
  }
  std::string_view token = value.substr(kScheme.size());
  while (!token.empty() && token.front() == ' ') token.remove_prefix(1);
  while (!token.empty() && (token.back() == ' ' || token.back() == '\t')) token.remove_suffix(1);
  // Digests of equal length, compared in constant time: neither the token's content nor its
  // length shows in the timing.
  const Digest presented = sha256(token);
  return CRYPTO_memcmp(presented.data(), token_digest_->data(), presented.size()) == 0;
}

void Router::serve_index(const HttpRequest& request,
                         const std::shared_ptr<HttpExchange>& exchange) const {
  if (wants_json(request))
    return exchange->respond(json_response(beast_http::status::ok, describe()));
  std::ostringstream text;
  for (const auto& compiled : routes_) {
    const Route& r = compiled.route;
    text << r.method << ' ' << r.path_pattern << (r.mutates_state ? "  [mutates state]" : "")
         << "\n    " << r.help << "\n";
  }
  HttpResponse response(beast_http::status::ok, 11);
  response.set(beast_http::field::content_type, "text/plain; charset=utf-8");
  response.body() = text.str();
  exchange->respond(std::move(response));
}

void Router::handle(const std::shared_ptr<HttpExchange>& exchange) const {
  const HttpRequest& request = exchange->request();
  const std::string_view target(request.target().data(), request.target().size());
  const std::size_t question = target.find('?');
  const std::string_view path = target.substr(0, question);
  const std::string_view query_text =
      question == std::string_view::npos ? std::string_view() : target.substr(question + 1);
  if (path.empty() || path.front() != '/') {
    return exchange->respond(error_response(beast_http::status::bad_request, "bad_request",
                                            "the request target must be an absolute path"));
  }
  std::vector<std::string> segments = split_path(path);
  for (auto& segment : segments) {
    auto decoded = percent_decode(segment, false);
    if (!decoded.ok()) {
      return exchange->respond(error_response(beast_http::status::bad_request, "bad_request",
                                              "path: " + decoded.status().message()));
    }
    segment = std::move(*decoded);
  }

  // The route for this method with the fewest captures: a literal segment beats a {param}.
  const std::string method(request.method_string());
  const Compiled* chosen = nullptr;
  std::map<std::string, std::string> params;
  std::set<std::string> allowed;
  for (const auto& compiled : routes_) {
    auto matched = match(compiled.segments, segments);
    if (!matched) continue;
    allowed.insert(compiled.route.method);
    if (compiled.route.method != method) continue;
    if (!chosen || captures(compiled.segments) < captures(chosen->segments)) {
      chosen = &compiled;
      params = std::move(*matched);
    }
  }
  if (allowed.empty()) {
    return exchange->respond(
        error_response(beast_http::status::not_found, "not_found",
                       "no endpoint at " + std::string(path) + " (GET / lists them)"));
  }
  if (!chosen) {
    std::string allow;
    for (const auto& m : allowed) allow += (allow.empty() ? "" : ", ") + m;
    HttpResponse response =
        error_response(beast_http::status::method_not_allowed, "method_not_allowed",
                       method + " is not allowed on " + std::string(path) + "; allowed: " + allow);
    response.set(beast_http::field::allow, allow);
    return exchange->respond(std::move(response));
  }

  const Route& route = chosen->route;
  if (route.mutates_state) {
    if (!token_digest_) {
      return exchange->respond(error_response(
          beast_http::status::forbidden, "admin_disabled",
          "this endpoint changes state and is disabled until the operator is started with "
          "--admin-token-file"));
    }
    if (!authorized(request)) {
      const bool presented = request.find(beast_http::field::authorization) != request.end();
      HttpResponse response = error_response(
          beast_http::status::unauthorized, "unauthorized",
          presented ? "the bearer token does not match the admin token"
                    : "this endpoint changes state: send Authorization: Bearer <admin token>");
      response.set(beast_http::field::www_authenticate,
                   presented ? std::string(kRealm) + ", error=\"invalid_token\"" : kRealm);
      return exchange->respond(std::move(response));
    }
  }
  if (!route.handler) return serve_index(request, exchange);

  auto query = parse_query(query_text);
  if (!query.ok()) {
    return exchange->respond(error_response(beast_http::status::bad_request, "bad_request",
                                            "query: " + query.status().message()));
  }
  Request routed;
  routed.method = method;
  routed.path = std::string(path);
  routed.params = std::move(params);
  routed.query = std::move(*query);
  for (const auto& field : request) {
    if (field.name() == beast_http::field::authorization) continue;
    const std::string name =
        lower(std::string_view(field.name_string().data(), field.name_string().size()));
    auto& slot = routed.headers[name];
    const std::string_view value(field.value().data(), field.value().size());
    slot = slot.empty() ? std::string(value) : slot + ", " + std::string(value);
  }
  routed.body = request.body();
  try {
    route.handler(routed, exchange);
  } catch (const std::exception&) {
    // Exceptions stop at this edge: the server and every other connection keep running. The
    // message is not sent back: it may name internals.
    if (!exchange->answered()) {
      exchange->respond(
          error_response(beast_http::status::internal_server_error, "internal",
                         "the handler for " + route.method + " " + route.path_pattern + " failed"));
    }
  }
}

}  // namespace scaleio::http
