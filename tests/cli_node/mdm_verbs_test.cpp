// The mdm verbs' scli sequences against a fake scli.
#include <catch2/catch.hpp>
#include <sstream>

#include "cli/scaleio_node/mdm_verbs.h"
#include "tests/cli_node/fakes.h"

using namespace scaleio::node;
using namespace scaleio::node::testing;
using scaleio::Result;
using Words = std::vector<std::string>;

namespace {

const std::string kPassword = "N3w-Adm1n-Pw";

std::string all_text(const FakeRunner& runner, const std::ostringstream& log) {
  std::string text = log.str();
  for (const auto& c : runner.calls) text += describe(c) + "\n";
  return text;
}

}  // namespace

TEST_CASE("create-cluster runs one scli command and returns its output") {
  FakeRunner runner;
  runner.respond = [](const Command&) -> Result<ProcessResult> {
    return exited(0, "Successfully created the MDM Cluster with ID 5d9d\n");
  };
  MdmRequest r;
  r.verb = MdmRequest::Verb::kCreateCluster;
  r.master_ip = "10.0.0.11";
  r.master_name = "mdm1";
  std::ostringstream log;
  auto out = run_mdm(r, runner, std::nullopt, log);
  REQUIRE(out.ok());
  CHECK_THAT(*out, Catch::Contains("Successfully created"));
  REQUIRE(runner.calls.size() == 1);
  CHECK(runner.calls[0].argv == scli_create_cluster("10.0.0.11", "mdm1").argv);
}

TEST_CASE("add-standby logs in first when the admin password is known") {
  FakeRunner runner;
  MdmRequest r;
  r.verb = MdmRequest::Verb::kAddStandby;
  r.ip = "10.0.0.12";
  r.role = "manager";
  r.name = "mdm2";
  std::ostringstream log;
  REQUIRE(run_mdm(r, runner, kPassword, log).ok());
  REQUIRE(runner.calls.size() == 2);
  CHECK(runner.calls[0].argv ==
        Words{"scli", "--login", "--username", "admin", "--password", kPassword});
  CHECK(runner.calls[1].argv == scli_add_standby("10.0.0.12", "manager", "mdm2").argv);
  CHECK_THAT(log.str(), !Catch::Contains(kPassword));

  FakeRunner without;
  REQUIRE(run_mdm(r, without, std::nullopt, log).ok());
  CHECK(without.calls.size() == 1);
}

TEST_CASE("a refused scli command fails with scli's message") {
  FakeRunner runner;
  runner.respond = [](const Command&) -> Result<ProcessResult> {
    return exited(7, "",
                  "Error: MDM failed command.  Status: The MDM cluster is already in this mode\n");
  };
  MdmRequest r;
  r.verb = MdmRequest::Verb::kSwitchMode;
  r.switch_mode = {"3_node", {"10.0.0.12"}, {"10.0.0.13"}, {}, {}};
  std::ostringstream log;
  auto out = run_mdm(r, runner, std::nullopt, log);
  REQUIRE_FALSE(out.ok());
  CHECK(out.status().code() == scaleio::StatusCode::kFailedPrecondition);
  CHECK_THAT(out.status().message(), Catch::Contains("exit 7"));
  CHECK_THAT(out.status().message(),
             Catch::Contains("Error: MDM failed command.  Status: The MDM cluster is already"));
}

TEST_CASE("set-password logs in with the default, sets the new one, logs in with it") {
  FakeRunner runner;
  MdmRequest r;
  r.verb = MdmRequest::Verb::kSetPassword;
  std::ostringstream log;
  REQUIRE(run_mdm(r, runner, kPassword, log).ok());
  REQUIRE(runner.calls.size() == 3);
  CHECK(runner.calls[0].argv ==
        Words{"scli", "--login", "--username", "admin", "--password", "admin"});
  CHECK(runner.calls[1].argv ==
        Words{"scli", "--set_password", "--old_password", "admin", "--new_password", kPassword});
  CHECK(runner.calls[2].argv ==
        Words{"scli", "--login", "--username", "admin", "--password", kPassword});
  CHECK_THAT(all_text(runner, log), !Catch::Contains(kPassword));
}

TEST_CASE("set-password run again finds the password set and succeeds") {
  FakeRunner runner;
  runner.respond = [](const Command& c) -> Result<ProcessResult> {
    if (c.argv[1] == "--login" && c.argv.back() == "admin") {
      return exited(1, "", "Error: MDM failed command.  Status: Invalid password\n");
    }
    return exited(0, "Logged in.\n");
  };
  MdmRequest r;
  r.verb = MdmRequest::Verb::kSetPassword;
  std::ostringstream log;
  auto out = run_mdm(r, runner, kPassword, log);
  REQUIRE(out.ok());
  CHECK_THAT(*out, Catch::Contains("set already"));
  CHECK(runner.calls.size() == 2);  // default login, new login; no set_password
}

TEST_CASE("set-password failures never carry the password, even when scli echoes it") {
  FakeRunner runner;
  runner.respond = [](const Command& c) -> Result<ProcessResult> {
    if (c.argv[1] == "--set_password") {
      std::string echoed;
      for (const auto& w : c.argv) echoed += w + " ";
      return exited(2, "", "Error: bad arguments: " + echoed + "\n");
    }
    return exited(0);
  };
  MdmRequest r;
  r.verb = MdmRequest::Verb::kSetPassword;
  std::ostringstream log;
  auto out = run_mdm(r, runner, kPassword, log);
  REQUIRE_FALSE(out.ok());
  CHECK_THAT(out.status().message(), Catch::Contains("Error: bad arguments"));
  CHECK_THAT(out.status().message(), !Catch::Contains(kPassword));
  CHECK_THAT(log.str(), !Catch::Contains(kPassword));
}

TEST_CASE("set-password without a password is a usage error that runs nothing") {
  FakeRunner runner;
  MdmRequest r;
  r.verb = MdmRequest::Verb::kSetPassword;
  std::ostringstream log;
  auto out = run_mdm(r, runner, std::nullopt, log);
  CHECK(out.status().code() == scaleio::StatusCode::kInvalidArgument);
  CHECK_THAT(out.status().message(), Catch::Contains("SCALEIO_ADMIN_PASSWORD_FILE"));
  CHECK(runner.calls.empty());
}
