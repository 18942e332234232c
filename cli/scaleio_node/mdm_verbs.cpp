#include "cli/scaleio_node/mdm_verbs.h"

#include "cli/scaleio_node/secrets.h"

namespace scaleio::node {

namespace {

// scli's stdout, or an error with what scli said (it prints errors on stdout or stderr,
// depending on the version).
Result<std::string> run_scli(ProcessRunner& runner, const Command& command, std::ostream& log) {
  log << "scaleio-node: running " << describe(command) << "\n";
  auto ran = runner.run(command);
  if (!ran.ok()) {
    return Status(ran.status().code(), scrub(ran.status().message(), command.secrets));
  }
  if (ran->exit_code != 0) {
    std::string said = tail_lines(ran->err.empty() ? ran->out : ran->err + "\n" + ran->out);
    return failed_precondition(describe(command) + " failed (exit " +
                               std::to_string(ran->exit_code) + ")" +
                               (said.empty() ? "" : ": " + scrub(said, command.secrets)));
  }
  return scrub(ran->out, command.secrets);
}

Result<std::string> set_password(ProcessRunner& runner, const std::string& new_password,
                                 std::ostream& log) {
  auto first_login = run_scli(runner, scli_login(kScliDefaultPassword), log);
  if (!first_login.ok()) {
    // A retried task finds the password set already: logging in with it proves there is nothing
    // left to do.
    if (run_scli(runner, scli_login(new_password), log).ok()) {
      return std::string("the admin password is set already\n");
    }
    return first_login.status();
  }
  auto changed = run_scli(runner, scli_set_password(kScliDefaultPassword, new_password), log);
  if (!changed.ok()) return changed.status();
  // Leave scli's session on the new password for the commands that follow on this host.
  auto relogin = run_scli(runner, scli_login(new_password), log);
  if (!relogin.ok()) return relogin.status();
  return std::move(*changed);
}

}  // namespace

Result<std::string> run_mdm(const MdmRequest& request, ProcessRunner& runner,
                            const std::optional<std::string>& admin_password, std::ostream& log) {
  using Verb = MdmRequest::Verb;
  switch (request.verb) {
    case Verb::kCreateCluster:
      return run_scli(runner, scli_create_cluster(request.master_ip, request.master_name), log);
    case Verb::kSetPassword:
      if (!admin_password) {
        return invalid_argument(std::string("needs the new admin password in the file named by ") +
                                kAdminPasswordFileEnv + " or in " + kAdminPasswordEnv);
      }
      return set_password(runner, *admin_password, log);
    case Verb::kAddStandby:
    case Verb::kSwitchMode:
      break;
  }
  if (admin_password) {
    auto login = run_scli(runner, scli_login(*admin_password), log);
    if (!login.ok()) return login.status();
  }
  if (request.verb == Verb::kAddStandby) {
    return run_scli(runner, scli_add_standby(request.ip, request.role, request.name), log);
  }
  return run_scli(runner, scli_switch_mode(request.switch_mode), log);
}

}  // namespace scaleio::node
