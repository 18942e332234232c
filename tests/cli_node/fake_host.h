// A temp directory that plays an agent for the real scaleio-node binary: fake dpkg, dpkg-query,
// rpm, scli, systemctl and curl first on PATH, each a shell script that appends its argv and the
// install-relevant environment to calls.log and answers from files the test writes.
#pragma once

#include <string>
#include <vector>

#include "cli/scaleio_node/process_runner.h"
#include "tests/support/temp_dir.h"

namespace scaleio::node::testing {

class FakeHost {
 public:
  FakeHost();

  const std::string& dir() const { return tmp_.path(); }
  std::string packages_dir() const { return tmp_.sub("pkgs"); }
  std::string path_env() const;  // fakes first, then the system's sh, cat, cp

  void add_package_file(const std::string& name) const;  // in pkgs/ (and www/, for curl)
  void set_installed(const std::string& package, const std::string& version) const;
  void set_unit(const std::string& unit, const std::string& state) const;  // e.g. active
  void fail_installs_of(const std::string& file_part) const;  // dpkg/rpm -i of matching files
  void fail_scli(const std::string& status) const;
  void write_file(const std::string& relative, const std::string& content) const;

  // Every fake call so far, one line each: "tool arg arg | MDM_ROLE_IS_MANAGER=.. MDM_IP=..
  // TOKEN=..".
  std::vector<std::string> calls() const;
  std::vector<std::string> calls_to(const std::string& tool) const;

  // Runs scaleio-node with `args` to completion (30 s at most).
  ProcessResult run(const std::vector<std::string>& args,
                    std::vector<std::pair<std::string, std::string>> env = {}) const;
  // argv for ChildProcess: /usr/bin/env PATH=... scaleio-node args...
  std::vector<std::string> child_argv(const std::vector<std::string>& args) const;

 private:
  scaleio::testing::TempDir tmp_;
};

}  // namespace scaleio::node::testing
