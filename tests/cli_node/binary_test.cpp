// The real scaleio-node binary against fake dpkg, rpm, scli, systemctl and curl (fake_host.h).
#include <signal.h>

#include <catch2/catch.hpp>
#include <thread>

#include "tests/cli_node/fake_host.h"
#include "tests/support/child_process.h"

using namespace scaleio::node;
using namespace scaleio::node::testing;
using namespace std::chrono_literals;
using Catch::Contains;

namespace {

const std::string kVersion = "2.0-12000.122";
const std::string kMdmDeb = "EMC-ScaleIO-mdm-2.0-12000.122.Ubuntu.16.04.x86_64.deb";
const std::string kSdsDeb = "EMC-ScaleIO-sds-2.0-12000.122.Ubuntu.16.04.x86_64.deb";
const std::string kSdcDeb = "EMC-ScaleIO-sdc-2.0-12000.122.Ubuntu.16.04.x86_64.deb";
const std::string kLiaDeb = "EMC-ScaleIO-lia-2.0-12000.122.Ubuntu.16.04.x86_64.deb";

// A host with every package file at kVersion, nothing installed, every service active.
void stock(const FakeHost& host) {
  for (const auto& f : {kMdmDeb, kSdsDeb, kSdcDeb, kLiaDeb,
                        std::string("EMC-ScaleIO-mdm-2.0-12000.122.el7.x86_64.rpm"),
                        std::string("EMC-ScaleIO-sdc-2.0-12000.122.el7.x86_64.rpm")}) {
    host.add_package_file(f);
  }
  for (const char* unit : {"mdm", "sds", "scini", "lia"}) host.set_unit(unit, "active");
}

std::vector<std::string> install_args(const FakeHost& host, const std::string& roles,
                                      const std::string& format = "deb") {
  return {"install",
          roles,
          "--mdm-ips",
          "10.0.0.11,10.0.0.12",
          "--version",
          kVersion,
          "--package-source",
          host.packages_dir(),
          "--package-format",
          format,
          "--once"};
}

std::vector<std::string> with_roles(std::vector<std::string> args) {
  args.insert(args.begin() + 1, "--roles");
  return args;
}

bool await(const std::function<bool()>& condition, std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    if (condition()) return true;
    std::this_thread::sleep_for(20ms);
  }
  return condition();
}

}  // namespace

TEST_CASE("install mdm+sdc runs dpkg with the manager flag and the MDM IPs") {
  FakeHost host;
  stock(host);
  auto r = host.run(with_roles(install_args(host, "mdm,sdc")));
  INFO(r.err);
  CHECK(r.exit_code == 0);
  auto dpkg = host.calls_to("dpkg");
  REQUIRE(dpkg.size() == 2);
  CHECK(dpkg[0] == "dpkg -i " + host.packages_dir() + "/" + kMdmDeb +
                       " | MDM_ROLE_IS_MANAGER=1 MDM_IP=unset TOKEN=unset");
  CHECK(dpkg[1] == "dpkg -i " + host.packages_dir() + "/" + kSdcDeb +
                       " | MDM_ROLE_IS_MANAGER=unset MDM_IP=10.0.0.11,10.0.0.12 TOKEN=unset");
  CHECK(host.calls_to("dpkg-query").size() == 2);
  auto checks = host.calls_to("systemctl");
  REQUIRE(checks.size() == 2);
  CHECK_THAT(checks[0], Contains("systemctl is-active mdm |"));
  CHECK_THAT(checks[1], Contains("systemctl is-active scini |"));
}

TEST_CASE("install tb runs the MDM package as a non-manager") {
  FakeHost host;
  stock(host);
  auto r = host.run(with_roles(install_args(host, "tb")));
  CHECK(r.exit_code == 0);
  auto dpkg = host.calls_to("dpkg");
  REQUIRE(dpkg.size() == 1);
  CHECK_THAT(dpkg[0], Contains(kMdmDeb + " | MDM_ROLE_IS_MANAGER=0"));
}

TEST_CASE("install with the rpm format queries and installs with rpm") {
  FakeHost host;
  stock(host);
  auto r = host.run(with_roles(install_args(host, "mdm,sdc", "rpm")));
  INFO(r.err);
  CHECK(r.exit_code == 0);
  auto rpm = host.calls_to("rpm");
  REQUIRE(rpm.size() == 4);
  CHECK_THAT(rpm[0], Contains("rpm -q --queryformat %{VERSION}-%{RELEASE} EMC-ScaleIO-mdm |"));
  CHECK_THAT(rpm[1], Contains("rpm -i " + host.packages_dir() +
                              "/EMC-ScaleIO-mdm-2.0-12000.122.el7.x86_64.rpm | "
                              "MDM_ROLE_IS_MANAGER=1"));
  CHECK_THAT(rpm[3], Contains("EMC-ScaleIO-sdc-2.0-12000.122.el7.x86_64.rpm | "
                              "MDM_ROLE_IS_MANAGER=unset MDM_IP=10.0.0.11,10.0.0.12"));
  CHECK(host.calls_to("dpkg").empty());
}

