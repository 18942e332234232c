#include "adapters/metrics/gateway_request_recorder.h"

namespace scaleio::metrics {

void GatewayRequestRecorder::record(std::string_view method, int status,
                                    std::optional<double> seconds) {
  metrics_.gateway_request_done(method, status, seconds);
}

gateway::RequestObserver GatewayRequestRecorder::observer() {
  return [this](std::string_view method, int status) { record(method, status); };
}

}  // namespace scaleio::metrics
