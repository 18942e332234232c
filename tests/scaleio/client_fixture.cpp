#include "tests/scaleio/client_fixture.h"

#include <stdexcept>

namespace scaleio::gateway::testing {

GatewayClientOptions client_options(const GatewayHarness& gw) {
  GatewayClientOptions options;
  options.url = parse_gateway_url(gw.url()).value();
  options.credentials = {gw.user(), Password(gw.password())};
  options.tls.ca_file = gw.ca_file();
  options.request_timeout = std::chrono::milliseconds(2'000);
  options.random = [] { return 0.5; };
  return options;
}

ClientFixture::ClientFixture(bool tls) : gw(tls) {
  client = make(base_options());
}

GatewayClientOptions ClientFixture::base_options() {
  GatewayClientOptions options = client_options(gw);
  options.sleeper = [this](std::chrono::milliseconds d) { sleeps.push_back(d); };
  options.on_request = counters.observer();
  return options;
}

std::unique_ptr<HttpGatewayClient> ClientFixture::make(GatewayClientOptions options) {
  auto client = HttpGatewayClient::create(std::move(options));
  if (!client.ok()) throw std::runtime_error(client.status().to_string());
  return std::move(client).value();
}

}  // namespace scaleio::gateway::testing
