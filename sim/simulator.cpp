#include "sim/simulator.h"

#include <cstdio>
#include <fstream>

#include "sim/gateway/gateway_service.h"
#include "sim/gateway/scaleio_world.h"
#include "sim/gateway/tls_cert.h"

namespace scaleio::sim {

namespace net = boost::asio;

namespace {
// The shared server's defaults (loopback only included), named as the simulator.
HttpServerOptions server_options() {
  HttpServerOptions options;
  options.server_name = "scaleio-sim";
  return options;
}
}  // namespace

// The ScaleIO half: the world, its REST gateway, and the two adapters the Mesos side and the
// control API talk through.
struct Simulator::Gateway final : ScaleioHooks, ScaleioControl {
  Gateway(const Clock& c, const SimulatorOptions& options)
      : clock(c),
        world(c, std::mt19937_64(options.seed * 2 + 1), make_world_options(options)),
        service(world, c, std::mt19937_64(options.seed * 2 + 2), make_gateway_options(options)) {}

  static WorldOptions make_world_options(const SimulatorOptions& options) {
    WorldOptions w;
    w.time_scale = options.time_scale;
    return w;
  }
  static GatewayOptions make_gateway_options(const SimulatorOptions& options) {
    GatewayOptions g;
    g.user = options.gateway_user;
    g.password = options.gateway_password;
    return g;
  }

  // ScaleioHooks
  void node_installed(const NodeInstallRequest& r) override {
    NodeInstall install;
    install.hostname = r.hostname;
    install.ip = r.ip;
    install.roles = r.roles;
    install.mdm_ips = r.mdm_ips;
    world.node_installed(install);
  }
  void node_down(const std::string& hostname) override { world.node_down(hostname); }
  void node_up(const std::string& hostname) override { world.node_up(hostname); }
  Result<std::string> run_mdm_command(const std::string& hostname,
                                      const std::vector<std::string>& argv) override {
    return world.run_mdm_command(hostname, argv);
  }

  // ScaleioControl
  nlohmann::json world_json() const override { return world.to_json(); }
  Status fail_component(const std::string& hostname, const std::string& component) override {
    return world.fail_component(hostname, component);
  }
  Status restore_component(const std::string& hostname, const std::string& component) override {
    return world.restore_component(hostname, component);
  }
  Status set_gateway_faults(const nlohmann::json& request) override {
    if (!request.is_object()) return invalid_argument("gateway faults must be a JSON object");
    auto seconds = [&](const char* key, Clock::TimePoint& until) -> Status {
      if (!request.contains(key)) return Status();
      if (!request[key].is_number() || request[key].get<double>() < 0) {
        return invalid_argument(std::string(key) + " must be a non-negative number");
      }
      until = clock.now() + std::chrono::duration_cast<Clock::Duration>(
                                std::chrono::duration<double>(request[key].get<double>()));
      return Status();
    };
    GatewayFaults faults = service.faults();
    if (Status s = seconds("errors_for_seconds", faults.errors_until); !s.ok()) return s;
    if (Status s = seconds("timeout_for_seconds", faults.timeouts_until); !s.ok()) return s;
    if (request.contains("latency_ms")) {
      if (!request["latency_ms"].is_number() || request["latency_ms"].get<double>() < 0) {
        return invalid_argument("latency_ms must be a non-negative number");
      }
      faults.latency = std::chrono::duration_cast<Clock::Duration>(
          std::chrono::duration<double, std::milli>(request["latency_ms"].get<double>()));
    }
    for (const char* flag : {"expire_tokens", "restart"}) {
      if (request.contains(flag) && !request[flag].is_boolean()) {
        return invalid_argument(std::string(flag) + " must be true or false");
      }
    }
    service.set_faults(faults);
    if (request.value("expire_tokens", false)) service.expire_tokens();
    if (request.value("restart", false)) service.restart();
    return Status();
  }

  // The gateway endpoint: faults that need the transport (hang, latency) are applied here.
  void handle(const std::shared_ptr<HttpExchange>& exchange, net::io_context& io,
              const std::shared_ptr<bool>& alive) {
    if (service.should_hang()) {
      // Never answer; the connection is dropped when the timeout window ends.
      auto timer = std::make_shared<net::steady_timer>(io);
      timer->expires_after(service.faults().timeouts_until - clock.now());
      timer->async_wait([timer, exchange](const boost::system::error_code&) {});
      return;
    }
    if (service.latency() > Clock::Duration::zero()) {
      auto timer = std::make_shared<net::steady_timer>(io);
      timer->expires_after(service.latency());
      std::weak_ptr<bool> weak_alive = alive;
      timer->async_wait([this, timer, exchange, weak_alive](const boost::system::error_code&) {
        if (weak_alive.expired()) return;
        exchange->respond(service.handle(exchange->request()));
      });
      return;
    }
    exchange->respond(service.handle(exchange->request()));
  }

