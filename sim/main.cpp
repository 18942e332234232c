// scaleio-sim: a simulated DC/OS cluster running ScaleIO, speaking the real Mesos and ScaleIO
// gateway protocols on loopback. See docs/simulator.md.
#include <CLI/CLI.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>
#include <csignal>
#include <cstdio>
#include <fstream>
#include <iostream>

#include "core/clock.h"
#include "sim/cluster_spec.h"
#include "sim/simulator.h"

namespace {

constexpr int kUsageError = 2;

int fail(const std::string& message, int code = 1) {
  std::fprintf(stderr, "scaleio-sim: %s\n", message.c_str());
  return code;
}

}  // namespace

int main(int argc, char** argv) {
  using namespace scaleio::sim;
  CLI::App app{
      "scaleio-sim: a protocol-faithful Mesos master and ScaleIO gateway over one "
      "simulated cluster"};
  int agents = 6;
  std::string cluster_file;
  uint64_t seed = 1;
  SimulatorOptions options;
  std::string password_file;
  double heartbeat_seconds = 15.0;
  bool print_cluster = false;

  auto* agents_option = app.add_option("--agents", agents, "generate a cluster of N agents")
                            ->check(CLI::Range(1, kMaxGeneratedAgents));
  auto* cluster_option =
      app.add_option("--cluster", cluster_file, "cluster file (JSON)")->check(CLI::ExistingFile);
  agents_option->excludes(cluster_option);
  app.add_option("--seed", seed, "seed for the generated cluster, ids and timings");
  app.add_option("--mesos-listen", options.mesos_listen, "leading Mesos master, HOST:PORT")
      ->capture_default_str();
  app.add_option("--mesos-standby-listen", options.mesos_standby_listen,
                 "standby Mesos master (answers 307), HOST:PORT")
      ->capture_default_str();
  app.add_option("--gateway-listen", options.gateway_listen, "ScaleIO gateway, HOST:PORT")
      ->capture_default_str();
  auto* tls_flag = app.add_flag("--gateway-tls", options.gateway_tls,
                                "serve the gateway over HTTPS with a fresh self-signed CA");
  app.add_option("--gateway-ca-out", options.gateway_ca_out, "write the gateway's CA (PEM) here")
      ->needs(tls_flag);
  app.add_option("--gateway-user", options.gateway_user, "gateway user name")
      ->capture_default_str();
  app.add_option("--gateway-password-file", password_file,
                 "file whose first line is the gateway password")
      ->check(CLI::ExistingFile);
  app.add_option("--control-listen", options.control_listen, "control API, HOST:PORT")
      ->capture_default_str();
  app.add_option("--time-scale", options.time_scale, "divide simulated delays by X")
      ->check(CLI::PositiveNumber)
      ->capture_default_str();
  app.add_option("--heartbeat-seconds", heartbeat_seconds,
                 "Mesos heartbeat interval announced and used")
      ->check(CLI::PositiveNumber)
      ->capture_default_str();

  app.add_flag("--print-cluster", print_cluster,
               "print the cluster as a cluster file (JSON) and exit, to save and edit it");

  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    app.exit(e);
    return kUsageError;
  }
  for (const auto* address : {&options.mesos_listen, &options.mesos_standby_listen,
                              &options.gateway_listen, &options.control_listen}) {
    if (auto endpoint = scaleio::http::parse_loopback_endpoint(*address); !endpoint.ok()) {
      const char* flag = address == &options.mesos_listen           ? "--mesos-listen"
                         : address == &options.mesos_standby_listen ? "--mesos-standby-listen"
                         : address == &options.gateway_listen       ? "--gateway-listen"
                                                                    : "--control-listen";
      return fail(std::string(flag) + ": " + endpoint.status().message(), kUsageError);
    }
  }
  if (!password_file.empty()) {
    std::ifstream in(password_file);
    std::getline(in, options.gateway_password);
    while (!options.gateway_password.empty() &&
           std::isspace(static_cast<unsigned char>(options.gateway_password.back()))) {
      options.gateway_password.pop_back();
    }
    if (options.gateway_password.empty()) {
      return fail(
          "--gateway-password-file: " + password_file + " has no password on its first line",
          kUsageError);
    }
  }
  auto cluster =
      cluster_file.empty() ? generate_cluster_spec(agents, seed) : load_cluster_spec(cluster_file);
  if (!cluster.ok()) {
    return fail(std::string(cluster_file.empty() ? "--agents: " : "--cluster: ") +
                    cluster.status().message(),
                kUsageError);
  }
  if (print_cluster) {
    std::cout << cluster_spec_to_json(cluster.value()).dump(2) << std::endl;
    return 0;
  }
  options.cluster = std::move(cluster.value());
  options.seed = seed;
  options.master.heartbeat_interval_seconds = heartbeat_seconds;

  boost::asio::io_context io;
  Simulator simulator(io, scaleio::SystemClock::instance(), std::move(options));
  if (auto status = simulator.start(); !status.ok()) return fail(status.to_string());

  boost::asio::signal_set signals(io, SIGTERM, SIGINT);
  signals.async_wait([&](const boost::system::error_code& ec, int signal) {
    if (ec) return;
    std::fprintf(stderr, "scaleio-sim: signal %d, shutting down\n", signal);
    simulator.stop();
    io.stop();
  });
  std::cout << simulator.addresses().dump() << std::endl;
  std::fprintf(stderr, "scaleio-sim: %zu agents, seed %llu\n",
               simulator.master().world().agents.size(), static_cast<unsigned long long>(seed));
  io.run();
  return 0;
}
