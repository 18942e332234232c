#include "cli/operator/gateway_hang_check.h"

#include <cstdio>

namespace scaleio::operator_daemon {

namespace {

double seconds(std::chrono::nanoseconds d) {
  return std::chrono::duration<double>(d).count();
}

// "2s", "1500ms": how the setting is written.
std::string duration_text(std::chrono::milliseconds d) {
  return d.count() % 1000 == 0 ? std::to_string(d.count() / 1000) + "s"
                               : std::to_string(d.count()) + "ms";
}

}  // namespace

GatewayHangCheck::GatewayHangCheck(metrics::OperatorMetrics& metrics,
                                   std::chrono::milliseconds stuck_after)
    : metrics_(metrics), stuck_after_(stuck_after) {}

void GatewayHangCheck::record(const std::optional<gateway::InFlightRequest>& oldest) const {
  metrics_.set_gateway_oldest_request_seconds(oldest ? seconds(oldest->age) : 0.0);
}

std::optional<std::string> GatewayHangCheck::problem(
    const std::optional<gateway::InFlightRequest>& oldest,
    const std::string& gateway_origin) const {
  if (!oldest || oldest->age <= stuck_after_) return std::nullopt;
  char age[32];
  std::snprintf(age, sizeof(age), "%.1f", seconds(oldest->age));
  return "gateway request " + oldest->method + " " + oldest->path + " to " + gateway_origin +
         " in flight for " + age + " s (over --gateway-request-stuck-after " +
         duration_text(stuck_after_) + ")";
}

}  // namespace scaleio::operator_daemon
