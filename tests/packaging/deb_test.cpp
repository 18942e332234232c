// The Debian package made by `cpack -G DEB` (the ctest fixture "packaging: build the Debian
// package" runs it first): its control data, its contents, and the programs run from it. The
// package is unpacked with `dpkg -x` into a temporary directory, never installed into the
// machine's dpkg database.
#include <catch2/catch.hpp>

#include <filesystem>

#include "tests/packaging/packaging_support.h"
#include "tests/support/temp_dir.h"

using namespace scaleio::testing;

namespace {

std::string the_deb() {
  const std::string prefix = std::string("scaleio-operator_") + SCALEIO_VERSION + "_";
  std::vector<std::string> found;
  for (const auto& entry : std::filesystem::directory_iterator(SCALEIO_PACKAGES_DIR)) {
    const std::string name = entry.path().filename().string();
    if (name.starts_with(prefix) && name.ends_with(".deb")) found.push_back(entry.path());
  }
  INFO("packages in " SCALEIO_PACKAGES_DIR);
  REQUIRE(found.size() == 1);
  return found.front();
}

std::string field(const std::string& info, const std::string& name) {
  const std::string key = "\n " + name + ": ";
  const auto at = info.find(key);
  if (at == std::string::npos) return "";
  const auto start = at + key.size();
  return info.substr(start, info.find('\n', start) - start);
}

}  // namespace

TEST_CASE("the Debian package names itself, its version and its library dependencies") {
  const std::string deb = the_deb();
  RunResult info = run({"/usr/bin/dpkg-deb", "--info", deb});
  REQUIRE(info.exit_code == 0);
  const std::string text = "\n" + info.text();
  INFO(text);
  CHECK(field(text, "Package") == "scaleio-operator");
  CHECK(field(text, "Version") == SCALEIO_VERSION);
  RunResult arch = run({"/usr/bin/dpkg", "--print-architecture"});
  REQUIRE(arch.lines.size() == 1);
  CHECK(field(text, "Architecture") == arch.lines[0]);
  // dpkg-shlibdeps found the shared libraries the programs link (RocksDB links statically, its
  // compression libraries do not).
  const std::string depends = field(text, "Depends");
  CHECK(depends.find("libprotobuf") != std::string::npos);
  CHECK(depends.find("libssl3") != std::string::npos);
  CHECK(depends.find("libzstd1") != std::string::npos);
  CHECK(depends.find("libc6") != std::string::npos);

  RunResult conffiles = run({"/usr/bin/dpkg-deb", "--info", deb, "conffiles"});
  REQUIRE(conffiles.exit_code == 0);
  CHECK(conffiles.lines == std::vector<std::string>{"/etc/scaleio-operator/env"});
}

TEST_CASE(
    "the Debian package holds the programs, the unit, its settings and the alert "
    "rules") {
  RunResult contents = run({"/usr/bin/dpkg-deb", "--contents", the_deb()});
  REQUIRE(contents.exit_code == 0);
  std::set<std::string> paths;
  for (const auto& line : contents.lines) {
    const auto dot = line.find(" ./");
    if (dot != std::string::npos) paths.insert(line.substr(dot + 2));
  }
  INFO(contents.text());
  std::vector<std::string> expected = {
      "/usr/bin/scaleio-operator",
      "/usr/bin/scaleio-node",
      "/usr/lib/systemd/system/scaleio-operator.service",
      "/etc/scaleio-operator/env",
      "/usr/share/scaleio-operator/prometheus/alerts.yml",
      "/usr/share/scaleio-operator/marathon/scaleio-operator.json",
      "/usr/share/doc/scaleio-operator/operations.md",
  };
  if (SCALEIO_HAS_SCALEIOCTL) expected.push_back("/usr/bin/scaleioctl");
  for (const auto& path : expected) {
    INFO(path);
    CHECK(paths.count(path) == 1);
  }
}

TEST_CASE("the programs run from the unpacked Debian package") {
  TempDir root;
  REQUIRE(run({"/usr/bin/dpkg", "-x", the_deb(), root.path()}).exit_code == 0);
  const std::string bin = root.sub("usr/bin/");

  RunResult version = run({bin + "scaleio-operator", "--version"});
  CHECK(version.exit_code == 0);
  CHECK(version.lines ==
        std::vector<std::string>{std::string("scaleio-operator ") + SCALEIO_VERSION});

  RunResult help = run({bin + "scaleio-operator", "--help"});
  CHECK(help.exit_code == 0);
  CHECK(flags_in_help(help.text()).count("data-dir") == 1);

  RunResult node = run({bin + "scaleio-node", "--help"});
  CHECK(node.exit_code == 0);
  CHECK(node.text().find("install") != std::string::npos);

  if (SCALEIO_HAS_SCALEIOCTL) {
    RunResult ctl = run({bin + "scaleioctl", "--help"});
    CHECK(ctl.exit_code == 0);
    CHECK_FALSE(ctl.lines.empty());
  }

  // The files that ship beside the programs are the ones in the source tree.
  CHECK(read_text(root.sub("usr/share/scaleio-operator/prometheus/alerts.yml")) ==
        read_text(SCALEIO_SOURCE_DIR "/docs/alerts.yml"));
  CHECK(read_text(root.sub("usr/lib/systemd/system/scaleio-operator.service")) ==
        read_text(SCALEIO_SOURCE_DIR "/packaging/systemd/scaleio-operator.service"));
}
