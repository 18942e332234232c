// The exact command lines scaleio-node hands to scli, dpkg and rpm, and how it picks package files.
#include <catch2/catch.hpp>

#include "cli/scaleio_node/package_source.h"
#include "cli/scaleio_node/packages.h"
#include "cli/scaleio_node/scli_commands.h"
#include "cli/scaleio_node/service_health.h"

using namespace scaleio::node;
using Words = std::vector<std::string>;

TEST_CASE("scli create-cluster uses the master IP as its management IP and accepts the license") {
  CHECK(scli_create_cluster("10.0.0.11", "mdm1").argv ==
        Words{"scli", "--create_mdm_cluster", "--master_mdm_ip", "10.0.0.11",
              "--master_mdm_management_ip", "10.0.0.11", "--master_mdm_name", "mdm1",
              "--accept_license", "--approve_certificate"});
}

TEST_CASE("scli add-standby gives managers a management IP and tie-breakers none") {
  CHECK(scli_add_standby("10.0.0.12", "manager", "mdm2").argv ==
        Words{"scli", "--add_standby_mdm", "--new_mdm_ip", "10.0.0.12", "--mdm_role", "manager",
              "--new_mdm_management_ip", "10.0.0.12", "--new_mdm_name", "mdm2"});
  CHECK(scli_add_standby("10.0.0.13", "tb", "tb1").argv ==
        Words{"scli", "--add_standby_mdm", "--new_mdm_ip", "10.0.0.13", "--mdm_role", "tb",
              "--new_mdm_name", "tb1"});
}

TEST_CASE("scli switch-mode passes comma lists and confirms removals") {
  SwitchModeRequest grow{"3_node", {"10.0.0.12"}, {"10.0.0.13"}, {}, {}};
  CHECK(scli_switch_mode(grow).argv == Words{"scli", "--switch_cluster_mode", "--cluster_mode",
                                             "3_node", "--add_slave_mdm_ip", "10.0.0.12",
                                             "--add_tb_ip", "10.0.0.13"});
  SwitchModeRequest shrink{"1_node", {}, {}, {"10.0.0.12", "10.0.0.14"}, {"10.0.0.13"}};
  CHECK(scli_switch_mode(shrink).argv ==
        Words{"scli", "--switch_cluster_mode", "--cluster_mode", "1_node", "--remove_slave_mdm_ip",
              "10.0.0.12,10.0.0.14", "--remove_tb_ip", "10.0.0.13", "--i_am_sure"});
}

TEST_CASE("scli login and set-password mark the passwords secret, except the public default") {
  Command login = scli_login("s3cret!");
  CHECK(login.argv == Words{"scli", "--login", "--username", "admin", "--password", "s3cret!"});
  CHECK(describe(login) == "scli --login --username admin --password ***");
  CHECK(scli_login(kScliDefaultPassword).secrets.empty());

  Command set = scli_set_password("admin", "s3cret!");
  CHECK(set.argv ==
        Words{"scli", "--set_password", "--old_password", "admin", "--new_password", "s3cret!"});
  CHECK(describe(set) == "scli --set_password --old_password admin --new_password ***");
}

TEST_CASE("dpkg and rpm queries and installs") {
  CHECK(installed_version_command(Component::kMdm, PackageFormat::kDeb).argv ==
        Words{"dpkg-query", "-W", "-f=${Version}", "emc-scaleio-mdm"});
  CHECK(installed_version_command(Component::kSdc, PackageFormat::kRpm).argv ==
        Words{"rpm", "-q", "--queryformat", "%{VERSION}-%{RELEASE}", "EMC-ScaleIO-sdc"});
  CHECK(install_package_command(PackageFormat::kDeb, "/p/a.deb", false).argv ==
        Words{"dpkg", "-i", "/p/a.deb"});
  CHECK(install_package_command(PackageFormat::kDeb, "/p/a.deb", true).argv ==
        Words{"dpkg", "-i", "/p/a.deb"});
  CHECK(install_package_command(PackageFormat::kRpm, "/p/a.rpm", false).argv ==
        Words{"rpm", "-i", "/p/a.rpm"});
  CHECK(install_package_command(PackageFormat::kRpm, "/p/a.rpm", true).argv ==
        Words{"rpm", "-U", "/p/a.rpm"});
}

