// A client wired to a GatewayHarness, with counters and a recording sleeper (no real waits).
#pragma once

#include <chrono>
#include <memory>
#include <vector>

#include "adapters/scaleio/http_gateway_client.h"
#include "adapters/scaleio/request_counters.h"
#include "tests/scaleio/gateway_harness.h"

namespace scaleio::gateway::testing {

GatewayClientOptions client_options(const GatewayHarness& gw);

struct ClientFixture {
  explicit ClientFixture(bool tls = true);
  // Rebuilds the client with options adjusted by `tweak`.
  template <class F>
  void reconfigure(F tweak) {
    GatewayClientOptions options = base_options();
    tweak(options);
    client = make(options);
  }
  GatewayClientOptions base_options();
  std::unique_ptr<HttpGatewayClient> make(GatewayClientOptions options);

  GatewayHarness gw;
  RequestCounters counters;
  std::vector<std::chrono::milliseconds> sleeps;
  std::unique_ptr<HttpGatewayClient> client;
};

}  // namespace scaleio::gateway::testing
