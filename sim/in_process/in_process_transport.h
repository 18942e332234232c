// An HttpTransport that hands each request to a sim::GatewayService in the same process: the
// real HttpGatewayClient (login, tokens, JSON, retries, error mapping) runs against the real
// simulated gateway without sockets or threads, so reconciler tests and the deterministic
// simulation are exact and fast.
//
// Faults the sim's HTTP server applies at the transport are mapped here: while the service
// should hang, a request is not handed over and fails with kDeadlineExceeded (at once: nothing
// waits); latency is ignored (time moves only when the test moves the clock).
#pragma once

#include <mutex>

#include "adapters/scaleio/http_transport.h"
#include "sim/gateway/gateway_service.h"

namespace scaleio::sim {

class InProcessGatewayTransport final : public gateway::HttpTransport {
 public:
  // `mu`, when given, is held while the service handles a request (the world is single-threaded;
  // whoever else touches it takes the same mutex).
  explicit InProcessGatewayTransport(GatewayService& service, std::mutex* mu = nullptr)
      : service_(service), mu_(mu) {}

  Result<gateway::HttpReply> round_trip(const gateway::HttpRequestMessage& request,
                                        std::chrono::milliseconds timeout,
                                        bool may_resend) override;
  void close() override { open_ = false; }
  int connections_opened() const override { return connections_opened_; }

 private:
  GatewayService& service_;
  std::mutex* mu_;
  bool open_ = false;
  int connections_opened_ = 0;
};

}  // namespace scaleio::sim
