// Installs a node's ScaleIO packages the way the ScaleIO Framework's executor did: the MDM package
// with MDM_ROLE_IS_MANAGER=1 on managers and 0 on tie-breakers, the SDC with MDM_IP=<all MDM
// IPs>, the LIA with its TOKEN; each skipped when already installed at the wanted version.
#pragma once

#include <optional>
#include <ostream>
#include <string>
#include <utility>
#include <vector>

#include "cli/scaleio_node/install_options.h"
#include "cli/scaleio_node/package_source.h"
#include "cli/scaleio_node/packages.h"
#include "cli/scaleio_node/process_runner.h"
#include "core/status.h"

namespace scaleio::node {

struct PackagePlan {
  Component component;
  // What the package's install scripts read from the environment.
  std::vector<std::pair<std::string, std::string>> env;
  std::vector<std::string> secrets;  // env values that must not be printed (the LIA token)
};

// The packages for `options.roles`, in install order (MDM, SDS, SDC, LIA).
std::vector<PackagePlan> plan_packages(const InstallOptions& options,
                                       const std::optional<std::string>& lia_token);

class Installer {
 public:
  // `format` is deb or rpm (resolved, not auto). Progress goes to `log`, one line per step.
  Installer(ProcessRunner& runner, PackageSource& source, PackageFormat format, std::string version,
            std::ostream& log);

  // Installs one package unless it is installed at the version already. On failure the message
  // names the package and says what ran, its exit code and the tail of its stderr.
  Status install(const PackagePlan& plan);

 private:
  ProcessRunner& runner_;
  PackageSource& source_;
  PackageFormat format_;
  std::string version_;
  std::ostream& log_;
};

}  // namespace scaleio::node
