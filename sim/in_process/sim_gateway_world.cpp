#include "sim/in_process/sim_gateway_world.h"

#include "sim/in_process/in_process_transport.h"

namespace scaleio::sim {

namespace {

Status to_status(const MdmError& e) {
  return failed_precondition("MDM error " + std::to_string(e.error_code) + ": " + e.message);
}

}  // namespace

SimGatewayWorld::SimGatewayWorld(SimGatewayWorldOptions options)
    : world_(clock_, std::mt19937_64(options.seed), std::move(options.world)),
      // A different stream of the same seed: tokens never repeat the world's ids.
      service_(world_, clock_, std::mt19937_64(options.seed ^ 0x9e3779b97f4a7c15ull),
               std::move(options.gateway)) {}

void SimGatewayWorld::advance(Clock::Duration d) {
  clock_.advance(d);
  tick();
}

void SimGatewayWorld::tick() {
  std::lock_guard lock(mu_);
  world_.tick(clock_.now());
}

void SimGatewayWorld::node_installed(const NodeInstall& install) {
  std::lock_guard lock(mu_);
  world_.node_installed(install);
}

void SimGatewayWorld::node_down(const std::string& hostname) {
  std::lock_guard lock(mu_);
  world_.node_down(hostname);
}

void SimGatewayWorld::node_up(const std::string& hostname) {
  std::lock_guard lock(mu_);
  world_.node_up(hostname);
}

Status SimGatewayWorld::fail_component(const std::string& hostname, const std::string& component) {
  std::lock_guard lock(mu_);
  return world_.fail_component(hostname, component);
}

Status SimGatewayWorld::restore_component(const std::string& hostname,
                                          const std::string& component) {
  std::lock_guard lock(mu_);
  return world_.restore_component(hostname, component);
}

Result<std::string> SimGatewayWorld::create_cluster(const std::string& master_ip,
                                                    const std::string& name) {
  std::lock_guard lock(mu_);
  auto id = world_.create_cluster(master_ip, name);
  if (!id.ok()) return to_status(id.error());
  return id.value();
}

Result<std::string> SimGatewayWorld::run_mdm_command(const std::string& hostname,
                                                     const std::vector<std::string>& argv) {
  std::lock_guard lock(mu_);
  return world_.run_mdm_command(hostname, argv);
}

void SimGatewayWorld::fail_requests_for(Clock::Duration d) {
  std::lock_guard lock(mu_);
  GatewayFaults faults = service_.faults();
  faults.errors_until = clock_.now() + d;
  service_.set_faults(faults);
}

void SimGatewayWorld::hang_requests_for(Clock::Duration d) {
  std::lock_guard lock(mu_);
  GatewayFaults faults = service_.faults();
  faults.timeouts_until = clock_.now() + d;
  service_.set_faults(faults);
}

std::unique_ptr<gateway::HttpTransport> SimGatewayWorld::transport() {
  return std::make_unique<InProcessGatewayTransport>(service_, &mu_);
}

gateway::GatewayClientOptions SimGatewayWorld::client_options() const {
  gateway::GatewayClientOptions options;
  // Names the API prefix and the Host header only; nothing is resolved or connected.
  options.url = gateway::parse_gateway_url("https://sim-gateway").value();
  options.credentials = {service_.user(), gateway::Password(service_.password())};
  options.request_timeout = std::chrono::milliseconds(2'000);
  options.random = [] { return 0.5; };
  options.sleeper = [](std::chrono::milliseconds) {};
  return options;
}

Result<std::unique_ptr<gateway::HttpGatewayClient>> SimGatewayWorld::client() {
  return client(client_options());
}

Result<std::unique_ptr<gateway::HttpGatewayClient>> SimGatewayWorld::client(
    gateway::GatewayClientOptions options) {
  return gateway::HttpGatewayClient::create_with_transport(std::move(options), transport());
}

}  // namespace scaleio::sim
