#include "cli/scaleio_node/installer.h"

namespace scaleio::node {

namespace {

std::string joined(const std::vector<std::string>& items) {
  std::string out;
  for (const auto& item : items) out += (out.empty() ? "" : ",") + item;
  return out;
}

}  // namespace

std::vector<PackagePlan> plan_packages(const InstallOptions& options,
                                       const std::optional<std::string>& lia_token) {
  const auto& roles = options.roles;
  std::vector<PackagePlan> plans;
  if (roles.count(Role::kMdm) || roles.count(Role::kTb)) {
    plans.push_back(
        {Component::kMdm, {{"MDM_ROLE_IS_MANAGER", roles.count(Role::kMdm) ? "1" : "0"}}, {}});
  }
  if (roles.count(Role::kSds)) plans.push_back({Component::kSds, {}, {}});
  if (roles.count(Role::kSdc)) {
    plans.push_back({Component::kSdc, {{"MDM_IP", joined(options.mdm_ips)}}, {}});
  }
  if (roles.count(Role::kLia)) {
    PackagePlan lia{Component::kLia, {}, {}};
    if (lia_token) {
      lia.env.emplace_back("TOKEN", *lia_token);
      lia.secrets.push_back(*lia_token);
    }
    plans.push_back(std::move(lia));
  }
  return plans;
}

Installer::Installer(ProcessRunner& runner, PackageSource& source, PackageFormat format,
                     std::string version, std::ostream& log)
    : runner_(runner), source_(source), format_(format), version_(std::move(version)), log_(log) {}

Status Installer::install(const PackagePlan& plan) {
  const std::string name = package_name(plan.component, format_);
  const std::string manager = format_ == PackageFormat::kRpm ? "rpm" : "dpkg";

  Command query = installed_version_command(plan.component, format_);
  auto queried = runner_.run(query);
  if (!queried.ok()) {
    if (queried.status().code() == StatusCode::kNotFound) {
      return failed_precondition(queried.status().message() + ": cannot install " + name +
                                 " as a " + std::string(format_name(format_)) +
                                 " package; is --package-format right for this host?");
    }
    return Status(queried.status().code(), "querying " + name + ": " + queried.status().message());
  }
  std::string installed = queried->exit_code == 0 ? tail_lines(queried->out, 1) : "";
  if (version_matches(installed, version_)) {
    log_ << "scaleio-node: " << name << " " << installed << " is installed already; skipping\n";
    return Status();
  }

  auto file = source_.fetch(plan.component, version_, format_);
  if (!file.ok()) {
    return Status(file.status().code(), "package " + name + ": " + file.status().message());
  }

  Command install = install_package_command(format_, *file, !installed.empty());
  install.env = plan.env;
  install.secrets = plan.secrets;
  log_ << "scaleio-node: installing " << name << " " << version_
       << (installed.empty() ? "" : " over " + installed) << ": " << describe(install) << "\n";
  auto ran = runner_.run(install);
  if (!ran.ok()) {
    return Status(ran.status().code(), "installing package " + name + ": " +
                                           scrub(ran.status().message(), plan.secrets));
  }
  if (ran->exit_code != 0) {
    std::string said = scrub(tail_lines(ran->err.empty() ? ran->out : ran->err), plan.secrets);
    return failed_precondition("installing package " + name + " failed: " + manager + " exited " +
                               std::to_string(ran->exit_code) + (said.empty() ? "" : ": " + said));
  }
  log_ << "scaleio-node: installed " << name << " " << version_ << "\n";
  return Status();
}

}  // namespace scaleio::node
