// The inside of a Simulation: the simulated world, and the operator "process" that a crash throws
// away and a restart builds again from the log. Exposed for tests that plant violations and for
// tools that inspect a run; nothing here is needed to run seeds.
#pragma once

#include <memory>
#include <optional>
#include <random>
#include <string>
#include <vector>

#include "adapters/scaleio/gateway_observer.h"
#include "adapters/scaleio/http_gateway_client.h"
#include "eventlog/rocks_event_log.h"
#include "reconcilers/offer_pool.h"
#include "reconcilers/reconciler.h"
#include "reconcilers/runtime/live_state.h"
#include "reconcilers/runtime/runtime.h"
#include "sim/dst/in_process_mesos_driver.h"
#include "sim/dst/invariants.h"
#include "sim/dst/operator_crash.h"
#include "sim/dst/seeded_transport.h"
#include "sim/in_process/sim_gateway_world.h"
#include "sim/mesos_master.h"

namespace scaleio::dst {

// Everything the operator process holds in memory. Destroyed on a crash; the log survives.
// (Members are destroyed in reverse order: the runtime before the reconcilers it steps, the
// reconcilers before the ports they use.)
struct OperatorProcess {
  std::unique_ptr<gateway::HttpGatewayClient> gateway;
  std::unique_ptr<gateway::GatewayObserver> observer;
  std::unique_ptr<reconcilers::OfferPool> offers;
  std::unique_ptr<InProcessMesosDriver> driver;
  std::vector<std::unique_ptr<reconcilers::Reconciler>> reconcilers;
  std::unique_ptr<reconcilers::Runtime> runtime;
  // The daemon's own view (what its API serves), caught up after every step.
  std::unique_ptr<reconcilers::LiveState> live;
  std::optional<bool> applied_demand;
  Clock::TimePoint next_observation{};

  ~OperatorProcess() { stop(); }
  // The process dies: everything it held in memory is gone (the driver's end of the Mesos stream
  // closes with it).
  void stop() {
    live.reset();
    runtime.reset();
    reconcilers.clear();
    driver.reset();
    offers.reset();
    observer.reset();
    gateway.reset();
  }
};

// Forwards what node tasks do on the simulated agents to the simulated ScaleIO world, and counts
// it (the invariants that compare the world before and after look only when something happened).
class WorldHooks final : public sim::ScaleioHooks {
 public:
  explicit WorldHooks(sim::SimGatewayWorld& world) : world_(world) {}
  uint64_t calls = 0;
  void node_installed(const sim::NodeInstallRequest& r) override {
    ++calls;
    sim::NodeInstall install;
    install.hostname = r.hostname;
    install.ip = r.ip;
    install.roles = r.roles;
    install.mdm_ips = r.mdm_ips;
    world_.node_installed(install);
  }
  void node_down(const std::string& hostname) override {
    ++calls;
    world_.node_down(hostname);
  }
  void node_up(const std::string& hostname) override {
    ++calls;
    world_.node_up(hostname);
  }
  Result<std::string> run_mdm_command(const std::string& hostname,
                                      const std::vector<std::string>& argv) override {
    ++calls;
    return world_.run_mdm_command(hostname, argv);
  }

 private:
  sim::SimGatewayWorld& world_;
};

struct Simulation::Parts {
  std::string log_dir;
  std::unique_ptr<sim::SimGatewayWorld> world;
  std::unique_ptr<WorldHooks> hooks;
  std::unique_ptr<sim::MesosMaster> master;
  std::unique_ptr<eventlog::RocksEventLog> log;
  OperatorProcess process;

  // Faults in force, read by the transport and the driver at every request / update.
  TransportFaults transport_faults;
  UpdateFaults update_faults;
  CrashPoint crash;
  TransportCounters transport_counters;
  DriverCounters driver_counters;
  uint64_t observations = 0;  // observer polls, periodic or requested by a pass
  // Outlives the process: what was acknowledged must be in the log after any restart.
  std::vector<AcknowledgedStatus> acknowledged;

  // Invariants.
  QuorumInvariant quorum;
  CreatedOnceInvariant created_once;
  NoRemovalInvariant no_removal;
  AcknowledgedInLogInvariant acknowledged_in_log;
  AgentKeptInvariant agent_kept;
  ForeignVolumeInvariant foreign_volumes;
  uint64_t followed_sequence = 0;  // events fed to the runtime and the invariants

  plan::ClusterSettings cluster;
  bool allow_removals = false;
  ManualClock& clock() { return world->clock(); }
};

}  // namespace scaleio::dst
