#include "cli/scaleio_node/install_verb.h"

#include "cli/scaleio_node/command_line.h"
#include "cli/scaleio_node/installer.h"
#include "cli/scaleio_node/service_health.h"

namespace scaleio::node {

namespace {

std::string role_list(const std::set<Role>& roles) {
  std::string out;
  for (Role r : roles) out += (out.empty() ? "" : ",") + std::string(role_name(r));
  return out;
}

}  // namespace

int run_install(const InstallOptions& options, PackageFormat format,
                const std::optional<std::string>& lia_token, ProcessRunner& runner,
                PackageSource& source, StopSignal& stop, std::ostream& log) {
  log << "scaleio-node: installing ScaleIO " << options.version << " for roles "
      << role_list(options.roles) << " (" << format_name(format) << " packages from "
      << options.package_source << ")\n";
  Installer installer(runner, source, format, options.version, log);
  for (const auto& plan : plan_packages(options, lia_token)) {
    if (stop.stop_requested()) {
      log << "scaleio-node: stopped before the install finished\n";
      return kExitOk;
    }
    if (Status installed = installer.install(plan); !installed.ok()) {
      log << "scaleio-node: install failed: " << installed.message()
          << "; fix the package or the package source, then the operator relaunches the task\n"
          << std::flush;
      return kExitFailure;
    }
  }
  log << "scaleio-node: packages installed; checking services every "
      << options.check_interval.count() << " ms\n"
      << std::flush;

  int failed_in_a_row = 0;
  bool reported_healthy = false;
  while (true) {
    Status health = check_services(runner, options.roles, options.check_command);
    if (health.ok()) {
      failed_in_a_row = 0;
      if (!reported_healthy) log << "scaleio-node: all services healthy\n" << std::flush;
      reported_healthy = true;
      if (options.once) return kExitOk;
    } else {
      ++failed_in_a_row;
      reported_healthy = false;
      const int allowed = options.once ? 1 : options.max_failed_checks;
      if (failed_in_a_row >= allowed) {
        log << "scaleio-node: unhealthy: " << health.message()
            << "; exiting so the operator relaunches the task\n"
            << std::flush;
        return kExitFailure;
      }
      log << "scaleio-node: check " << failed_in_a_row << " of " << allowed
          << " failed: " << health.message() << "\n"
          << std::flush;
    }
    if (stop.wait_for_stop(options.check_interval)) {
      log << "scaleio-node: stopping (asked to)\n" << std::flush;
      return kExitOk;
    }
  }
}

}  // namespace scaleio::node
