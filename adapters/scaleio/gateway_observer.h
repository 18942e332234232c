// The gateway observer: polls the gateway (every `period`, and right after an action when poked)
// with as few calls as possible — GET /api/instances plus one statistics query — and appends
// only CHANGES to the log. An outage appends one GatewayUnreachable (and GatewayReachable when
// the gateway answers again); the observed state is then stale, never emptied.
//
// Depends only on ports (GatewayClient, EventStore), so it runs against fakes too.
#pragma once

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <string>
#include <thread>

#include "core/event_store.h"
#include "core/observed/observed_projection.h"
#include "core/ports/gateway_client.h"

namespace scaleio::gateway {

struct ObserverOptions {
  std::chrono::milliseconds period{10'000};
  std::string stream = "scaleio/gateway";
  std::string gateway;  // shown in reachability events, e.g. "https://10.0.0.1"
  bool read_capacity = true;
};

struct PollResult {
  bool reachable = false;
  size_t events_appended = 0;
  Status error;  // why the gateway could not be observed (when !reachable)
};

class GatewayObserver {
 public:
  GatewayObserver(GatewayClient& client, EventStore& store, ObserverOptions options);
  ~GatewayObserver();
  GatewayObserver(const GatewayObserver&) = delete;
  GatewayObserver& operator=(const GatewayObserver&) = delete;

  // Rebuilds the observed state from the log (snapshot + tail). Call once before polling.
  Status load();
  // One observation. An error means the log refused the append; gateway failures are not
  // errors (they are recorded as reachability events).
  Result<PollResult> poll_once();

  // The background loop: polls every period until stop(); poke() polls now.
  void start();
  void poke();
  void stop();

  observed::ObservedState state() const;

 private:
  Result<size_t> append(std::vector<events::Envelope> events);
  void loop();

  GatewayClient& client_;
  EventStore& store_;
  ObserverOptions options_;

  mutable std::mutex mu_;  // guards projection_
  observed::ObservedProjection projection_;
  std::mutex poll_mu_;  // one poll at a time

  std::mutex loop_mu_;
  std::condition_variable wake_;
  bool poked_ = false;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace scaleio::gateway
