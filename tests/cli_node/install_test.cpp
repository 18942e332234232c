// The install verb's logic against fake processes: which packages, in which environment, what is
// skipped, and when the task gives up.
#include <catch2/catch.hpp>
#include <sstream>

#include "cli/scaleio_node/install_verb.h"
#include "cli/scaleio_node/installer.h"
#include "tests/cli_node/fakes.h"

using namespace scaleio::node;
using namespace scaleio::node::testing;
using scaleio::Result;

namespace {

InstallOptions options_for(std::set<Role> roles) {
  InstallOptions o;
  o.roles = std::move(roles);
  o.mdm_ips = {"10.0.0.11", "10.0.0.12"};
  o.version = "2.0-12000.122";
  o.package_source = "/pkgs";
  o.once = true;
  return o;
}

// Nothing installed; every install and check succeeds.
FakeRunner fresh_host() {
  FakeRunner runner;
  runner.respond = [](const Command& c) -> Result<ProcessResult> {
    if (c.argv[0] == "dpkg-query" || (c.argv[0] == "rpm" && c.argv[1] == "-q")) {
      return exited(1, "", "no packages found");
    }
    return exited(0);
  };
  return runner;
}

}  // namespace

TEST_CASE("mdm+sdc installs the MDM as a manager and the SDC with every MDM IP") {
  FakeRunner runner = fresh_host();
  FakeSource source;
  FakeStop stop;
  std::ostringstream log;
  int code = run_install(options_for({Role::kMdm, Role::kSdc}), PackageFormat::kDeb, std::nullopt,
                         runner, source, stop, log);
  CHECK(code == 0);
  auto installs = runner.calls_to("dpkg");
  REQUIRE(installs.size() == 2);
  CHECK(installs[0].argv ==
        std::vector<std::string>{"dpkg", "-i", "/pkgs/EMC-ScaleIO-mdm-2.0-12000.122.deb"});
  CHECK(env_of(installs[0], "MDM_ROLE_IS_MANAGER") == "1");
  CHECK(installs[1].argv[2] == "/pkgs/EMC-ScaleIO-sdc-2.0-12000.122.deb");
  CHECK(env_of(installs[1], "MDM_IP") == "10.0.0.11,10.0.0.12");
  CHECK(env_of(installs[1], "MDM_ROLE_IS_MANAGER") == "<unset>");
  // Checked once: mdm and scini.
  auto checks = runner.calls_to("systemctl");
  REQUIRE(checks.size() == 2);
  CHECK(checks[0].argv == std::vector<std::string>{"systemctl", "is-active", "mdm"});
  CHECK(checks[1].argv == std::vector<std::string>{"systemctl", "is-active", "scini"});
}

TEST_CASE("a tie-breaker installs the MDM package as a non-manager") {
  auto plans = plan_packages(options_for({Role::kTb}), std::nullopt);
  REQUIRE(plans.size() == 1);
  CHECK(plans[0].component == Component::kMdm);
  CHECK(plans[0].env == decltype(plans[0].env){{"MDM_ROLE_IS_MANAGER", "0"}});
}

TEST_CASE("the LIA gets its TOKEN in the environment and the token is never logged") {
  FakeRunner runner = fresh_host();
  FakeSource source;
  FakeStop stop;
  std::ostringstream log;
  CHECK(run_install(options_for({Role::kLia}), PackageFormat::kRpm, std::string("tok-9f8e7d"),
                    runner, source, stop, log) == 0);
  auto installs = runner.calls_to("rpm");
  REQUIRE(installs.size() == 2);  // query, install
  CHECK(installs[1].argv ==
        std::vector<std::string>{"rpm", "-i", "/pkgs/EMC-ScaleIO-lia-2.0-12000.122.rpm"});
  CHECK(env_of(installs[1], "TOKEN") == "tok-9f8e7d");
  CHECK_THAT(log.str(), Catch::Contains("TOKEN=***"));
  CHECK_THAT(log.str(), !Catch::Contains("tok-9f8e7d"));
}

TEST_CASE("a package installed at the version is skipped, another version is upgraded") {
  FakeRunner runner;
  runner.respond = [](const Command& c) -> Result<ProcessResult> {
    if (c.argv[0] == "rpm" && c.argv[1] == "-q") {
      if (c.argv.back() == "EMC-ScaleIO-mdm") return exited(0, "2.0-12000.122.el7");
      if (c.argv.back() == "EMC-ScaleIO-sds") return exited(0, "2.0-11000.3.el7");
      return exited(1);
    }
    return exited(0);
  };
  FakeSource source;
  FakeStop stop;
  std::ostringstream log;
  CHECK(run_install(options_for({Role::kMdm, Role::kSds}), PackageFormat::kRpm, std::nullopt,
                    runner, source, stop, log) == 0);
  std::vector<std::vector<std::string>> installs;
  for (const auto& c : runner.calls_to("rpm")) {
    if (c.argv[1] != "-q") installs.push_back(c.argv);
  }
  CHECK(installs == std::vector<std::vector<std::string>>{
                        {"rpm", "-U", "/pkgs/EMC-ScaleIO-sds-2.0-12000.122.rpm"}});
  CHECK_THAT(log.str(), Catch::Contains("EMC-ScaleIO-mdm 2.0-12000.122.el7 is installed already"));
}

