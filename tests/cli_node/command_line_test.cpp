#include <catch2/catch.hpp>

#include "cli/scaleio_node/command_line.h"

using namespace scaleio::node;
using Kind = CommandLine::Kind;

namespace {

CommandLine parse(std::vector<std::string> args) {
  return parse_command_line(args);
}

}  // namespace

TEST_CASE("install flags are parsed into options") {
  auto c = parse({"install", "--roles", "mdm,sds,sdc", "--mdm-ips", "10.0.0.11,10.0.0.12",
                  "--version", "2.0-12000.122", "--package-source", "/srv/pkgs", "--package-format",
                  "rpm", "--check-interval", "500ms", "--once", "--max-failed-checks", "5",
                  "--check-command", "svc-ok --unit={unit}"});
  REQUIRE(c.kind == Kind::kInstall);
  const auto& o = c.install;
  CHECK(o.roles == std::set<Role>{Role::kMdm, Role::kSds, Role::kSdc});
  CHECK(o.mdm_ips == std::vector<std::string>{"10.0.0.11", "10.0.0.12"});
  CHECK(o.version == "2.0-12000.122");
  CHECK(o.package_source == "/srv/pkgs");
  CHECK(o.format == PackageFormat::kRpm);
  CHECK(o.check_interval == std::chrono::milliseconds(500));
  CHECK(o.once);
  CHECK(o.max_failed_checks == 5);
  CHECK(o.check_command == std::vector<std::string>{"svc-ok", "--unit={unit}"});
}

TEST_CASE("install defaults: auto format, 10 s checks, systemctl is-active, long-running") {
  auto c = parse({"install", "--roles", "sds", "--version", "3.0", "--package-source", "/p"});
  REQUIRE(c.kind == Kind::kInstall);
  CHECK(c.install.format == PackageFormat::kAuto);
  CHECK(c.install.check_interval == std::chrono::seconds(10));
  CHECK_FALSE(c.install.once);
  CHECK(c.install.check_command == std::vector<std::string>{"systemctl", "is-active", "{unit}"});
}

TEST_CASE("usage errors exit 2 and name the verb, flag or value at fault") {
  struct Case {
    std::vector<std::string> args;
    std::string named;
  };
  std::vector<Case> cases = {
      {{"frobnicate"}, "unknown verb 'frobnicate'"},
      {{"mdm", "explode"}, "unknown verb 'explode'"},
      {{"install", "--roles", "sds", "--version", "1", "--package-source", "/p", "--bogus", "x"},
       "--bogus"},
      {{"install", "--roles", "sds,gateway", "--version", "1", "--package-source", "/p"},
       "unknown role 'gateway'"},
      {{"install", "--roles", "mdm,tb", "--version", "1", "--package-source", "/p"},
       "exclude each other"},
      {{"install", "--roles", "sdc", "--version", "1", "--package-source", "/p"}, "--mdm-ips"},
      {{"install", "--roles", "sds", "--package-source", "/p"}, "--version is required"},
      {{"install", "--roles", "sds", "--version", "1", "--package-source", "/p", "--check-interval",
        "soon"},
       "--check-interval"},
      {{"install", "--roles", "sds", "--version", "1", "--package-source", "/p", "--package-format",
        "apk"},
       "unknown package format 'apk'"},
      {{"mdm", "create-cluster", "--master-ip", "10.0.0.1"}, "--master-name is required"},
      {{"mdm", "add-standby", "--ip", "10.0.0.2", "--role", "boss", "--name", "m2"}, "boss"},
      {{"mdm", "switch-mode", "--mode", "4_node"}, "4_node"},
      {{}, "a verb is required"},
  };
  for (const auto& c : cases) {
    INFO(c.named);
    auto parsed = parse(c.args);
    CHECK(parsed.kind == Kind::kExit);
    CHECK(parsed.exit_code == kExitUsage);
    CHECK_THAT(parsed.text, Catch::Contains(c.named));
  }
}