TEST_CASE("a package installed at the version is not installed again") {
  FakeHost host;
  stock(host);
  host.set_installed("emc-scaleio-mdm", kVersion);
  auto r = host.run(with_roles(install_args(host, "mdm,sds")));
  CHECK(r.exit_code == 0);
  auto dpkg = host.calls_to("dpkg");
  REQUIRE(dpkg.size() == 1);
  CHECK_THAT(dpkg[0], Contains(kSdsDeb));
  CHECK_THAT(r.err, Contains("emc-scaleio-mdm 2.0-12000.122 is installed already"));
}

TEST_CASE("a failing dpkg fails the task, naming the package, exit code and error") {
  FakeHost host;
  stock(host);
  host.fail_installs_of("-sds-");
  auto r = host.run(with_roles(install_args(host, "sds,sdc")));
  CHECK(r.exit_code == 1);
  CHECK_THAT(r.err, Contains("install failed: installing package emc-scaleio-sds failed: dpkg "
                             "exited 3"));
  CHECK_THAT(r.err, Contains("post-installation script returned error exit status 3"));
  CHECK(host.calls_to("dpkg").size() == 1);
  CHECK(host.calls_to("systemctl").empty());
}

TEST_CASE("a missing package file fails the task, naming what was looked for") {
  FakeHost host;
  stock(host);
  auto args = with_roles(install_args(host, "sds"));
  args[6] = "9.9-1";  // --version
  auto r = host.run(args);
  CHECK(r.exit_code == 1);
  CHECK_THAT(r.err, Contains("no EMC-ScaleIO-sds-9.9-1*.deb in the package source"));
}

TEST_CASE("an unhealthy service fails the task, naming the role and the service") {
  FakeHost host;
  stock(host);
  host.set_unit("sds", "failed");
  auto r = host.run(with_roles(install_args(host, "mdm,sds")));
  CHECK(r.exit_code == 1);
  CHECK_THAT(r.err, Contains("unhealthy: role sds: service sds is not healthy"));
  CHECK_THAT(r.err, Contains("journalctl -u sds"));
}

TEST_CASE("packages from an http source are listed and downloaded with curl") {
  FakeHost host;
  stock(host);
  auto args = with_roles(install_args(host, "sds"));
  args[8] = "http://127.0.0.1:1/scaleio/2.0";  // --package-source; the fake curl serves www/
  args.push_back("--download-dir");
  args.push_back(host.dir() + "/downloads");
  auto r = host.run(args);
  INFO(r.err);
  CHECK(r.exit_code == 0);
  auto curl = host.calls_to("curl");
  REQUIRE(curl.size() == 2);
  CHECK_THAT(curl[0], Contains("curl -fsSL --max-time 60 http://127.0.0.1:1/scaleio/2.0/ |"));
  CHECK_THAT(curl[1], Contains("-o " + host.dir() + "/downloads/" + kSdsDeb +
                               " http://127.0.0.1:1/scaleio/2.0/" + kSdsDeb));
  auto dpkg = host.calls_to("dpkg");
  REQUIRE(dpkg.size() == 1);
  CHECK_THAT(dpkg[0], Contains("dpkg -i " + host.dir() + "/downloads/" + kSdsDeb));
}

TEST_CASE("the LIA token reaches dpkg's environment and never our output") {
  FakeHost host;
  stock(host);
  const std::string token = "lia-T0ken-5e6f";
  host.write_file("lia-token", token + "\n");
  auto args = with_roles(install_args(host, "lia"));
  args.push_back("--lia-token-file");
  args.push_back(host.dir() + "/lia-token");
  auto r = host.run(args);
  CHECK(r.exit_code == 0);
  auto dpkg = host.calls_to("dpkg");
  REQUIRE(dpkg.size() == 1);
  CHECK_THAT(dpkg[0], Contains("TOKEN=" + token));
  CHECK_THAT(r.out + r.err, !Contains(token));
}

TEST_CASE("long-running install stays up while healthy and exits 0 on SIGTERM") {
  FakeHost host;
  stock(host);
  auto args = with_roles(install_args(host, "sds"));
  args.pop_back();  // not --once
  args.push_back("--check-interval");
  args.push_back("50ms");
  scaleio::testing::ChildProcess node(host.child_argv(args));
  REQUIRE(await([&] { return host.calls_to("systemctl").size() >= 3; }, 20s));
  CHECK(node.wait(0ms) == -1);  // still running after several healthy checks
  node.kill(SIGTERM);
  CHECK(node.wait(10s) == 0);
}

