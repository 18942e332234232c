#include "cli/operator/settings.h"

#include <catch2/catch.hpp>
#include <fstream>
#include <map>

#include "tests/support/temp_dir.h"

namespace {

using scaleio::StatusCode;
using scaleio::operator_daemon::EnvLookup;
using scaleio::operator_daemon::parse_duration;
using scaleio::operator_daemon::parse_settings;

EnvLookup env_of(std::map<std::string, std::string> vars) {
  return [vars](const std::string& name) -> std::optional<std::string> {
    auto it = vars.find(name);
    return it == vars.end() ? std::nullopt : std::optional<std::string>(it->second);
  };
}

std::vector<std::string> argv_with(std::vector<std::string> extra) {
  std::vector<std::string> argv = {
      "scaleio-operator",       "--master",   "127.0.0.1:5050", "--gateway",
      "https://127.0.0.1:8443", "--data-dir", "/tmp/x"};
  argv.insert(argv.end(), extra.begin(), extra.end());
  return argv;
}

}  // namespace

TEST_CASE("defaults apply when only the required settings are given") {
  auto parsed = parse_settings(argv_with({}), env_of({}));
  REQUIRE(parsed.ok());
  const auto& s = parsed->settings;
  CHECK(s.masters == std::vector<std::string>{"127.0.0.1:5050"});
  CHECK(s.framework_name == "scaleio");
  CHECK(s.role == "scaleio");
  CHECK(s.gateway_user == "admin");
  CHECK(s.listen == "127.0.0.1:9110");
  CHECK(s.advertise_url == "http://127.0.0.1:9110");
  CHECK(s.observe_interval == std::chrono::seconds(10));
  CHECK(s.failover_timeout == std::chrono::hours(24 * 7));
  CHECK_FALSE(s.allow_removals);
  CHECK_FALSE(s.gateway_insecure);
}

TEST_CASE("a missing required setting names the flag, its variable and its config key") {
  auto parsed =
      parse_settings({"scaleio-operator", "--master", "m:5050", "--data-dir", "/d"}, env_of({}));
  REQUIRE_FALSE(parsed.ok());
  CHECK(parsed.status().code() == StatusCode::kInvalidArgument);
  CHECK_THAT(parsed.status().message(), Catch::Contains("--gateway is required") &&
                                            Catch::Contains("SCALEIO_OPERATOR_GATEWAY"));
}

TEST_CASE("flags win over the environment, which wins over the config file") {
  scaleio::testing::TempDir dir;
  const std::string config = dir.path() + "/operator.json";
  std::ofstream(config) << R"({"cluster-name": "from-file", "role": "file-role",
                              "framework-name": "file-fw", "mdm-ips": ["10.0.0.1", "10.0.0.2"],
                              "allow-removals": true, "mdm-cpus": 2})";
  auto parsed = parse_settings(argv_with({"--config", config, "--cluster-name", "from-flag"}),
                               env_of({{"SCALEIO_OPERATOR_CLUSTER_NAME", "from-env"},
                                       {"SCALEIO_OPERATOR_ROLE", "env-role"}}));
  REQUIRE(parsed.ok());
  CHECK(parsed->settings.cluster_name == "from-flag");
  CHECK(parsed->settings.role == "env-role");
  CHECK(parsed->settings.framework_name == "file-fw");
  CHECK(parsed->settings.mdm_ips == std::vector<std::string>{"10.0.0.1", "10.0.0.2"});
  CHECK(parsed->settings.allow_removals);
  CHECK(parsed->settings.mdm_cpus == 2.0);
}

