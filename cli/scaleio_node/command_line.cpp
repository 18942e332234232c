#include "cli/scaleio_node/command_line.h"

#include <CLI/CLI.hpp>
#include <algorithm>
#include <optional>
#include <sstream>

namespace scaleio::node {

namespace {

const std::vector<std::string> kMdmVerbs = {"create-cluster", "add-standby", "switch-mode",
                                            "set-password"};

CommandLine exit_with(int code, std::string text) {
  CommandLine c;
  c.kind = CommandLine::Kind::kExit;
  c.exit_code = code;
  c.text = std::move(text);
  return c;
}

CommandLine usage_error(const std::string& where, const std::string& message) {
  return exit_with(kExitUsage, "scaleio-node" + (where.empty() ? "" : " " + where) + ": " +
                                   message + "\nRun with --help for more information.");
}

std::vector<std::string> split(const std::string& text, char separator) {
  std::vector<std::string> parts;
  std::stringstream in(text);
  for (std::string part; std::getline(in, part, separator);) {
    if (!part.empty()) parts.push_back(part);
  }
  return parts;
}

// CLI11 checks required options before unknown ones; checking them here, after the parse, lets
// a misspelt flag be reported as what it is rather than as a missing one.
std::optional<std::string> first_missing(
    std::initializer_list<std::pair<const char*, const std::string*>> flags) {
  for (const auto& [flag, value] : flags) {
    if (value->empty()) return std::string(flag) + " is required";
  }
  return std::nullopt;
}

bool is_help(const std::string& word) {
  return word == "--help" || word == "-h";
}

// The strings of the install flags, before they are checked and typed.
struct InstallFlags {
  std::string roles;
  std::string mdm_ips;
  std::string format = "auto";
  std::string check_interval = "10s";
  std::string check_command;
};

CommandLine finish_install(const InstallFlags& flags, InstallOptions options) {
  if (auto missing = first_missing({{"--roles", &flags.roles},
                                    {"--version", &options.version},
                                    {"--package-source", &options.package_source}})) {
    return usage_error("install", *missing);
  }
  auto roles = parse_roles(flags.roles);
  if (!roles.ok()) return usage_error("install", "--roles: " + roles.status().message());
  options.roles = *roles;
  options.mdm_ips = split(flags.mdm_ips, ',');
  if (options.roles.count(Role::kSdc) && options.mdm_ips.empty()) {
    return usage_error("install", "--mdm-ips is required with role sdc (its MDM_IP)");
  }
  auto format = parse_package_format(flags.format);
  if (!format.ok()) return usage_error("install", "--package-format: " + format.status().message());
  options.format = *format;
  auto interval = parse_duration(flags.check_interval);
  if (!interval.ok()) {
    return usage_error("install", "--check-interval: " + interval.status().message());
  }
  options.check_interval = *interval;
  if (!flags.check_command.empty()) {
    options.check_command = split(flags.check_command, ' ');
    if (options.check_command.empty()) return usage_error("install", "--check-command is empty");
  }
  CommandLine c;
  c.kind = CommandLine::Kind::kInstall;
  c.install = std::move(options);
  return c;
}

}  // namespace

CommandLine parse_command_line(const std::vector<std::string>& args) {
  // The verbs are checked by hand first so the message names the word at fault.
  if (args.empty()) return usage_error("", "a verb is required (install or mdm)");
  if (!args.empty() && !is_help(args[0]) && args[0] != "install" && args[0] != "mdm") {
    return usage_error("", "unknown verb '" + args[0] + "' (expected install or mdm)");
  }
  if (args.size() >= 2 && args[0] == "mdm" && !is_help(args[1]) &&
      std::find(kMdmVerbs.begin(), kMdmVerbs.end(), args[1]) == kMdmVerbs.end()) {
    return usage_error("mdm", "unknown verb '" + args[1] +
                                  "' (expected create-cluster, add-standby, switch-mode or "
                                  "set-password)");
  }

  if (args.size() > 2 && args[0] == "mdm" && args[1] == "set-password" && !is_help(args[2])) {
    // Whatever follows may be the password itself: do not echo it back.
    return usage_error("mdm set-password",
                       "takes no arguments: the new password comes from the file named by "
                       "SCALEIO_ADMIN_PASSWORD_FILE or from SCALEIO_ADMIN_PASSWORD, never the "
                       "command line");
  }

  CLI::App app{
      "Installs and checks the ScaleIO packages of a Mesos agent's roles, and runs MDM "
      "cluster operations through scli. Run by scaleio-operator as a Mesos task.",
      "scaleio-node"};
  app.require_subcommand(1);

  InstallOptions install;
  InstallFlags flags;
  auto* install_cmd = app.add_subcommand(
      "install",
      "Install the packages of the given roles, then check their services every interval; exits "
      "non-zero when a service is unhealthy.");
  install_cmd->add_option("--roles", flags.roles,
                          "comma list of mdm, tb, sds, sdc, lia (required)");
  install_cmd->add_option("--mdm-ips", flags.mdm_ips,
                          "comma list of every MDM's IP (the SDC's MDM_IP)");
  install_cmd->add_option("--version", install.version,
                          "ScaleIO package version, e.g. 2.0-12000.122 (required)");
  install_cmd->add_option(
      "--package-source", install.package_source,
      "directory or http(s) URL holding EMC-ScaleIO-<role>-<version>*.deb/.rpm (required)");
  install_cmd
      ->add_option("--package-format", flags.format, "deb, rpm or auto (from /etc/os-release)")
      ->capture_default_str();
  install_cmd->add_option("--check-interval", flags.check_interval, "time between service checks")
      ->capture_default_str();
  install_cmd
      ->add_option("--max-failed-checks", install.max_failed_checks,
                   "consecutive failed checks before exiting non-zero")
      ->check(CLI::Range(1, 1000))
      ->capture_default_str();
  install_cmd->add_option("--check-command", flags.check_command,
                          "service check, '{unit}' replaced by the unit (default: systemctl "
                          "is-active {unit}); words split on spaces, no shell");
  install_cmd->add_option("--download-dir", install.download_dir, "where downloaded packages go")
      ->capture_default_str();
  install_cmd->add_option("--lia-token-file", install.lia_token_file,
                          "file whose first line is the LIA token (else env SCALEIO_LIA_TOKEN)");
  install_cmd->add_flag("--once", install.once, "install, check once, exit");

  MdmRequest mdm;
  std::string add_slaves, add_tbs, remove_slaves, remove_tbs;
  auto* mdm_cmd = app.add_subcommand("mdm", "MDM cluster operations through scli (one-shot)");
  mdm_cmd->require_subcommand(1);
  auto* create = mdm_cmd->add_subcommand("create-cluster", "create the MDM cluster on this host");
  create->add_option("--master-ip", mdm.master_ip, "this MDM's IP (required)");
  create->add_option("--master-name", mdm.master_name, "this MDM's name (required)");
  auto* standby =
      mdm_cmd->add_subcommand("add-standby",
                              "add a standby MDM (manager or tie-breaker); logs in first when "
                              "SCALEIO_ADMIN_PASSWORD(_FILE) is set");
  standby->add_option("--ip", mdm.ip, "the new MDM's IP (required)");
  standby->add_option("--role", mdm.role, "manager or tb (required)")
      ->check(CLI::IsMember({"manager", "tb"}));
  standby->add_option("--name", mdm.name, "the new MDM's name (required)");
  auto* switch_mode = mdm_cmd->add_subcommand(
      "switch-mode",
      "change the cluster mode, adding or removing standbys; logs in first when "
      "SCALEIO_ADMIN_PASSWORD(_FILE) is set");
  switch_mode->add_option("--mode", mdm.switch_mode.mode, "1_node, 3_node or 5_node (required)")
      ->check(CLI::IsMember({"1_node", "3_node", "5_node"}));
  switch_mode->add_option("--add-slaves", add_slaves, "comma list of manager IPs to add");
  switch_mode->add_option("--add-tbs", add_tbs, "comma list of tie-breaker IPs to add");
  switch_mode->add_option("--remove-slaves", remove_slaves, "comma list of manager IPs to remove");
  switch_mode->add_option("--remove-tbs", remove_tbs, "comma list of tie-breaker IPs to remove");
  auto* set_password = mdm_cmd->add_subcommand(
      "set-password",
      "replace the default admin password with the one in the file named by "
      "SCALEIO_ADMIN_PASSWORD_FILE (or in SCALEIO_ADMIN_PASSWORD); never on the command line");

  std::vector<std::string> reversed(args.rbegin(), args.rend());  // CLI11 consumes from the back
  try {
    app.parse(reversed);
  } catch (const CLI::ParseError& e) {
    std::ostringstream out, err;
    int code = app.exit(e, out, err);
    if (code == 0) return exit_with(kExitOk, out.str());
    std::string where = install_cmd->parsed() ? "install" : mdm_cmd->parsed() ? "mdm" : "";
    std::string message = e.what();
    return usage_error(where, message);
  }

  if (install_cmd->parsed()) return finish_install(flags, std::move(install));
  CommandLine c;
  c.kind = CommandLine::Kind::kMdm;
  std::optional<std::string> missing;
  if (create->parsed()) {
    mdm.verb = MdmRequest::Verb::kCreateCluster;
    missing = first_missing({{"--master-ip", &mdm.master_ip}, {"--master-name", &mdm.master_name}});
  } else if (standby->parsed()) {
    mdm.verb = MdmRequest::Verb::kAddStandby;
    missing = first_missing({{"--ip", &mdm.ip}, {"--role", &mdm.role}, {"--name", &mdm.name}});
  } else if (switch_mode->parsed()) {
    mdm.verb = MdmRequest::Verb::kSwitchMode;
    missing = first_missing({{"--mode", &mdm.switch_mode.mode}});
    mdm.switch_mode.add_slave_ips = split(add_slaves, ',');
    mdm.switch_mode.add_tb_ips = split(add_tbs, ',');
    mdm.switch_mode.remove_slave_ips = split(remove_slaves, ',');
    mdm.switch_mode.remove_tb_ips = split(remove_tbs, ',');
  } else if (set_password->parsed()) {
    mdm.verb = MdmRequest::Verb::kSetPassword;
  }
  if (missing) return usage_error("mdm " + args[1], *missing);
  c.mdm = std::move(mdm);
  return c;
}

}  // namespace scaleio::node
