// libFuzzer target for the admin API's request handling: the method, target, headers and body of
// every request are the client's choice, and the router reads them before any handler does.
// Input layout (FuzzedDataProvider): which router (with or without an admin token), the method
// (a known verb or any string), the target, up to 8 headers (well-known names, "Authorization" in
// any letter case, or any name), how the Authorization header is formed, then the body. The same
// bytes also go through percent_decode and parse_query on their own.
// Invariants: no crash; exactly one answer per request; no 5xx (the routes here never fail, so a
// 5xx is the router's); the Authorization value never comes back in the status line, a header or
// the body, whatever the route (the echo routes return everything a handler can see).
// The Authorization value always contains a canary that no other part of the input may carry, so
// that finding it in the answer can only mean the header was echoed.
#include <fuzzer/FuzzedDataProvider.h>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "adapters/http/router.h"

namespace {

namespace http = scaleio::http;
namespace beast_http = boost::beast::http;
using nlohmann::json;

constexpr std::string_view kAdminToken = "adm1n-t0ken-canary-5d1e";
constexpr std::string_view kWrongToken = "wr0ng-t0ken-canary-9b7a";
constexpr std::string_view kCanaryMark = "-canary-";

void check(bool ok) {
  if (!ok) std::abort();
}

class RecordingSink : public http::ChunkSink {
 public:
  void write_chunk(std::string data) override { written += data; }
  void close() override { open = false; }
  bool is_open() const override { return open; }
  void set_on_peer_closed(std::function<void()>) override {}
  std::string written;
  bool open = true;
};

// Records what the router (or a handler) answers, and how often.
class RecordingExchange : public http::HttpExchange {
 public:
  explicit RecordingExchange(http::HttpRequest request) : request_(std::move(request)) {}
  const http::HttpRequest& request() const override { return request_; }
  void respond(http::HttpResponse response) override {
    ++answers;
    this->response = std::move(response);
  }
  std::shared_ptr<http::ChunkSink> start_stream(http::HttpResponse head) override {
    ++answers;
    response = std::move(head);
    sink = std::make_shared<RecordingSink>();
    return sink;
  }
  bool answered() const override { return answers > 0; }

  int answers = 0;
  http::HttpResponse response;
  std::shared_ptr<RecordingSink> sink;

