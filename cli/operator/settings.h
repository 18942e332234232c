// The daemon's settings: every flag also as an environment variable (SCALEIO_OPERATOR_<NAME>) and
// as a key of the optional JSON config file given by --config. Precedence: flag, then
// environment, then config file, then default. Every bad value is refused at start-up with a
// message that names the setting and says what to do (the daemon exits with code 2).
//
// Secrets are never settings values: only the NAMES of files that hold them are (or, for
// containers, the environment variables SCALEIO_GATEWAY_PASSWORD, SCALEIO_MESOS_SECRET and
// SCALEIO_ADMIN_TOKEN). They are read once, kept out of logs, argv, events and API output.
#pragma once

#include <chrono>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "core/status.h"

namespace scaleio::operator_daemon {

struct OperatorSettings {
  // Mesos
  std::vector<std::string> masters;
  std::string framework_name = "scaleio";
  std::string role = "scaleio";
  std::string principal;
  std::string secret_file;
  std::chrono::seconds failover_timeout{7 * 24 * 3600};
  // An agent the master stops listing (partitioned, restarting) stays in the plan this long.
  std::chrono::seconds agent_gone_after{15 * 60};
  // ScaleIO gateway
  std::string gateway;
  std::string gateway_user = "admin";
  std::string gateway_password_file;
  std::string gateway_ca_file;
  bool gateway_insecure = false;
  // /readyz fails when one gateway request has waited this long: well before the client gives up
  // on a hung gateway (4 attempts of 10 s), so a dashboard names the request within seconds.
  std::chrono::milliseconds gateway_request_stuck_after{15'000};
  // The cluster
  std::string cluster_name = "scaleio";
  std::vector<std::string> mdm_ips;
  std::string default_domain;
  std::string default_pool;
  std::vector<std::string> default_devices;
  std::string scaleio_version = "2.0-14000";
  std::string package_source;
  double mdm_cpus = 1.5;
  double mdm_mem_mb = 3072;
  double node_cpus = 0.5;
  double node_mem_mb = 512;
  std::chrono::seconds mdm_member_timeout{600};
  bool allow_removals = false;
  // Where the agents hold the MDM admin password (e.g. a DC/OS secret file); the one-shot
  // set-password task reads it there. Only this path travels to Mesos, never the password.
  std::string agent_admin_password_file;
  // The daemon
  std::string data_dir;
  std::string listen = "127.0.0.1:9110";
  std::string advertise_url;  // default: http://<listen>
  std::string admin_token_file;
  // The scaleio-node program served at /v1/artifacts/scaleio-node; default: beside this program.
  std::string node_binary;
  std::chrono::milliseconds observe_interval{10'000};
  std::string log_format = "text";  // text | json
  std::string log_level = "info";   // debug | info | warn | error
};

// What parse_settings() decided.
struct ParsedSettings {
  OperatorSettings settings;
  // Set when the user asked for --help or --version: print it and exit 0.
  std::optional<std::string> print_and_exit;
};

// `env` looks up an environment variable (nullopt when unset); injected for tests.
using EnvLookup = std::function<std::optional<std::string>(const std::string&)>;
EnvLookup process_environment();

// kInvalidArgument with a message naming the setting for any bad flag, value or config key.
Result<ParsedSettings> parse_settings(const std::vector<std::string>& argv, const EnvLookup& env);

// Duration syntax shared by every duration setting: "500ms", "10s", "5m", "2h", "7d" or a plain
// number of seconds.
Result<std::chrono::milliseconds> parse_duration(const std::string& text);

}  // namespace scaleio::operator_daemon
