#include "sim/in_process/in_process_transport.h"

#include <optional>

namespace scaleio::sim {

Result<gateway::HttpReply> InProcessGatewayTransport::round_trip(
    const gateway::HttpRequestMessage& request, std::chrono::milliseconds timeout,
    bool /*may_resend*/) {
  if (!open_) {
    open_ = true;
    ++connections_opened_;
  }
  // The sim's server gets the request as Beast parsed it off the wire: the same message type,
  // with the framing fields the client set.
  HttpRequest copy = request;
  std::optional<std::lock_guard<std::mutex>> lock;
  if (mu_ != nullptr) lock.emplace(*mu_);
  if (service_.should_hang()) {
    open_ = false;  // a timed-out connection is dropped, as HttpConnection does
    return deadline_exceeded("no answer within " + std::to_string(timeout.count()) + " ms");
  }
  HttpResponse response = service_.handle(copy);
  if (!response.keep_alive()) open_ = false;
  return gateway::HttpReply{static_cast<int>(response.result_int()), std::move(response.body())};
}

}  // namespace scaleio::sim
