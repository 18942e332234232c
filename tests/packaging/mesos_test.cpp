// Mesos without DC/OS: the plain Marathon app (packaging/marathon) and the systemd unit
// (packaging/systemd) must hand the daemon settings it knows and keep secrets in files.
#include <catch2/catch.hpp>

#include <unistd.h>

#include <fstream>
#include <regex>
#include <sstream>

#include "cli/operator/settings.h"
#include "tests/packaging/packaging_support.h"
#include "tests/support/temp_dir.h"

using namespace scaleio::testing;
using nlohmann::json;

namespace {

const std::string kPackaging = SCALEIO_SOURCE_DIR "/packaging/";

std::set<std::string> help_flags() {
  RunResult help = run({SCALEIO_OPERATOR_BINARY, "--help"});
  REQUIRE(help.exit_code == 0);
  return flags_in_help(help.text());
}

// Every SCALEIO_OPERATOR_<NAME> in `names` is the environment form of a flag of --help.
void check_env_names_are_flags(const std::set<std::string>& names) {
  std::map<std::string, std::string> env_to_flag;
  for (const auto& flag : help_flags()) env_to_flag[env_of_flag(flag)] = flag;
  for (const auto& name : names) {
    INFO(name);
    CHECK(env_to_flag.count(name) == 1);
  }
}

std::optional<std::string> flag_value(const std::vector<std::string>& argv,
                                      const std::string& flag) {
  for (size_t i = 1; i + 1 < argv.size(); ++i) {
    if (argv[i] == "--" + flag) return argv[i + 1];
  }
  return std::nullopt;
}

// The unit's lines "Key=value" (comments and sections left out), in order.
std::vector<std::pair<std::string, std::string>> unit_entries(const std::string& text) {
  std::vector<std::pair<std::string, std::string>> out;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) {
    if (line.empty() || line[0] == '#' || line[0] == '[') continue;
    const auto eq = line.find('=');
    if (eq != std::string::npos) out.emplace_back(line.substr(0, eq), line.substr(eq + 1));
  }
  return out;
}

}  // namespace

TEST_CASE("the plain Marathon app is valid and its settings are the daemon's") {
  json app = read_json(kPackaging + "marathon/scaleio-operator.json");
  CHECK(app.at("id") == "/scaleio-operator");
  CHECK(app.at("instances") == 1);
  CHECK(app.at("cpus").get<double>() > 0);
  CHECK(app.at("mem").get<double>() >= 256);
  CHECK(app.at("healthChecks").at(0).at("path") == "/healthz");
  CHECK(app.at("portDefinitions").at(0).at("name") == "api");
  CHECK(app.at("labels").at("PROMETHEUS_PATH") == "/metrics");
  CHECK(app.at("upgradeStrategy").at("maximumOverCapacity") == 0);
  CHECK(app.at("unreachableStrategy") == "disabled");
  json persistent;
  for (const auto& volume : app.at("container").at("volumes")) {
    if (volume.contains("persistent")) persistent = volume;
  }
  REQUIRE(persistent.is_object());

  std::set<std::string> names;
  for (const auto& [name, value] : app.at("env").items()) {
    CHECK(value.is_string());
    if (name.starts_with("SCALEIO_OPERATOR_")) names.insert(name);
  }
  check_env_names_are_flags(names);
  // Open-source Marathon has no secret store: the password stays in a file on the agent.
  CHECK_FALSE(app["env"].contains("SCALEIO_GATEWAY_PASSWORD"));
  CHECK(app["env"].contains("SCALEIO_OPERATOR_GATEWAY_PASSWORD_FILE"));

  // The cmd names the installed program; run it with a stand-in and parse as the daemon does.
  std::string cmd = app["cmd"];
  const std::string installed = "/usr/bin/scaleio-operator";
  REQUIRE(cmd.find(installed) != std::string::npos);
  cmd.replace(cmd.find(installed), installed.size(), "scaleio-operator");
  app["cmd"] = cmd;
  const Launch launch = launch_marathon_cmd(app, "scaleio-operator");
  CHECK(flag_value(launch.argv, "data-dir") ==
        std::string(kSandbox) + "/" + persistent.at("containerPath").get<std::string>());
  auto env = [&](const std::string& name) -> std::optional<std::string> {
    auto it = launch.env.find(name);
    return it == launch.env.end() ? std::nullopt : std::optional<std::string>(it->second);
  };
  auto parsed = scaleio::operator_daemon::parse_settings(launch.argv, env);
  INFO(parsed.status().message());
  REQUIRE(parsed.ok());
  CHECK(parsed->settings.listen == std::string("0.0.0.0:") + kPort0);
  CHECK(parsed->settings.masters.size() == 3);
}