TEST_CASE("long-running install exits non-zero when a service goes down") {
  FakeHost host;
  stock(host);
  auto args = with_roles(install_args(host, "sds,sdc"));
  args.pop_back();
  for (const char* a : {"--check-interval", "50ms", "--max-failed-checks", "2"}) args.push_back(a);
  scaleio::testing::ChildProcess node(host.child_argv(args));
  REQUIRE(await([&] { return host.calls_to("systemctl").size() >= 4; }, 20s));
  CHECK(node.wait(0ms) == -1);
  host.set_unit("scini", "inactive");
  CHECK(node.wait(20s) == 1);
}

TEST_CASE("each mdm verb runs the matching scli command line") {
  struct Case {
    std::vector<std::string> args;
    std::string scli;
  };
  std::vector<Case> cases = {
      {{"mdm", "create-cluster", "--master-ip", "10.0.0.11", "--master-name", "mdm1"},
       "scli --create_mdm_cluster --master_mdm_ip 10.0.0.11 --master_mdm_management_ip "
       "10.0.0.11 --master_mdm_name mdm1 --accept_license --approve_certificate"},
      {{"mdm", "add-standby", "--ip", "10.0.0.12", "--role", "manager", "--name", "mdm2"},
       "scli --add_standby_mdm --new_mdm_ip 10.0.0.12 --mdm_role manager --new_mdm_management_ip "
       "10.0.0.12 --new_mdm_name mdm2"},
      {{"mdm", "add-standby", "--ip", "10.0.0.13", "--role", "tb", "--name", "tb1"},
       "scli --add_standby_mdm --new_mdm_ip 10.0.0.13 --mdm_role tb --new_mdm_name tb1"},
      {{"mdm", "switch-mode", "--mode", "3_node", "--add-slaves", "10.0.0.12", "--add-tbs",
        "10.0.0.13"},
       "scli --switch_cluster_mode --cluster_mode 3_node --add_slave_mdm_ip 10.0.0.12 "
       "--add_tb_ip 10.0.0.13"},
  };
  for (const auto& c : cases) {
    FakeHost host;
    auto r = host.run(c.args);
    INFO(c.scli);
    CHECK(r.exit_code == 0);
    CHECK_THAT(r.out, Contains("scli ok"));
    auto scli = host.calls_to("scli");
    REQUIRE(scli.size() == 1);
    CHECK(scli[0].substr(0, scli[0].find(" |")) == c.scli);
  }
}

TEST_CASE("a refused mdm verb exits non-zero with scli's message") {
  FakeHost host;
  host.fail_scli("Cluster already exists");
  auto r = host.run({"mdm", "create-cluster", "--master-ip", "10.0.0.11", "--master-name", "m1"});
  CHECK(r.exit_code == 1);
  CHECK_THAT(r.err, Contains("Error: MDM failed command.  Status: Cluster already exists"));
}

TEST_CASE("set-password passes the password to scli only, never to stdout or stderr") {
  const std::string password = "Sup3r-S3cret-Pw";
  FakeHost host;
  host.write_file("admin-password", password + "\n");
  auto r = host.run({"mdm", "set-password"},
                    {{"SCALEIO_ADMIN_PASSWORD_FILE", host.dir() + "/admin-password"}});
  CHECK(r.exit_code == 0);
  auto scli = host.calls_to("scli");
  REQUIRE(scli.size() == 3);
  CHECK_THAT(scli[0], Contains("scli --login --username admin --password admin |"));
  CHECK_THAT(scli[1], Contains("scli --set_password --old_password admin --new_password " +
                               password + " |"));
  CHECK_THAT(r.out + r.err, !Contains(password));

  // Failing, with scli echoing its arguments: still not in our output.
  FakeHost failing;
  failing.fail_scli("Invalid password");
  auto f = failing.run({"mdm", "set-password"}, {{"SCALEIO_ADMIN_PASSWORD", password}});
  CHECK(f.exit_code == 1);
  CHECK_THAT(f.err, Contains("Invalid password"));
  CHECK_THAT(f.out + f.err, !Contains(password));
}

TEST_CASE("the binary exits 2 naming an unknown verb or flag, and 0 for --help") {
  FakeHost host;
  auto verb = host.run({"explode"});
  CHECK(verb.exit_code == 2);
  CHECK_THAT(verb.err, Contains("unknown verb 'explode'"));
  auto flag = host.run({"mdm", "add-standby", "--ip", "1.2.3.4", "--colour", "red"});
  CHECK(flag.exit_code == 2);
  CHECK_THAT(flag.err, Contains("--colour"));
  auto help = host.run({"mdm", "switch-mode", "--help"});
  CHECK(help.exit_code == 0);
  CHECK_THAT(help.out, Contains("--remove-slaves"));
  CHECK(host.calls().empty());
}
