// The ScaleIO REST gateway over a ScaleioWorld: authentication, fault injection and the URL
// grammar of ../shared/design/scaleio-gateway-api.md. Transport-free: the sim's HTTP server (or a
// test) hands it Beast requests; it never touches sockets, sleeps or reads the wall clock.
#pragma once

#include <random>
#include <string>

#include "adapters/http/http_types.h"
#include "core/clock.h"
#include "sim/gateway/scaleio_world.h"
#include "sim/gateway/token_store.h"

namespace scaleio::sim {

using scaleio::http::HttpRequest;
using scaleio::http::HttpResponse;

struct GatewayOptions {
  std::string user = "admin";
  std::string password = "Scaleio123";
  std::string version = "2.0.1";  // answered by /api/version, quotes included
  TokenPolicy tokens;
  // Real gateways answer 406 to an Accept/Content-Type with a ";version=" suffix.
  bool reject_version_suffix = true;
};

// Injected faults; each is active while the clock is before its deadline.
struct GatewayFaults {
  Clock::TimePoint errors_until{};    // every request answers 500
  Clock::TimePoint timeouts_until{};  // the server should not answer (should_hang)
  Clock::Duration latency{};          // the server delays each answer by this much
};

class GatewayService {
 public:
  GatewayService(ScaleioWorld& world, const Clock& clock, std::mt19937_64 rng,
                 GatewayOptions options = {});
  // The token store points into this object.
  GatewayService(const GatewayService&) = delete;
  GatewayService& operator=(const GatewayService&) = delete;

  HttpResponse handle(const HttpRequest& request);

  void set_faults(const GatewayFaults& faults) { faults_ = faults; }
  const GatewayFaults& faults() const { return faults_; }
  bool should_hang() const { return clock_.now() < faults_.timeouts_until; }
  Clock::Duration latency() const { return faults_.latency; }

  // Every token stops working (clients must log in again).
  void expire_tokens() { tokens_.revoke_all(); }
  // A gateway restart: tokens are lost with the process.
  void restart() { tokens_.revoke_all(); }

  void set_credentials(const std::string& user, const std::string& password);
  const std::string& user() const { return options_.user; }
  const std::string& password() const { return options_.password; }
  void set_token_policy(TokenPolicy policy) { tokens_.set_policy(policy); }

 private:
  HttpResponse route(const HttpRequest& request, const std::string& path);
  HttpResponse login(const HttpRequest& request);
  bool authorized(const HttpRequest& request, std::string* token);

  ScaleioWorld& world_;
  const Clock& clock_;
  std::mt19937_64 rng_;
  GatewayOptions options_;
  TokenStore tokens_;
  GatewayFaults faults_;
};

}  // namespace scaleio::sim