TEST_CASE("bad values are refused with the setting and where it came from") {
  SECTION("a bad duration in a flag") {
    auto parsed = parse_settings(argv_with({"--observe-interval", "soon"}), env_of({}));
    REQUIRE_FALSE(parsed.ok());
    CHECK_THAT(parsed.status().message(),
               Catch::Contains("--observe-interval") && Catch::Contains("not a duration"));
  }
  SECTION("a bad IP in the environment") {
    auto parsed =
        parse_settings(argv_with({}), env_of({{"SCALEIO_OPERATOR_MDM_IPS", "10.0.0.1,banana"}}));
    REQUIRE_FALSE(parsed.ok());
    CHECK_THAT(parsed.status().message(),
               Catch::Contains("from env SCALEIO_OPERATOR_MDM_IPS") && Catch::Contains("banana"));
  }
  SECTION("an unknown key in the config file") {
    scaleio::testing::TempDir dir;
    const std::string config = dir.path() + "/c.json";
    std::ofstream(config) << R"({"gateway-pasword-file": "/x"})";
    auto parsed = parse_settings(argv_with({"--config", config}), env_of({}));
    REQUIRE_FALSE(parsed.ok());
    CHECK_THAT(parsed.status().message(), Catch::Contains("gateway-pasword-file"));
  }
  SECTION("a config file that is not JSON") {
    scaleio::testing::TempDir dir;
    const std::string config = dir.path() + "/c.json";
    std::ofstream(config) << "master=1";
    auto parsed = parse_settings(argv_with({"--config", config}), env_of({}));
    REQUIRE_FALSE(parsed.ok());
    CHECK_THAT(parsed.status().message(), Catch::Contains("not a JSON object"));
  }
  SECTION("an unknown flag") {
    auto parsed = parse_settings(argv_with({"--gateway-password", "hunter2"}), env_of({}));
    REQUIRE_FALSE(parsed.ok());
    CHECK_THAT(parsed.status().message(), Catch::Contains("--help"));
  }
  SECTION("a gateway URL with credentials in it") {
    auto parsed = parse_settings(argv_with({"--gateway", "https://admin:pw@10.0.0.1"}), env_of({}));
    REQUIRE_FALSE(parsed.ok());
    CHECK_THAT(parsed.status().message(), Catch::Contains("through a file"));
    CHECK_THAT(parsed.status().message(), !Catch::Contains("pw@"));
  }
  SECTION("a bad log level") {
    auto parsed = parse_settings(argv_with({"--log-level", "loud"}), env_of({}));
    REQUIRE_FALSE(parsed.ok());
    CHECK_THAT(parsed.status().message(), Catch::Contains("debug, info, warn, error"));
  }
  SECTION("insecure together with a CA file") {
    auto parsed = parse_settings(argv_with({"--gateway-insecure", "--gateway-ca-file", "/ca.pem"}),
                                 env_of({}));
    REQUIRE_FALSE(parsed.ok());
  }
}

TEST_CASE("--help and --version ask to print and exit") {
  auto help = parse_settings({"scaleio-operator", "--help"}, env_of({}));
  REQUIRE(help.ok());
  REQUIRE(help->print_and_exit);
  CHECK_THAT(*help->print_and_exit,
             Catch::Contains("--gateway-password-file") && Catch::Contains("SCALEIO_OPERATOR_"));
  auto version = parse_settings({"scaleio-operator", "--version"}, env_of({}));
  REQUIRE(version.ok());
  CHECK_THAT(*version->print_and_exit, Catch::StartsWith("scaleio-operator "));
}

TEST_CASE("durations take units") {
  CHECK(*parse_duration("500ms") == std::chrono::milliseconds(500));
  CHECK(*parse_duration("10s") == std::chrono::seconds(10));
  CHECK(*parse_duration("5m") == std::chrono::minutes(5));
  CHECK(*parse_duration("2h") == std::chrono::hours(2));
  CHECK(*parse_duration("7d") == std::chrono::hours(168));
  CHECK(*parse_duration("30") == std::chrono::seconds(30));
  CHECK(*parse_duration("0") == std::chrono::milliseconds(0));
  CHECK_FALSE(parse_duration("").ok());
  CHECK_FALSE(parse_duration("5 minutes").ok());
  CHECK_FALSE(parse_duration("-5s").ok());
}
