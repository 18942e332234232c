// Helpers of the packaging tests: reading the package files, running programs, rendering the
// DC/OS template, and finding out what a Marathon app's command line hands to the daemon.
#pragma once

#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace scaleio::testing {

std::string read_text(const std::string& path);
nlohmann::json read_json(const std::string& path);  // throws on invalid JSON

struct RunResult {
  int exit_code = -1;
  std::vector<std::string> lines;  // stdout
  std::string text() const;
};
// Runs argv (no shell) with a 60 s bound; stderr shows in the test's output.
RunResult run(const std::vector<std::string>& argv);

// The long flags a CLI11 --help text lists ("--master", ...), without the dashes.
std::set<std::string> flags_in_help(const std::string& help);

// The "default" of every property of a config.json schema, nested as the options are.
nlohmann::json schema_defaults(const nlohmann::json& schema);
// `overrides` merged into `base`, objects recursively.
nlohmann::json merged(nlohmann::json base, const nlohmann::json& overrides);

// The flag of a config.json operator option: "gateway_user" -> "gateway-user".
std::string flag_of(const std::string& option);
// The environment variable of a flag: "gateway-user" -> "SCALEIO_OPERATOR_GATEWAY_USER".
std::string env_of_flag(const std::string& flag);

// What a Marathon app's "cmd" starts: the shell runs it with the app's string env and the
// variables Marathon sets (HOST, PORT0, MESOS_SANDBOX), with `program` found on PATH as a stand-in
// that reports its argv and SCALEIO_* environment.
struct Launch {
  std::vector<std::string> argv;  // argv[0] is the program as the shell named it
  std::map<std::string, std::string> env;
};
constexpr const char* kHost = "agent-1.example";
constexpr const char* kPort0 = "31005";
constexpr const char* kSandbox = "/mnt/mesos/sandbox";
Launch launch_marathon_cmd(const nlohmann::json& app, const std::string& program);

}  // namespace scaleio::testing
