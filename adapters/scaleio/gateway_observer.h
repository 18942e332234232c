// The gateway observer: polls the gateway (every `period`, and right after an action when poked)
// with as few calls as possible — GET /api/instances plus one statistics query — and appends
// only CHANGES to the log. An outage appends one GatewayUnreachable (and GatewayReachable when
// the gateway answers again); the observed state is then stale, never emptied.
//
// Depends only on ports (GatewayClient, EventStore), so it runs against fakes too.
#pragma once

#include <chrono>
#include <condition_variable>
#include <map>
#include <mutex>
#include <optional>
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
  // errors (they are recorded as reachability events). A listing equal to the last one recorded
  // is not compared object by object again (at 5,000 hosts that diff, and the copy of the
  // observed state it needed, cost as much as the parse).
  Result<PollResult> poll_once();
  // Polls that found the gateway's listing unchanged and skipped the diff (tests, benchmarks).
  uint64_t unchanged_polls() const;

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

  mutable std::mutex mu_;  // guards projection_ (written only with poll_mu_ held as well)
  observed::ObservedProjection projection_;
  mutable std::mutex poll_mu_;  // one poll at a time; guards what follows
  // What the last poll read, once its events were in the log and projection_: the same listing
  // again can change nothing.
  std::optional<sio::Inventory> last_inventory_;
  std::map<std::string, sio::PoolStatistics> last_capacity_;
  uint64_t unchanged_polls_ = 0;

  std::mutex loop_mu_;
  std::condition_variable wake_;
  bool poked_ = false;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace scaleio::gateway