TEST_CASE("the systemd unit reads its settings from /etc and its secret as a credential") {
  const std::string unit = read_text(kPackaging + "systemd/scaleio-operator.service");
  std::map<std::string, std::vector<std::string>> entries;
  for (const auto& [key, value] : unit_entries(unit)) entries[key].push_back(value);
  CHECK(entries["EnvironmentFile"] == std::vector<std::string>{"/etc/scaleio-operator/env"});
  CHECK(entries["ExecStart"] == std::vector<std::string>{"/usr/bin/scaleio-operator"});
  CHECK(entries["StateDirectory"] == std::vector<std::string>{"scaleio-operator"});
  CHECK(entries["ReadWritePaths"] == std::vector<std::string>{"/var/lib/scaleio-operator"});
  CHECK(entries["NoNewPrivileges"] == std::vector<std::string>{"yes"});
  CHECK(entries["ProtectSystem"] == std::vector<std::string>{"strict"});
  CHECK(entries["LoadCredential"] ==
        std::vector<std::string>{"gateway-password:/etc/scaleio-operator/gateway-password"});
  // A bad setting exits 2 (see cli/operator/main.cpp): restarting cannot help.
  CHECK(entries["RestartPreventExitStatus"] == std::vector<std::string>{"2"});

  // Every SCALEIO_OPERATOR_ name, in the unit and in the settings file it ships, is a flag; the
  // data dir is the state directory and the password file is the credential.
  std::set<std::string> names;
  std::map<std::string, std::string> values;
  for (const auto& e : entries["Environment"]) {
    const auto eq = e.find('=');
    names.insert(e.substr(0, eq));
    values[e.substr(0, eq)] = e.substr(eq + 1);
  }
  const std::string env_file = read_text(kPackaging + "systemd/env");
  static const std::regex kAssignment(R"(^#?(SCALEIO_OPERATOR_[A-Z_]+)=)", std::regex::multiline);
  for (std::sregex_iterator it(env_file.begin(), env_file.end(), kAssignment), end; it != end;
       ++it) {
    names.insert((*it)[1]);
  }
  CHECK(names.size() > 10);
  check_env_names_are_flags(names);
  CHECK(values["SCALEIO_OPERATOR_DATA_DIR"] == "/var/lib/scaleio-operator");
  CHECK(values["SCALEIO_OPERATOR_GATEWAY_PASSWORD_FILE"] == "%d/gateway-password");
  CHECK(env_file.find("PASSWORD=") == std::string::npos);
}

TEST_CASE("systemd-analyze verify accepts the unit") {
  const char* tool = "/usr/bin/systemd-analyze";
  if (::access(tool, X_OK) != 0) {
    WARN("systemd-analyze is not installed (Debian package systemd): unit not verified");
    return;
  }
  // verify also checks that ExecStart exists: point it at the program this build made.
  TempDir dir;
  std::string unit = read_text(kPackaging + "systemd/scaleio-operator.service");
  const std::string installed = "ExecStart=/usr/bin/scaleio-operator";
  REQUIRE(unit.find(installed) != std::string::npos);
  unit.replace(unit.find(installed), installed.size(),
               std::string("ExecStart=") + SCALEIO_OPERATOR_BINARY);
  const std::string path = dir.sub("scaleio-operator.service");
  std::ofstream(path) << unit;
  RunResult verify = run({"/bin/sh", "-c", std::string(tool) + " verify '" + path + "' 2>&1"});
  INFO(verify.text());
  CHECK(verify.exit_code == 0);
  CHECK(verify.lines.empty());  // no warnings either
}