TEST_CASE("package files are picked by role prefix, version and format") {
  Words files = {"EMC-ScaleIO-mdm-2.0-12000.122.Ubuntu.16.04.x86_64.deb",
                 "EMC-ScaleIO-mdm-2.0-12000.122.el7.x86_64.rpm",
                 "EMC-ScaleIO-mdm-2.0-1200.5.Ubuntu.16.04.x86_64.deb",
                 "EMC-ScaleIO-sds-2.0-12000.122.Ubuntu.16.04.x86_64.deb",
                 "emc-scaleio-sdc-2.0-12000.122.deb",
                 "README.txt"};
  CHECK(*pick_package_file(files, Component::kMdm, "2.0-12000.122", PackageFormat::kDeb) ==
        "EMC-ScaleIO-mdm-2.0-12000.122.Ubuntu.16.04.x86_64.deb");
  CHECK(*pick_package_file(files, Component::kMdm, "2.0-12000.122", PackageFormat::kRpm) ==
        "EMC-ScaleIO-mdm-2.0-12000.122.el7.x86_64.rpm");
  // 2.0-1200 must not pick 2.0-12000.
  CHECK(*pick_package_file(files, Component::kMdm, "2.0-1200", PackageFormat::kDeb) ==
        "EMC-ScaleIO-mdm-2.0-1200.5.Ubuntu.16.04.x86_64.deb");
  CHECK(*pick_package_file(files, Component::kSdc, "2.0-12000.122", PackageFormat::kDeb) ==
        "emc-scaleio-sdc-2.0-12000.122.deb");

  auto missing = pick_package_file(files, Component::kLia, "2.0-12000.122", PackageFormat::kDeb);
  CHECK(missing.status().code() == scaleio::StatusCode::kNotFound);
  CHECK_THAT(missing.status().message(), Catch::Contains("EMC-ScaleIO-lia-2.0-12000.122"));

  auto several = pick_package_file({"EMC-ScaleIO-sds-2.0.a.deb", "EMC-ScaleIO-sds-2.0.b.deb"},
                                   Component::kSds, "2.0", PackageFormat::kDeb);
  CHECK(several.status().code() == scaleio::StatusCode::kInvalidArgument);
}

TEST_CASE("installed versions match the wanted one exactly or with a release suffix") {
  CHECK(version_matches("2.0-12000.122", "2.0-12000.122"));
  CHECK(version_matches("2.0-12000.122.el7", "2.0-12000.122"));
  CHECK_FALSE(version_matches("2.0-120001", "2.0-12000"));
  CHECK_FALSE(version_matches("2.0-11000.1", "2.0-12000.122"));
  CHECK_FALSE(version_matches("", "2.0"));
}

TEST_CASE("the package format comes from /etc/os-release") {
  CHECK(*format_from_os_release("ID=debian\nVERSION_ID=\"12\"\n") == PackageFormat::kDeb);
  CHECK(*format_from_os_release("ID=linuxmint\nID_LIKE=\"ubuntu debian\"\n") ==
        PackageFormat::kDeb);
  CHECK(*format_from_os_release("ID=\"centos\"\nID_LIKE=\"rhel fedora\"\n") == PackageFormat::kRpm);
  CHECK(*format_from_os_release("ID=\"sles\"\n") == PackageFormat::kRpm);
  auto unknown = format_from_os_release("ID=alpine\n");
  CHECK_FALSE(unknown.ok());
  CHECK_THAT(unknown.status().message(), Catch::Contains("--package-format"));
}

TEST_CASE("a directory listing yields the package file names it links") {
  std::string html =
      "<html><a href=\"EMC-ScaleIO-mdm-2.0-1.deb\">EMC-ScaleIO-mdm-2.0-1.deb</a>\n"
      "<a href='./EMC-ScaleIO-sds-2.0-1.el7.x86_64.rpm'>x</a><a href=\"other.deb\">o</a></html>";
  CHECK(package_names_in_listing(html) ==
        Words{"EMC-ScaleIO-mdm-2.0-1.deb", "EMC-ScaleIO-sds-2.0-1.el7.x86_64.rpm"});
}

TEST_CASE("service checks: one systemd unit per role, the unit substituted into the command") {
  auto units = service_units({Role::kTb, Role::kSds, Role::kSdc, Role::kLia});
  REQUIRE(units.size() == 4);
  CHECK(units[0].unit == "mdm");
  CHECK(units[1].unit == "sds");
  CHECK(units[2].unit == "scini");
  CHECK(units[3].unit == "lia");
  CHECK(service_check_command({"systemctl", "is-active", "{unit}"}, "sds").argv ==
        Words{"systemctl", "is-active", "sds"});
  CHECK(service_check_command({"check", "--unit={unit}.service"}, "mdm").argv ==
        Words{"check", "--unit=mdm.service"});
  CHECK(service_check_command({"my-check"}, "lia").argv == Words{"my-check", "lia"});
}
