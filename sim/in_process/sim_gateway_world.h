// One simulated ScaleIO system with its REST gateway on a ManualClock, seeded, plus the real
// gateway client wired to it in-process. Tests (and the deterministic simulation) drive it:
// install nodes, create the MDM cluster, fail components, inject gateway 500s, move time.
//
// Threading: the world is single-threaded. Requests through transport()/client() and the
// methods here take mu(); code that reads world() directly while clients run on other threads
// must take it too.
#pragma once

#include <memory>
#include <mutex>
#include <random>
#include <string>
#include <vector>

#include "adapters/scaleio/http_gateway_client.h"
#include "core/clock.h"
#include "sim/gateway/gateway_service.h"
#include "sim/gateway/scaleio_world.h"

namespace scaleio::sim {

struct SimGatewayWorldOptions {
  uint64_t seed = 42;
  WorldOptions world;
  GatewayOptions gateway;
};

class SimGatewayWorld {
 public:
  explicit SimGatewayWorld(SimGatewayWorldOptions options = {});
  SimGatewayWorld(const SimGatewayWorld&) = delete;
  SimGatewayWorld& operator=(const SimGatewayWorld&) = delete;

  ManualClock& clock() { return clock_; }
  ScaleioWorld& world() { return world_; }
  GatewayService& service() { return service_; }
  std::mutex& mu() { return mu_; }

  // Moves simulated time and completes what became due (SDS joins, device tests, rebalances).
  void advance(Clock::Duration d);
  void tick();

  // The Mesos side: a node task installed the packages for `roles` on a host.
  void node_installed(const NodeInstall& install);
  void node_down(const std::string& hostname);
  void node_up(const std::string& hostname);
  // component: "mdm", "tb", "sds" or "sdc".
  Status fail_component(const std::string& hostname, const std::string& component);
  Status restore_component(const std::string& hostname, const std::string& component);
  // A one-node cluster with its master at `master_ip` (the node must have "mdm" installed).
  Result<std::string> create_cluster(const std::string& master_ip, const std::string& name = "");
  // scli on `hostname`, e.g. {"mdm", "add-standby", "--ip", ...} (see sim/gateway/scli_commands).
  Result<std::string> run_mdm_command(const std::string& hostname,
                                      const std::vector<std::string>& argv);
  // Every gateway request answers 500 for the next `d` of simulated time.
  void fail_requests_for(Clock::Duration d);
  // Requests get no answer (kDeadlineExceeded) for the next `d` of simulated time.
  void hang_requests_for(Clock::Duration d);

  // A transport into this world's gateway, for HttpGatewayClient::create_with_transport.
  std::unique_ptr<gateway::HttpTransport> transport();
  // Options that log in with the gateway's credentials, never sleep between retries and draw
  // jitter from a constant (so runs repeat exactly).
  gateway::GatewayClientOptions client_options() const;
  Result<std::unique_ptr<gateway::HttpGatewayClient>> client();
  Result<std::unique_ptr<gateway::HttpGatewayClient>> client(gateway::GatewayClientOptions options);

 private:
  ManualClock clock_;
  std::mutex mu_;
  ScaleioWorld world_;
  GatewayService service_;
};

}  // namespace scaleio::sim
