// Bridges the gateway client's per-request callback (SessionOptions::on_request) to
// scaleio_operator_gateway_requests_total. The callback carries no duration today, so
// gateway_request_duration_seconds is fed only through record() with `seconds`, once the client
// reports it.
#pragma once

#include <optional>
#include <string_view>

#include "adapters/metrics/operator_metrics.h"
#include "adapters/scaleio/request_counters.h"

namespace scaleio::metrics {

class GatewayRequestRecorder {
 public:
  explicit GatewayRequestRecorder(OperatorMetrics& metrics) : metrics_(metrics) {}

  // status 0 = no answer (connection error or timeout).
  void record(std::string_view method, int status, std::optional<double> seconds = std::nullopt);
  // For SessionOptions::on_request; the recorder must outlive the session.
  gateway::RequestObserver observer();

 private:
  OperatorMetrics& metrics_;
};

}  // namespace scaleio::metrics
