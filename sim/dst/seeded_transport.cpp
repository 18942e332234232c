#include "sim/dst/seeded_transport.h"

namespace scaleio::dst {

bool SeededTransport::draw(double probability) {
  if (probability <= 0) return false;
  return std::uniform_real_distribution<double>(0.0, 1.0)(rng_) < probability;
}

Result<gateway::HttpReply> SeededTransport::round_trip(const gateway::HttpRequestMessage& request,
                                                       std::chrono::milliseconds timeout,
                                                       bool may_resend) {
  ++counters_.requests;
  // Draw everything first, always in the same order: one request, a fixed number of draws.
  const auto span = (faults_.max_latency - faults_.min_latency).count();
  const auto latency =
      faults_.min_latency +
      std::chrono::milliseconds(span > 0 ? static_cast<int64_t>(rng_() % (span + 1)) : 0);
  const bool error = draw(faults_.error_500);
  const bool lost = draw(faults_.timeout_before);
  const bool unanswered = draw(faults_.timeout_after);

  crash_.io("gateway request (before it was sent)");
  if (lost) {
    ++counters_.timeouts_before;
    clock_.advance(timeout);
    return deadline_exceeded("no answer within " + std::to_string(timeout.count()) + " ms");
  }
  clock_.advance(latency);
  if (error) {
    ++counters_.errors_500;
    return gateway::HttpReply{
        500, R"json({"message":"Internal server error (injected by the simulation)",)json"
             R"json("httpStatusCode":500,"errorCode":0})json"};
  }
  Result<gateway::HttpReply> reply = inner_->round_trip(request, timeout, may_resend);
  crash_.io("gateway request (after the gateway applied it)");
  if (unanswered && reply.ok()) {
    ++counters_.timeouts_after;
    inner_->close();
    clock_.advance(
        timeout -
        std::min(timeout, std::chrono::duration_cast<std::chrono::milliseconds>(latency)));
    return deadline_exceeded("no answer within " + std::to_string(timeout.count()) + " ms");
  }
  return reply;
}

}  // namespace scaleio::dst
