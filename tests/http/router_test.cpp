// The admin router over a real server on 127.0.0.1: routing, parameters, query strings, 404/405,
// the self-description at `GET /`, bearer-token auth, handler failures and streaming.
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "adapters/http/router.h"
#include "tests/http/server_fixture.h"
#include "tests/sim/raw_http_client.h"

using namespace scaleio;
using namespace scaleio::http;
using scaleio::http::test::ServerThread;
using scaleio::sim::test::http_request;
using scaleio::sim::test::RawConnection;
using scaleio::sim::test::RawResponse;
using json = nlohmann::json;
namespace beast_http = boost::beast::http;

namespace {

constexpr char kToken[] = "s3cret-admin-token-0123456789";

// Answers with everything the handler saw, as JSON.
RouteHandler echo(const std::string& name) {
  return [name](const Request& request, const std::shared_ptr<HttpExchange>& exchange) {
    exchange->respond(json_response(beast_http::status::ok, {{"route", name},
                                                             {"method", request.method},
                                                             {"path", request.path},
                                                             {"params", request.params},
                                                             {"query", request.query},
                                                             {"headers", request.headers},
                                                             {"body", request.body}}));
  };
}

// The routes of a small admin API, the same in every test.
void add_routes(Router& router) {
  REQUIRE(router.add({"GET", "/v1/reconcilers", "list the reconcilers", false, echo("list")}).ok());
  REQUIRE(router.add({"GET", "/v1/reconcilers/{name}", "one reconciler", false, echo("one")}).ok());
  REQUIRE(
      router
          .add({"POST", "/v1/reconcilers/{name}/pause", "pause a reconciler", true, echo("pause")})
          .ok());
  REQUIRE(router
              .add({"GET", "/v1/reconcilers/nodes", "the nodes reconciler (literal)", false,
                    echo("literal")})
              .ok());
  REQUIRE(router
              .add({"GET", "/v1/fail", "throws", false,
                    [](const Request&, const std::shared_ptr<HttpExchange>&) {
                      throw std::runtime_error("internal detail");
                    }})
              .ok());
}

json body_json(const std::optional<RawResponse>& response) {
  REQUIRE(response);
  return json::parse(response->body);
}

Router make_router(std::optional<std::string> token) {
  Router router(std::move(token));
  add_routes(router);
  return router;
}

// Routes are all added before the server's thread starts: the router is read-only afterwards.
struct RouterServer {
  explicit RouterServer(std::optional<std::string> token = std::nullopt)
      : router(make_router(std::move(token))), server(router.handler()) {}
  Router router;
  ServerThread server;
};

}  // namespace

TEST_CASE("a route's {params} and the query string reach the handler decoded", "[router]") {
  RouterServer s;
  auto response = http_request(s.server.address(), "GET",
                               "/v1/reconcilers/mdm%20quorum?verbose=1&who=a%2Bb+c&flag&x=%C3%A9",
                               "", {{"X-Trace", "t1"}});
  json body = body_json(response);
  CHECK(response->status == 200);
  CHECK(response->header("content-type") == "application/json");
  CHECK(body["route"] == "one");
  CHECK(body["method"] == "GET");
  CHECK(body["path"] == "/v1/reconcilers/mdm%20quorum");
  CHECK(body["params"] == json{{"name", "mdm quorum"}});
  CHECK(body["query"] == json{{"verbose", "1"}, {"who", "a+b c"}, {"flag", ""}, {"x", "\xC3\xA9"}});
  CHECK(body["headers"]["x-trace"] == "t1");
}

TEST_CASE("an escaped slash stays inside its segment", "[router]") {
  RouterServer s;
  json body = body_json(http_request(s.server.address(), "GET", "/v1/reconcilers/a%2Fb", "", {}));
  CHECK(body["route"] == "one");
  CHECK(body["params"]["name"] == "a/b");
}

TEST_CASE("a literal segment beats a {param} in the same place", "[router]") {
  RouterServer s;
  CHECK(body_json(http_request(s.server.address(), "GET", "/v1/reconcilers/nodes", "",
                               {}))["route"] == "literal");
  CHECK(body_json(http_request(s.server.address(), "GET", "/v1/reconcilers/storage", "",
                               {}))["route"] == "one");
}

TEST_CASE("a broken percent-escape is a 400 with a JSON error", "[router]") {
  RouterServer s;
  for (const char* target :
       {"/v1/reconcilers?x=%zz", "/v1/reconcilers/ab%2", "/v1/reconcilers?x=%4"}) {
    INFO(target);
    auto response = http_request(s.server.address(), "GET", target, "", {});
    json body = body_json(response);
    CHECK(response->status == 400);
    CHECK(body["error"]["code"] == "bad_request");
  }
}

TEST_CASE("an unknown path is a 404 with a JSON error", "[router]") {
  RouterServer s;
  for (const char* target : {"/nope", "/v1/reconcilers/a/b", "/v1/reconcilers/", "/v1"}) {
    INFO(target);
    auto response = http_request(s.server.address(), "GET", target, "", {});
    json body = body_json(response);
    CHECK(response->status == 404);
    CHECK(body["error"]["code"] == "not_found");
    CHECK(!body["error"]["message"].get<std::string>().empty());
  }
}