 private:
  http::HttpRequest request_;
};

// Everything a handler can see, as JSON; invalid UTF-8 replaced (a handler's dump must not throw).
std::string echo(const http::Request& request) {
  const json seen = {{"method", request.method},   {"path", request.path},
                     {"params", request.params},   {"query", request.query},
                     {"headers", request.headers}, {"body", request.body}};
  return seen.dump(-1, ' ', false, json::error_handler_t::replace);
}

void answer_with_echo(const http::Request& request,
                      const std::shared_ptr<http::HttpExchange>& exchange) {
  http::HttpResponse response(beast_http::status::ok, 11);
  response.set(beast_http::field::content_type, "application/json");
  response.body() = echo(request);
  exchange->respond(std::move(response));
}

void stream_echo(const http::Request& request,
                 const std::shared_ptr<http::HttpExchange>& exchange) {
  http::HttpResponse head(beast_http::status::ok, 11);
  head.set(beast_http::field::content_type, "application/x-ndjson");
  auto sink = exchange->start_stream(std::move(head));
  sink->write_chunk(echo(request) + "\n");
  sink->close();
}

// Routes shaped like the operator's: literals, captures, a literal next to a capture, state
// changes that need the token, a stream.
std::unique_ptr<http::Router> make_router(bool with_token) {
  auto router = std::make_unique<http::Router>(
      with_token ? std::optional<std::string>(std::string(kAdminToken)) : std::nullopt);
  const std::vector<http::Route> routes = {
      {"GET", "/v1/status", "status", false, answer_with_echo},
      {"GET", "/v1/reconcilers", "list", false, answer_with_echo},
      {"GET", "/v1/reconcilers/{name}", "one", false, answer_with_echo},
      {"GET", "/v1/reconcilers/all", "literal beats capture", false, answer_with_echo},
      {"POST", "/v1/reconcilers/{name}/pause", "pause", true, answer_with_echo},
      {"POST", "/v1/reconcilers/{name}/resume", "resume", true, answer_with_echo},
      {"DELETE", "/v1/volumes/{pool}/{volume}", "remove", true, answer_with_echo},
      {"PUT", "/v1/plan", "replace", true, answer_with_echo},
      {"GET", "/v1/events", "events", false, answer_with_echo},
      {"GET", "/v1/events/follow", "follow", false, stream_echo},
  };
  for (const auto& route : routes) check(router->add(route).ok());
  // The same route twice is refused, whatever its capture is called.
  check(router->add({"GET", "/v1/reconcilers/{other}", "", false, answer_with_echo}).code() ==
        scaleio::StatusCode::kAlreadyExists);
  return router;
}

const http::Router& router(bool with_token) {
  static const auto with = make_router(true);
  static const auto without = make_router(false);
  return with_token ? *with : *without;
}

bool has_canary(std::string_view text) {
  return text.find(kCanaryMark) != std::string_view::npos;
}

std::string any_case(FuzzedDataProvider& provider, std::string name) {
  for (char& c : name) {
    if (provider.ConsumeBool()) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  }
  return name;
}

// Decoding what percent_encode produced gives the bytes back; bytes without '%' or '+' are kept.
void check_percent_codec(const std::string& bytes) {
  std::string encoded;
  static const char kHex[] = "0123456789ABCDEF";
  for (unsigned char c : bytes) {
    encoded += '%';
    encoded += kHex[c >> 4];
    encoded += kHex[c & 15];
  }
  for (bool plus : {false, true}) {
    auto decoded = http::percent_decode(encoded, plus);
    check(decoded.ok() && *decoded == bytes);
    auto raw = http::percent_decode(bytes, plus);
    if (bytes.find_first_of("%+") == std::string::npos) check(raw.ok() && *raw == bytes);
    if (!raw.ok()) check(raw.status().code() == scaleio::StatusCode::kInvalidArgument);
  }
  auto query = http::parse_query(bytes);
  if (!query.ok()) check(query.status().code() == scaleio::StatusCode::kInvalidArgument);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  check_percent_codec(std::string(reinterpret_cast<const char*>(data), size));

  FuzzedDataProvider provider(data, size);
  const bool with_token = provider.ConsumeBool();
  static const char* const kMethods[] = {"GET", "POST", "PUT", "DELETE", "HEAD", "PATCH", "get"};
  const size_t method_choice = provider.ConsumeIntegralInRange<size_t>(0, std::size(kMethods));
  const std::string method = method_choice < std::size(kMethods)
                                 ? std::string(kMethods[method_choice])
                                 : provider.ConsumeRandomLengthString(16);
  const std::string target = provider.ConsumeRandomLengthString(512);
  if (has_canary(method) || has_canary(target)) return 0;

  http::HttpRequest request;
  // Beast refuses some method and target strings outright (its own limits); such a request never
  // reaches a handler, so it is not an input here.
  try {
    request.method_string(method);
    request.target(target);
  } catch (const std::exception&) {
    return 0;
  }
  request.version(11);

  static const char* const kNames[] = {"Content-Type", "Accept", "Host", "X-Forwarded-For",
                                       "Content-Length"};
  const int headers = provider.ConsumeIntegralInRange<int>(0, 8);
  for (int i = 0; i < headers; ++i) {
    const int kind = provider.ConsumeIntegralInRange<int>(0, 2);
    std::string name =
        kind == 0   ? kNames[provider.ConsumeIntegralInRange<size_t>(0, std::size(kNames) - 1)]
        : kind == 1 ? any_case(provider, "authorization")
                    : provider.ConsumeRandomLengthString(32);
    std::string value = provider.ConsumeRandomLengthString(128);
    if (has_canary(name) || has_canary(value)) return 0;
    if (kind == 1) value += std::string(" ") + std::string(kWrongToken);  // an Authorization too
    if (name.empty()) continue;
    try {
      request.insert(name, value);
    } catch (const std::exception&) {
      return 0;  // a field Beast refuses to hold cannot arrive either
    }
  }
  static const char* const kSchemes[] = {"Bearer ", "bearer ", "BEARER  ", "Bearer", "Basic ", ""};
  const size_t scheme = provider.ConsumeIntegralInRange<size_t>(0, std::size(kSchemes));
  if (scheme < std::size(kSchemes)) {
    const bool right = provider.ConsumeBool();
    const std::string padding(provider.ConsumeIntegralInRange<int>(0, 2), ' ');
    request.insert(
        any_case(provider, "Authorization"),
        std::string(kSchemes[scheme]) + std::string(right ? kAdminToken : kWrongToken) + padding);
  }
  request.body() = provider.ConsumeRemainingBytesAsString();
  if (has_canary(request.body())) return 0;

  auto exchange = std::make_shared<RecordingExchange>(std::move(request));
  router(with_token).handle(exchange);

  check(exchange->answers == 1);
  const unsigned status = exchange->response.result_int();
  check(status >= 200 && status < 500);
  const auto reason = exchange->response.reason();
  check(!has_canary(std::string_view(reason.data(), reason.size())));
  for (const auto& field : exchange->response) {
    check(!has_canary(std::string_view(field.name_string().data(), field.name_string().size())));
    check(!has_canary(std::string_view(field.value().data(), field.value().size())));
  }
  check(!has_canary(exchange->response.body()));
  if (exchange->sink) check(!has_canary(exchange->sink->written));
  return 0;
}
