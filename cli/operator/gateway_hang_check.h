// Names a gateway request that hangs, within seconds: the client gives up on a gateway that
// accepts connections but never answers only after 4 attempts of 10 s, and only then does the
// observer record it unreachable. /readyz fails as soon as one request has waited longer than
// --gateway-request-stuck-after, and scaleio_operator_gateway_oldest_request_seconds shows the
// wait on a dashboard (fed from here: only the daemon holds the concrete client that knows what
// is in flight).
#pragma once

#include <chrono>
#include <optional>
#include <string>

#include "adapters/metrics/operator_metrics.h"
#include "adapters/scaleio/in_flight_requests.h"

namespace scaleio::operator_daemon {

class GatewayHangCheck {
 public:
  GatewayHangCheck(metrics::OperatorMetrics& metrics, std::chrono::milliseconds stuck_after);

  // Sets the gauge to the age of `oldest` in seconds (0 when nothing is in flight).
  void record(const std::optional<gateway::InFlightRequest>& oldest) const;
  // Why the daemon is not ready, or nullopt: "GET /api/instances to https://10.0.0.9 in flight
  // for 12.4 s (over 2s)". Only the method, the path and the gateway's origin: no credentials.
  std::optional<std::string> problem(const std::optional<gateway::InFlightRequest>& oldest,
                                     const std::string& gateway_origin) const;

 private:
  metrics::OperatorMetrics& metrics_;
  std::chrono::milliseconds stuck_after_;
};

}  // namespace scaleio::operator_daemon