TEST_CASE("a known path with the wrong method is a 405 with an Allow header", "[router]") {
  RouterServer s;
  auto response = http_request(s.server.address(), "DELETE", "/v1/reconcilers/x", "", {});
  json body = body_json(response);
  CHECK(response->status == 405);
  CHECK(response->header("allow") == "GET");
  CHECK(body["error"]["code"] == "method_not_allowed");

  response = http_request(s.server.address(), "PUT", "/v1/reconcilers/x/pause", "", {});
  CHECK(response->status == 405);
  CHECK(response->header("allow") == "POST");
}

TEST_CASE("GET / lists every route with its help and mutates_state flag", "[router]") {
  RouterServer s;
  auto response = http_request(s.server.address(), "GET", "/", "", {});
  json list = body_json(response);
  CHECK(response->status == 200);
  REQUIRE(list.is_array());
  REQUIRE(list.size() == 6);  // `GET /` itself and the five added
  CHECK(list[0] == json{{"method", "GET"},
                        {"path", "/"},
                        {"help", "this list of endpoints"},
                        {"mutates_state", false}});
  CHECK(list[3] == json{{"method", "POST"},
                        {"path", "/v1/reconcilers/{name}/pause"},
                        {"help", "pause a reconciler"},
                        {"mutates_state", true}});
  CHECK(list[1]["mutates_state"] == false);

  SECTION("JSON for Accept: application/json and */*, plain text for text/plain") {
    auto as_json = http_request(s.server.address(), "GET", "/", "", {{"Accept", "*/*"}});
    REQUIRE(as_json);
    CHECK(json::parse(as_json->body) == list);
    auto as_text = http_request(s.server.address(), "GET", "/", "", {{"Accept", "text/plain"}});
    REQUIRE(as_text);
    CHECK(as_text->header("content-type").rfind("text/plain", 0) == 0);
    CHECK(as_text->body.find("POST /v1/reconcilers/{name}/pause  [mutates state]") !=
          std::string::npos);
    CHECK(as_text->body.find("pause a reconciler") != std::string::npos);
  }
}

TEST_CASE("no admin token configured: state-changing routes answer 403, reads still work",
          "[router][auth]") {
  RouterServer s;  // no token
  auto response = http_request(s.server.address(), "POST", "/v1/reconcilers/nodes/pause", "",
                               {{"Authorization", std::string("Bearer ") + kToken}});
  json body = body_json(response);
  CHECK(response->status == 403);
  CHECK(body["error"]["code"] == "admin_disabled");
  CHECK(body["error"]["message"].get<std::string>().find("--admin-token-file") !=
        std::string::npos);
  CHECK(body.dump().find(kToken) == std::string::npos);
  CHECK(body_json(http_request(s.server.address(), "GET", "/v1/reconcilers", "", {}))["route"] ==
        "list");

  RouterServer empty_token(std::string(""));  // an empty token file must not open the door
  response = http_request(empty_token.server.address(), "POST", "/v1/reconcilers/nodes/pause", "",
                          {{"Authorization", "Bearer "}});
  REQUIRE(response);
  CHECK(response->status == 403);
}

TEST_CASE("a missing or wrong bearer token is a 401 with WWW-Authenticate: Bearer",
          "[router][auth]") {
  RouterServer s{std::string(kToken)};
  const std::string target = "/v1/reconcilers/nodes/pause";
  const std::string wrong_tokens[] = {
      "",                                                        // no header at all
      std::string("Bearer ") + kToken + "x",                     // one byte longer
      std::string("Bearer ") + "s3cret",                         // a prefix
      std::string("Bearer ") + "S3cret-admin-token-0123456789",  // same length, one byte off
      std::string("Basic ") + kToken,                            // wrong scheme
      kToken,                                                    // no scheme
  };
  for (const auto& authorization : wrong_tokens) {
    INFO(authorization);
    std::map<std::string, std::string> headers;
    if (!authorization.empty()) headers["Authorization"] = authorization;
    auto response = http_request(s.server.address(), "POST", target, "{}", headers);
    REQUIRE(response);
    CHECK(response->status == 401);
    CHECK(response->header("www-authenticate").rfind("Bearer", 0) == 0);
    json body = json::parse(response->body);
    CHECK(body["error"]["code"] == "unauthorized");
    // Nothing the client sent as a credential comes back, in the body or in any header.
    for (const auto& [name, value] : response->headers) {
      CHECK(value.find("s3cret") == std::string::npos);
      CHECK(value.find("S3cret") == std::string::npos);
    }
    CHECK(response->body.find("s3cret") == std::string::npos);
    CHECK(response->body.find("S3cret") == std::string::npos);
  }
}

