#pragma once
// One simulated cluster on the wire: the Mesos master (leader and standby endpoints), the ScaleIO
// gateway, the control API and the tick that moves simulated time, all on one io_context. The
// scaleio-sim program is a thin shell around this; tests run it in-process on port 0.
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>

#include "adapters/http/http_server.h"
#include "core/clock.h"
#include "core/status.h"
#include "sim/cluster_spec.h"
#include "sim/control_api.h"
#include "sim/mesos_http.h"
#include "sim/mesos_master.h"

namespace scaleio::sim {

using scaleio::http::HttpServer;
using scaleio::http::HttpServerOptions;

struct SimulatorOptions {
  ClusterSpec cluster;
  uint64_t seed = 1;
  std::string mesos_listen = "127.0.0.1:5050";
  std::string mesos_standby_listen = "127.0.0.1:0";
  std::string gateway_listen = "127.0.0.1:8443";  // empty = no gateway endpoint
  bool gateway_tls = false;
  std::string gateway_ca_out;  // where the CA certificate goes (with gateway_tls)
  std::string gateway_user = "admin";
  std::string gateway_password = "Scaleio123";
  std::string control_listen = "127.0.0.1:5055";  // empty = no control endpoint
  double time_scale = 1.0;
  // How often the world's timed transitions are processed (wall time).
  std::chrono::milliseconds tick_interval{20};
  MasterOptions master;  // time_scale is copied in from above
};

class Simulator {
 public:
  Simulator(boost::asio::io_context& io, const Clock& clock, SimulatorOptions options);
  ~Simulator();
  Simulator(const Simulator&) = delete;
  Simulator& operator=(const Simulator&) = delete;

  // Binds every endpoint and starts the tick; call from (or before running) the io_context.
  Status start();
  // Closes every endpoint and stops the tick.
  void stop();

  // {"mesos":"127.0.0.1:P","mesos_standby":...,"gateway":"https://...","control":...}
  nlohmann::json addresses() const;
  MesosMaster& master() { return *master_; }
  ControlApi& control() { return *control_; }
  // Runs one tick now (tests on a ManualClock call this after advancing the clock).
  void tick();

 private:
  void schedule_tick();
  struct Gateway;  // the ScaleIO side: world, REST gateway and the hooks between them

  boost::asio::io_context& io_;
  const Clock& clock_;
  SimulatorOptions options_;
  std::unique_ptr<Gateway> gateway_;
  std::unique_ptr<MesosMaster> master_;
  std::unique_ptr<ControlApi> control_;
  std::unique_ptr<MesosHttpFront> mesos_fronts_[2];
  std::unique_ptr<HttpServer> mesos_servers_[2];
  std::unique_ptr<HttpServer> gateway_server_;
  std::unique_ptr<HttpServer> control_server_;
  boost::asio::steady_timer tick_timer_;
  // Delayed gateway answers check this before touching the gateway (it may be gone by then).
  std::shared_ptr<bool> alive_token_;
  bool stopped_ = false;
};

}  // namespace scaleio::sim
