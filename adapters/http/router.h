#pragma once
// Self-describing admin endpoints on top of HttpServer (Envoy's admin handlers): every route
// carries its help text and whether it mutates state, `GET /` lists them, and state-changing routes
// need the admin bearer token. Routing, parameters and query strings are parsed here once, so
// handlers only see a Request and answer through the exchange (respond, or start_stream to follow a
// log).
#include <array>
#include <functional>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "adapters/http/http_server.h"
#include "core/status.h"

namespace scaleio::http {

// A request as a route handler sees it. The Authorization header is left out, so that no handler
// can echo the admin token by accident.
struct Request {
  std::string method;                          // "GET"
  std::string path;                            // as sent, without the query: "/v1/x%20y"
  std::map<std::string, std::string> params;   // from the pattern's {name} segments, decoded
  std::map<std::string, std::string> query;    // decoded; a repeated key keeps its last value
  std::map<std::string, std::string> headers;  // names lower-cased; no "authorization"
  std::string body;

  // The header's value, or "" when it is absent.
  std::string header(const std::string& lower_case_name) const;
};

// Answers exactly once through the exchange (see HttpExchange); may keep the exchange to answer
// later, on the server's io thread.
using RouteHandler = std::function<void(const Request&, const std::shared_ptr<HttpExchange>&)>;

struct Route {
  std::string method;        // "GET", "POST", ...
  std::string path_pattern;  // "/v1/reconcilers/{name}/pause": a {name} segment matches one segment
  std::string help;          // one line for the `GET /` listing
  bool mutates_state = false;  // true = needs "Authorization: Bearer <admin token>"
  RouteHandler handler;
};

class Router {
 public:
  // No token (or an empty one) = state-changing routes answer 403 until one is configured. The
  // token itself is not kept: only its SHA-256, which requests are compared with in constant time.
  explicit Router(std::optional<std::string> admin_token = std::nullopt);

  // InvalidArgument for a malformed pattern or method; AlreadyExists for a method and pattern
  // that are already routed (`GET /` is built in).
  Status add(Route route);

  // The HttpServer's handler. Answers 404/405/401/403 itself; a handler that throws gets a 500.
  // Add every route before the server starts (the router is read without locks), and keep the
  // router alive as long as the server: handler() refers to it.
  void handle(const std::shared_ptr<HttpExchange>& exchange) const;
  HttpHandler handler() const;

  // The listing `GET /` serves: [{"method","path","help","mutates_state"}], in the order added.
  nlohmann::json describe() const;

 private:
  struct Compiled {
    Route route;
    std::vector<std::string> segments;  // "{name}" kept as is: a capture
  };
  bool authorized(const HttpRequest& request) const;
  void serve_index(const HttpRequest& request, const std::shared_ptr<HttpExchange>& exchange) const;

  std::vector<Compiled> routes_;
  std::optional<std::array<unsigned char, 32>> token_digest_;
};

// {"error":{"code":code,"message":message}} with Content-Type application/json.
HttpResponse error_response(boost::beast::http::status status, const std::string& code,
                            const std::string& message);
HttpResponse json_response(boost::beast::http::status status, const nlohmann::json& body);

// "a%20b+c" → "a b c" ('+' is a space in query strings only). InvalidArgument for a broken escape.
Result<std::string> percent_decode(std::string_view text, bool plus_is_space);
// "a=1&b=x%20y&flag" → {a:1, b:"x y", flag:""}.
Result<std::map<std::string, std::string>> parse_query(std::string_view query);

}  // namespace scaleio::http