TEST_CASE("the right bearer token runs the handler, which never sees the Authorization header",
          "[router][auth]") {
  RouterServer s{std::string(kToken)};
  for (const std::string scheme : {"Bearer ", "bearer "}) {
    auto response =
        http_request(s.server.address(), "POST", "/v1/reconcilers/nodes/pause?for=10m", "{}",
                     {{"Authorization", scheme + kToken}, {"Content-Type", "application/json"}});
    json body = body_json(response);
    CHECK(response->status == 200);
    CHECK(body["route"] == "pause");
    CHECK(body["params"]["name"] == "nodes");
    CHECK(body["query"]["for"] == "10m");
    CHECK(body["body"] == "{}");
    CHECK(body["headers"].contains("content-type"));
    CHECK(!body["headers"].contains("authorization"));
    CHECK(response->body.find(kToken) == std::string::npos);
  }
  // Reads need no token even when one is configured.
  auto read = http_request(s.server.address(), "GET", "/v1/reconcilers/nodes", "", {});
  REQUIRE(read);
  CHECK(read->status == 200);
}

TEST_CASE("a handler that throws gets a 500 and the server keeps serving", "[router]") {
  RouterServer s;
  RawConnection connection(s.server.address());
  connection.send_request("GET", "/v1/fail", {}, "");
  auto response = connection.read_response();
  json body = body_json(response);
  CHECK(response->status == 500);
  CHECK(body["error"]["code"] == "internal");
  CHECK(response->body.find("internal detail") == std::string::npos);
  // Same keep-alive connection, next request.
  connection.send_request("GET", "/v1/reconcilers", {}, "");
  CHECK(body_json(connection.read_response())["route"] == "list");
}

TEST_CASE("a route streams chunks through start_stream (follow mode)", "[router][stream]") {
  Router router;
  std::shared_ptr<ChunkSink> sink;
  REQUIRE(router
              .add({"GET", "/v1/events", "the event log; ?follow=true keeps streaming", false,
                    [&sink](const Request& request, const std::shared_ptr<HttpExchange>& exchange) {
                      HttpResponse head(beast_http::status::ok, 11);
                      head.set(beast_http::field::content_type, "application/x-ndjson");
                      sink = exchange->start_stream(std::move(head));
                      sink->write_chunk("{\"event\":1}\n");
                      if (request.query.count("follow") == 0) sink->close();
                    }})
              .ok());
  ServerThread server(router.handler());
  RawConnection connection(server.address());
  connection.send_request("GET", "/v1/events?follow=true", {}, "");
  auto response = connection.read_response();
  REQUIRE(response);
  CHECK(response->status == 200);
  CHECK(response->chunked);
  CHECK(response->header("content-type") == "application/x-ndjson");
  CHECK(connection.read_chunk() == "{\"event\":1}\n");
  // Later events arrive on the open stream, written from the io thread as the log grows.
  server.on_io([&sink] {
    sink->write_chunk("{\"event\":2}\n");
    return 0;
  });
  CHECK(connection.read_chunk() == "{\"event\":2}\n");
  server.on_io([&sink] {
    sink->close();
    return 0;
  });
  CHECK(!connection.read_chunk());
  CHECK(connection.saw_last_chunk());
}

TEST_CASE("Router::add rejects malformed patterns and duplicates", "[router]") {
  Router router;
  auto noop = [](const Request&, const std::shared_ptr<HttpExchange>&) {};
  CHECK(router.add({"GET", "v1/x", "", false, noop}).code() == StatusCode::kInvalidArgument);
  CHECK(router.add({"GET", "/v1//x", "", false, noop}).code() == StatusCode::kInvalidArgument);
  CHECK(router.add({"GET", "/v1/{a-b}", "", false, noop}).code() == StatusCode::kInvalidArgument);
  CHECK(router.add({"GET", "/v1/{a}/{a}", "", false, noop}).code() == StatusCode::kInvalidArgument);
  CHECK(router.add({"GET", "/v1/x{a}", "", false, noop}).code() == StatusCode::kInvalidArgument);
  CHECK(router.add({"get", "/v1/x", "", false, noop}).code() == StatusCode::kInvalidArgument);
  CHECK(router.add({"GET", "/v1/x", "", false, nullptr}).code() == StatusCode::kInvalidArgument);
  CHECK(router.add({"GET", "/", "", false, noop}).code() == StatusCode::kAlreadyExists);
  REQUIRE(router.add({"GET", "/v1/{a}", "", false, noop}).ok());
  CHECK(router.add({"GET", "/v1/{b}", "", false, noop}).code() == StatusCode::kAlreadyExists);
  CHECK(router.add({"POST", "/v1/{b}", "", true, noop}).ok());
}

TEST_CASE("percent_decode and parse_query", "[router]") {
  CHECK(*percent_decode("a%20b+c", true) == "a b c");
  CHECK(*percent_decode("a%20b+c", false) == "a b+c");
  CHECK(*percent_decode("%41%6a", false) == "Aj");
  CHECK(!percent_decode("%", false).ok());
  CHECK(!percent_decode("%g0", false).ok());
  auto query = parse_query("a=1&&b=2&a=3&c&=empty-key&d=x%3Dy");
  REQUIRE(query.ok());
  CHECK(*query == std::map<std::string, std::string>{
                      {"a", "3"}, {"b", "2"}, {"c", ""}, {"", "empty-key"}, {"d", "x=y"}});
}