TEST_CASE("a failed install names the package, the exit code and the stderr tail, and stops") {
  FakeRunner runner = fresh_host();
  auto base = runner.respond;
  runner.respond = [base](const Command& c) -> Result<ProcessResult> {
    if (c.argv[0] == "dpkg" && c.argv[2].find("-sds-") != std::string::npos) {
      return exited(1, "",
                    "Preparing...\ndpkg: error processing archive (--install):\n"
                    " sds: kernel module missing\n");
    }
    return base(c);
  };
  FakeSource source;
  FakeStop stop;
  std::ostringstream log;
  int code = run_install(options_for({Role::kSds, Role::kSdc}), PackageFormat::kDeb, std::nullopt,
                         runner, source, stop, log);
  CHECK(code == 1);
  CHECK_THAT(log.str(),
             Catch::Contains("installing package emc-scaleio-sds failed: dpkg exited 1"));
  CHECK_THAT(log.str(), Catch::Contains("kernel module missing"));
  CHECK(runner.calls_to("dpkg").size() == 1);  // the SDC was not attempted
  CHECK(runner.calls_to("systemctl").empty());
}

TEST_CASE("without the package manager on PATH the failure says to check the format") {
  FakeRunner runner;
  runner.respond = [](const Command& c) -> Result<ProcessResult> {
    return scaleio::not_found(c.argv[0] + ": not found on PATH");
  };
  FakeSource source;
  FakeStop stop;
  std::ostringstream log;
  CHECK(run_install(options_for({Role::kSds}), PackageFormat::kRpm, std::nullopt, runner, source,
                    stop, log) == 1);
  CHECK_THAT(log.str(), Catch::Contains("rpm: not found on PATH"));
  CHECK_THAT(log.str(), Catch::Contains("--package-format"));
}

TEST_CASE("long-running: stays up while healthy, exits 0 when asked to stop") {
  FakeRunner runner = fresh_host();
  FakeSource source;
  FakeStop stop(/*waits_before_stop=*/4);
  std::ostringstream log;
  auto options = options_for({Role::kSds});
  options.once = false;
  CHECK(run_install(options, PackageFormat::kDeb, std::nullopt, runner, source, stop, log) == 0);
  CHECK(runner.calls_to("systemctl").size() == 5);  // a check before each of the 5 waits
  CHECK_THAT(log.str(), Catch::Contains("stopping"));
}

TEST_CASE("long-running: a service unhealthy for max-failed-checks in a row fails the task") {
  FakeRunner runner = fresh_host();
  auto base = runner.respond;
  int sds_checks = 0;
  runner.respond = [&, base](const Command& c) -> Result<ProcessResult> {
    if (c.argv[0] == "systemctl" && c.argv.back() == "sds") {
      ++sds_checks;
      // Healthy, one blip, healthy, then down for good.
      if (sds_checks == 2 || sds_checks >= 4) return exited(3, "failed\n");
    }
    return base(c);
  };
  FakeSource source;
  FakeStop stop;
  std::ostringstream log;
  auto options = options_for({Role::kMdm, Role::kSds});
  options.once = false;
  options.max_failed_checks = 2;
  CHECK(run_install(options, PackageFormat::kDeb, std::nullopt, runner, source, stop, log) == 1);
  CHECK(sds_checks == 5);
  const std::string text = log.str();
  const std::string last = text.substr(text.rfind("scaleio-node:"));
  CHECK_THAT(last, Catch::Contains("unhealthy: role sds: service sds is not healthy"));
  CHECK_THAT(last, Catch::Contains("exited 3: failed"));
  CHECK_THAT(last, Catch::Contains("journalctl -u sds"));
  CHECK_THAT(last, !Catch::Contains("role mdm"));
}

TEST_CASE("a stop during the install ends it between packages with exit 0") {
  FakeRunner runner = fresh_host();
  FakeSource source;
  FakeStop stop;
  stop.stop_now = true;
  std::ostringstream log;
  CHECK(run_install(options_for({Role::kSds}), PackageFormat::kDeb, std::nullopt, runner, source,
                    stop, log) == 0);
  CHECK(runner.calls.empty());
}
