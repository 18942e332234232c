#include "cli/scaleio_node/node_app.h"

#include <fstream>
#include <sstream>

#include "cli/scaleio_node/command_line.h"
#include "cli/scaleio_node/install_verb.h"
#include "cli/scaleio_node/mdm_verbs.h"
#include "cli/scaleio_node/package_source.h"

namespace scaleio::node {

namespace {

const char* mdm_verb_name(MdmRequest::Verb verb) {
  switch (verb) {
    case MdmRequest::Verb::kCreateCluster:
      return "create-cluster";
    case MdmRequest::Verb::kAddStandby:
      return "add-standby";
    case MdmRequest::Verb::kSwitchMode:
      return "switch-mode";
    case MdmRequest::Verb::kSetPassword:
      return "set-password";
  }
  return "?";
}

Result<PackageFormat> resolve_format(PackageFormat asked, const std::string& os_release_path) {
  if (asked != PackageFormat::kAuto) return asked;
  std::ifstream in(os_release_path);
  if (!in) {
    return failed_precondition("cannot read " + os_release_path +
                               " to pick the package format; pass --package-format deb or rpm");
  }
  std::stringstream text;
  text << in.rdbuf();
  return format_from_os_release(text.str());
}

Result<std::optional<std::string>> lia_token(const InstallOptions& options, const GetEnv& env) {
  if (!options.roles.count(Role::kLia)) return std::optional<std::string>();
  if (!options.lia_token_file.empty()) {
    auto token = read_secret_file(options.lia_token_file);
    if (!token.ok())
      return Status(token.status().code(), "--lia-token-file: " + token.status().message());
    return std::optional<std::string>(std::move(*token));
  }
  if (auto token = env(kLiaTokenEnv); token && !token->empty()) {
    return std::optional<std::string>(std::move(*token));
  }
  return std::optional<std::string>();
}

int install(const InstallOptions& options, NodeWorld& world) {
  auto format = resolve_format(options.format, world.os_release_path);
  if (!format.ok()) {
    world.err << "scaleio-node install: " << format.status().message() << "\n";
    return kExitFailure;
  }
  auto token = lia_token(options, world.env);
  if (!token.ok()) {
    world.err << "scaleio-node install: " << token.status().message() << "\n";
    return kExitFailure;
  }
  auto source = open_package_source(options.package_source, options.download_dir, world.runner);
  return run_install(options, *format, *token, world.runner, *source, world.stop, world.err);
}

int mdm(const MdmRequest& request, NodeWorld& world) {
  const std::string where = std::string("scaleio-node mdm ") + mdm_verb_name(request.verb) + ": ";
  auto password = read_secret(world.env, kAdminPasswordFileEnv, kAdminPasswordEnv);
  if (!password.ok()) {
    world.err << where << password.status().message() << "\n";
    return kExitUsage;
  }
  auto result = run_mdm(request, world.runner, *password, world.err);
  if (!result.ok()) {
    world.err << where << result.status().message() << "\n";
    return result.status().code() == StatusCode::kInvalidArgument ? kExitUsage : kExitFailure;
  }
  world.out << *result;
  return kExitOk;
}

}  // namespace

int run_node(const std::vector<std::string>& args, NodeWorld& world) {
  CommandLine command = parse_command_line(args);
  switch (command.kind) {
    case CommandLine::Kind::kExit:
      (command.exit_code == kExitOk ? world.out : world.err)
          << command.text << (command.text.ends_with('\n') ? "" : "\n");
      return command.exit_code;
    case CommandLine::Kind::kInstall:
      return install(command.install, world);
    case CommandLine::Kind::kMdm:
      return mdm(command.mdm, world);
  }
  return kExitFailure;
}

}  // namespace scaleio::node