TEST_CASE("set-password refuses arguments without echoing them (they may be the password)") {
  auto c = parse({"mdm", "set-password", "--password", "hunter2"});
  CHECK(c.exit_code == kExitUsage);
  CHECK_THAT(c.text, Catch::Contains("SCALEIO_ADMIN_PASSWORD_FILE"));
  CHECK_THAT(c.text, !Catch::Contains("hunter2"));
}

TEST_CASE("--help on each verb prints its flags and exits 0") {
  for (auto args : std::vector<std::vector<std::string>>{{"--help"},
                                                         {"install", "--help"},
                                                         {"mdm", "--help"},
                                                         {"mdm", "create-cluster", "--help"},
                                                         {"mdm", "add-standby", "--help"},
                                                         {"mdm", "switch-mode", "--help"},
                                                         {"mdm", "set-password", "--help"}}) {
    auto c = parse(args);
    INFO(args.back());
    CHECK(c.kind == Kind::kExit);
    CHECK(c.exit_code == kExitOk);
    CHECK_THAT(c.text, Catch::Contains("Usage"));
  }
  CHECK_THAT(parse({"install", "--help"}).text, Catch::Contains("--package-source"));
  CHECK_THAT(parse({"mdm", "switch-mode", "--help"}).text, Catch::Contains("--add-tbs"));
}

TEST_CASE("mdm verbs are parsed into requests") {
  auto create = parse({"mdm", "create-cluster", "--master-ip", "10.0.0.11", "--master-name", "m1"});
  REQUIRE(create.kind == Kind::kMdm);
  CHECK(create.mdm.verb == MdmRequest::Verb::kCreateCluster);
  CHECK(create.mdm.master_ip == "10.0.0.11");
  CHECK(create.mdm.master_name == "m1");

  auto standby = parse({"mdm", "add-standby", "--ip", "10.0.0.13", "--role", "tb", "--name", "t1"});
  REQUIRE(standby.kind == Kind::kMdm);
  CHECK(standby.mdm.verb == MdmRequest::Verb::kAddStandby);
  CHECK(standby.mdm.role == "tb");

  auto sw = parse({"mdm", "switch-mode", "--mode", "5_node", "--add-slaves", "10.0.0.12,10.0.0.14",
                   "--add-tbs", "10.0.0.13", "--remove-tbs", "10.0.0.15"});
  REQUIRE(sw.kind == Kind::kMdm);
  CHECK(sw.mdm.verb == MdmRequest::Verb::kSwitchMode);
  CHECK(sw.mdm.switch_mode.mode == "5_node");
  CHECK(sw.mdm.switch_mode.add_slave_ips == std::vector<std::string>{"10.0.0.12", "10.0.0.14"});
  CHECK(sw.mdm.switch_mode.add_tb_ips == std::vector<std::string>{"10.0.0.13"});
  CHECK(sw.mdm.switch_mode.remove_tb_ips == std::vector<std::string>{"10.0.0.15"});
  CHECK(sw.mdm.switch_mode.remove_slave_ips.empty());

  CHECK(parse({"mdm", "set-password"}).mdm.verb == MdmRequest::Verb::kSetPassword);
}

TEST_CASE("durations take ms, s, m, h or plain seconds") {
  CHECK(*parse_duration("10s") == std::chrono::seconds(10));
  CHECK(*parse_duration("250ms") == std::chrono::milliseconds(250));
  CHECK(*parse_duration("2m") == std::chrono::minutes(2));
  CHECK(*parse_duration("1h") == std::chrono::hours(1));
  CHECK(*parse_duration("7") == std::chrono::seconds(7));
  CHECK(*parse_duration("1.5s") == std::chrono::milliseconds(1500));
  for (const char* bad : {"", "s", "0s", "-1s", "10x", "ten"}) {
    INFO(bad);
    CHECK_FALSE(parse_duration(bad).ok());
  }
}