  const Clock& clock;
  ScaleioWorld world;
  GatewayService service;
};

Simulator::Simulator(net::io_context& io, const Clock& clock, SimulatorOptions options)
    : io_(io), clock_(clock), options_(std::move(options)), tick_timer_(io) {
  options_.master.time_scale = options_.time_scale;
  ScaleioHooks* hooks = nullptr;
  ScaleioControl* scaleio_control = nullptr;
  gateway_ = std::make_unique<Gateway>(clock_, options_);
  hooks = gateway_.get();
  scaleio_control = gateway_.get();
  master_ = std::make_unique<MesosMaster>(clock_, options_.seed, options_.cluster.agents, hooks,
                                          options_.master);
  control_ = std::make_unique<ControlApi>(*master_, scaleio_control);
}

Simulator::~Simulator() {
  stop();
}

Status Simulator::start() {
  auto alive = std::make_shared<bool>(true);
  for (const auto& node : options_.cluster.preinstalled) {
    NodeInstall install;
    install.hostname = node.hostname;
    for (const auto& agent : options_.cluster.agents) {
      if (agent.hostname == node.hostname) install.ip = agent.ip;
    }
    install.roles = std::set<std::string>(node.roles.begin(), node.roles.end());
    install.mdm_ips = node.mdm_ips;
    gateway_->world.node_installed(install);
  }
  if (!options_.cluster.scaleio.is_null()) {
    if (Status s = gateway_->world.adopt(options_.cluster.scaleio); !s.ok()) return s;
  }
  const std::string listens[2] = {options_.mesos_listen, options_.mesos_standby_listen};
  for (int i = 0; i < 2; ++i) {
    mesos_fronts_[i] = std::make_unique<MesosHttpFront>(*master_, i);
    MesosHttpFront* front = mesos_fronts_[i].get();
    mesos_servers_[i] = std::make_unique<HttpServer>(
        io_, [front](std::shared_ptr<HttpExchange> exchange) { front->handle(exchange); },
        server_options());
    if (Status s = mesos_servers_[i]->listen(listens[i]); !s.ok()) return s;
    auto endpoint = mesos_servers_[i]->local_endpoint();
    master_->set_endpoint(i, endpoint.address().to_string(), endpoint.port());
  }
  if (!options_.control_listen.empty()) {
    ControlApi* control = control_.get();
    control_server_ = std::make_unique<HttpServer>(
        io_, [control](std::shared_ptr<HttpExchange> exchange) { control->handle(exchange); },
        server_options());
    if (Status s = control_server_->listen(options_.control_listen); !s.ok()) return s;
  }
  if (!options_.gateway_listen.empty()) {
    std::shared_ptr<net::ssl::context> tls;
    if (options_.gateway_tls) {
      auto material = generate_tls_material();
      if (!material.ok()) return material.status();
      tls = std::make_shared<net::ssl::context>(net::ssl::context::tls_server);
      boost::system::error_code ec;
      tls->use_certificate_chain(net::buffer(material->chain_pem()), ec);
      if (!ec) tls->use_private_key(net::buffer(material->key_pem), net::ssl::context::pem, ec);
      if (ec) return internal_error("cannot load the gateway's TLS certificate: " + ec.message());
      if (!options_.gateway_ca_out.empty()) {
        std::ofstream out(options_.gateway_ca_out, std::ios::trunc);
        out << material->ca_pem;
        if (!out) return unavailable("cannot write the CA to " + options_.gateway_ca_out);
      }
    }
    Gateway* gateway = gateway_.get();
    net::io_context* io = &io_;
    gateway_server_ = std::make_unique<HttpServer>(
        io_,
        [gateway, io, alive](std::shared_ptr<HttpExchange> exchange) {
          gateway->handle(exchange, *io, alive);
        },
        server_options(), tls);
    if (Status s = gateway_server_->listen(options_.gateway_listen); !s.ok()) return s;
  }
  alive_token_ = alive;
  schedule_tick();
  return Status();
}

void Simulator::tick() {
  const auto now = clock_.now();
  gateway_->world.tick(now);
  master_->tick(now);
}

void Simulator::schedule_tick() {
  tick_timer_.expires_after(options_.tick_interval);
  tick_timer_.async_wait([this](const boost::system::error_code& ec) {
    if (ec || stopped_) return;
    tick();
    schedule_tick();
  });
}

void Simulator::stop() {
  if (stopped_) return;
  stopped_ = true;
  alive_token_.reset();
  tick_timer_.cancel();
  for (auto& server : mesos_servers_) {
    if (server) server->stop();
  }
  if (gateway_server_) gateway_server_->stop();
  if (control_server_) control_server_->stop();
}

nlohmann::json Simulator::addresses() const {
  nlohmann::json out;
  if (mesos_servers_[0]) out["mesos"] = mesos_servers_[0]->address();
  if (mesos_servers_[1]) out["mesos_standby"] = mesos_servers_[1]->address();
  if (gateway_server_) {
    out["gateway"] =
        std::string(options_.gateway_tls ? "https://" : "http://") + gateway_server_->address();
  }
  if (control_server_) out["control"] = control_server_->address();
  return out;
}

}  // namespace scaleio::sim
