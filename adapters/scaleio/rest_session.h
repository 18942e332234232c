// An authenticated conversation with the gateway: logs in (GET /api/login, Basic user:password),
// reuses the token on every request, logs in again ONCE when a request is answered 401 and
// re-sends that same request with its body, and retries transient failures with capped
// exponential backoff — but only requests that are safe to repeat.
//
// Thread-safe: requests are serialised over one keep-alive connection.
#pragma once

#include <boost/beast/http/verb.hpp>
#include <chrono>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "adapters/scaleio/backoff.h"
#include "adapters/scaleio/credentials.h"
#include "adapters/scaleio/gateway_url.h"
#include "adapters/scaleio/http_connection.h"
#include "adapters/scaleio/http_transport.h"
#include "adapters/scaleio/in_flight_requests.h"
#include "adapters/scaleio/request_counters.h"
#include "core/clock.h"
#include "core/status.h"

namespace scaleio::gateway {

struct SessionOptions {
  GatewayUrl url;
  Credentials credentials;
  TlsOptions tls;
  std::chrono::milliseconds request_timeout{10'000};
  RetryPolicy retry;
  UniformRandom random;  // default: seeded from the address of the session
  Sleeper sleeper;       // default: the calling thread sleeps
  RequestObserver on_request;
  const Clock* clock = nullptr;  // times requests in flight; default: the system clock
};

// Whether a request may be sent again after a failure whose outcome is unknown.
enum class Repeatable {
  kYes,  // reads, and creates the caller makes idempotent (a repeat adopts the first one's object)
  kNo,   // mutations: a timeout leaves the outcome unknown; the caller must observe first
};

class RestSession {
 public:
  // Over a socket to options.url (options.tls applies).
  static Result<std::unique_ptr<RestSession>> create(SessionOptions options);
  // Over the given transport (e.g. the in-process simulated gateway); options.url still names
  // the API prefix and the Host header, options.tls is unused.
  static Result<std::unique_ptr<RestSession>> create_with_transport(
      SessionOptions options, std::unique_ptr<HttpTransport> transport);

  // Sends the request and parses the answer as JSON (null for an empty body). Non-2xx answers
  // become the mapped Status; unreadable answers kInvalidArgument. Every message names the
  // endpoint ("GET /api/types/Sds/instances: ...") and never the password or the token.
  Result<nlohmann::json> call(boost::beast::http::verb verb, const std::string& path,
                              const std::optional<nlohmann::json>& body, Repeatable repeatable);

  // Reads a 2xx answer's body: gets it whole (moved in: the reader frees it when done) with the
  // endpoint to name in its errors, and returns what went wrong reading it.
  using BodyReader = std::function<Status(std::string body, const std::string& endpoint)>;
  // As `call` (the same login, re-login on 401, retries and error mapping), but the body of the
  // answer goes to `read` instead of becoming a JSON tree: for answers too large for one
  // (GET /api/instances, see inventory_sax.h). `read` runs after the session is free again.
  Status call_raw(boost::beast::http::verb verb, const std::string& path,
                  const std::optional<nlohmann::json>& body, Repeatable repeatable,
                  const BodyReader& read);

  // Forgets the token (the next request logs in again).
  void forget_token();
  int logins() const;
  int connections_opened() const;
  const GatewayUrl& url() const { return options_.url; }
  // The call waiting longest for its answer (retries included), or nullopt; see
  // in_flight_requests.h. Never blocks on a request under way.
  std::optional<InFlightRequest> oldest_in_flight() const { return in_flight_.oldest(); }
  size_t requests_in_flight() const { return in_flight_.count(); }

 private:
  RestSession(SessionOptions options, std::unique_ptr<HttpTransport> transport);

  // The request with its retries; the body of the 2xx answer, or why there is none.
  Result<std::string> exchange(boost::beast::http::verb verb, const std::string& path,
                               const std::optional<nlohmann::json>& body, Repeatable repeatable);

  // One attempt: login when needed, the request, one re-login + re-send on 401.
  Result<HttpReply> attempt(const HttpRequestMessage& request, const std::string& endpoint,
                            bool repeatable);
  Status login_locked();
  Result<HttpReply> send(const HttpRequestMessage& request, const std::string& method,
                         bool repeatable);
  void authorize(HttpRequestMessage& request) const;

  SessionOptions options_;
  InFlightRequests in_flight_;  // its own lock: read while mu_ is held by a hung request
  mutable std::mutex mu_;
  std::unique_ptr<HttpTransport> connection_;
  std::string token_;
  int logins_ = 0;
};

}  // namespace scaleio::gateway
