// The gateway's answers as the seed decides them: every request to the in-process simulated
// gateway takes a drawn latency (the one simulated clock moves by it), and a drawn few fail —
// a 500, a timeout before the request reached the gateway, or a timeout AFTER the gateway applied
// it (the outcome the operator cannot know: the case that tests "observe before retrying").
// It is also where the operator may crash in the middle of a request (CrashPoint).
#pragma once

#include <chrono>
#include <map>
#include <memory>
#include <random>
#include <string>

#include "adapters/scaleio/http_transport.h"
#include "core/clock.h"
#include "sim/dst/operator_crash.h"

namespace scaleio::dst {

struct TransportFaults {
  std::chrono::milliseconds min_latency{1};
  std::chrono::milliseconds max_latency{50};
  double error_500 = 0;       // probability per request
  double timeout_before = 0;  // not delivered, no answer
  double timeout_after = 0;   // delivered and applied, no answer
};

struct TransportCounters {
  uint64_t requests = 0;
  uint64_t errors_500 = 0;
  uint64_t timeouts_before = 0;
  uint64_t timeouts_after = 0;
  // Per kind of request, e.g. "GET /api/types/Sds/instances" (object ids as {id}; benchmarks).
  std::map<std::string, uint64_t> by_request;
};

class SeededTransport final : public gateway::HttpTransport {
 public:
  // `faults` is read at every request (the simulation turns it off when faults stop).
  SeededTransport(std::unique_ptr<gateway::HttpTransport> inner, ManualClock& clock, uint64_t seed,
                  const TransportFaults& faults, CrashPoint& crash, TransportCounters& counters)
      : inner_(std::move(inner)),
        clock_(clock),
        rng_(seed),
        faults_(faults),
        crash_(crash),
        counters_(counters) {}

  Result<gateway::HttpReply> round_trip(const gateway::HttpRequestMessage& request,
                                        std::chrono::milliseconds timeout,
                                        bool may_resend) override;
  void close() override { inner_->close(); }
  int connections_opened() const override { return inner_->connections_opened(); }

 private:
  bool draw(double probability);

  std::unique_ptr<gateway::HttpTransport> inner_;
  ManualClock& clock_;
  std::mt19937_64 rng_;
  const TransportFaults& faults_;
  CrashPoint& crash_;
  TransportCounters& counters_;
};

}  // namespace scaleio::dst
