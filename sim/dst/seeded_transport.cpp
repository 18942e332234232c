#include "sim/dst/seeded_transport.h"

namespace scaleio::dst {

namespace {

// "POST /api/instances/Sds::1a2b/action/removeSds?x" -> "POST
// /api/instances/Sds::{id}/action/removeSds"
std::string request_kind(const gateway::HttpRequestMessage& request) {
  std::string path(request.target());
  if (auto q = path.find('?'); q != std::string::npos) path.resize(q);
  std::string out(request.method_string());
  out += ' ';
  for (size_t i = 0; i < path.size();) {
    if (path.compare(i, 2, "::") == 0) {
      out += "::{id}";
      i += 2;
      while (i < path.size() && path[i] != '/') ++i;
    } else {
      out += path[i++];
    }
  }
  return out;
}

}  // namespace

bool SeededTransport::draw(double probability) {
  if (probability <= 0) return false;
  return std::uniform_real_distribution<double>(0.0, 1.0)(rng_) < probability;
}

Result<gateway::HttpReply> SeededTransport::round_trip(const gateway::HttpRequestMessage& request,
                                                       std::chrono::milliseconds timeout,
                                                       bool may_resend) {
  ++counters_.requests;
  ++counters_.by_request[request_kind(request)];
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
