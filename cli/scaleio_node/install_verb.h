// `scaleio-node install`: install the packages, then stay running while the services are healthy
// (the Mesos task's life is the node's health), exit non-zero when one is not.
#pragma once

#include <optional>
#include <ostream>
#include <string>

#include "cli/scaleio_node/install_options.h"
#include "cli/scaleio_node/package_source.h"
#include "cli/scaleio_node/process_runner.h"
#include "cli/scaleio_node/stop_signal.h"

namespace scaleio::node {

// `format` is resolved (deb or rpm). Returns the exit code: 0 when stopped (or after one healthy
// check with --once), 1 when an install failed or a service stayed unhealthy for
// options.max_failed_checks checks in a row (one check with --once). Every failure ends with one
// line on `log` saying what failed and what to do.
int run_install(const InstallOptions& options, PackageFormat format,
                const std::optional<std::string>& lia_token, ProcessRunner& runner,
                PackageSource& source, StopSignal& stop, std::ostream& log);

}  // namespace scaleio::node
