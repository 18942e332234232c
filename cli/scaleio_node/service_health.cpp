#include "cli/scaleio_node/service_health.h"

namespace scaleio::node {

namespace {

constexpr auto kCheckTimeout = std::chrono::seconds(30);
constexpr const char* kUnitPlaceholder = "{unit}";

const char* unit_of(Role role) {
  switch (role) {
    case Role::kMdm:
    case Role::kTb:
      return "mdm";
    case Role::kSds:
      return "sds";
    case Role::kSdc:
      return "scini";
    case Role::kLia:
      return "lia";
  }
  return "?";
}

}  // namespace

std::vector<ServiceUnit> service_units(const std::set<Role>& roles) {
  std::vector<ServiceUnit> units;
  for (Role role : roles) units.push_back({role, unit_of(role)});
  return units;
}

Command service_check_command(const std::vector<std::string>& check_template,
                              const std::string& unit) {
  Command c;
  bool placed = false;
  for (const auto& word : check_template) {
    std::string w = word;
    if (auto at = w.find(kUnitPlaceholder); at != std::string::npos) {
      w.replace(at, std::string(kUnitPlaceholder).size(), unit);
      placed = true;
    }
    c.argv.push_back(std::move(w));
  }
  if (!placed) c.argv.push_back(unit);
  c.timeout = kCheckTimeout;
  return c;
}

Status check_services(ProcessRunner& runner, const std::set<Role>& roles,
                      const std::vector<std::string>& check_template) {
  std::string problems;
  for (const auto& [role, unit] : service_units(roles)) {
    Command c = service_check_command(check_template, unit);
    auto run = runner.run(c);
    std::string what;
    if (!run.ok()) {
      what = run.status().message();
    } else if (run->exit_code != 0) {
      std::string said = tail_lines(run->out + "\n" + run->err, 2);
      what = describe(c) + " exited " + std::to_string(run->exit_code) +
             (said.empty() ? "" : ": " + said);
    } else {
      continue;
    }
    problems += (problems.empty() ? "" : "; ") + std::string("role ") +
                std::string(role_name(role)) + ": service " + unit + " is not healthy (" + what +
                "); see `journalctl -u " + unit + "` on this agent";
  }
  if (problems.empty()) return Status();
  return failed_precondition(problems);
}

}  // namespace scaleio::node
