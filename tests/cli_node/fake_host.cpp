#include "tests/cli_node/fake_host.h"

#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace scaleio::node::testing {

namespace {

namespace fs = std::filesystem;

// @DIR@ is replaced by the fake host's directory.
constexpr const char* kFakeTool = R"SH(#!/bin/sh
dir='@DIR@'
tool=${0##*/}
{
  printf '%s' "$tool"
  for a in "$@"; do printf ' %s' "$a"; done
  printf ' | MDM_ROLE_IS_MANAGER=%s MDM_IP=%s TOKEN=%s\n' \
    "${MDM_ROLE_IS_MANAGER-unset}" "${MDM_IP-unset}" "${TOKEN-unset}"
} >> "$dir/calls.log"
last=
for a in "$@"; do last=$a; done
installed() {
  if [ -f "$dir/installed/$1" ]; then cat "$dir/installed/$1"; return 0; fi
  return 1
}
install() {
  pat=$(cat "$dir/install_fails_for" 2>/dev/null)
  if [ -n "$pat" ]; then
    case "$last" in *"$pat"*)
      echo "Preparing to unpack $last ..." >&2
      echo "error processing archive $last: post-installation script returned error exit status 3" >&2
      exit 3 ;;
    esac
  fi
  exit 0
}
case "$tool" in
  dpkg-query)
    installed "$last" && exit 0
    echo "dpkg-query: no packages found matching $last" >&2; exit 1 ;;
  dpkg) install ;;
  rpm)
    if [ "$1" = "-q" ]; then
      installed "$last" && exit 0
      echo "package $last is not installed"; exit 1
    fi
    install ;;
  systemctl)
    state=$(cat "$dir/units/$last" 2>/dev/null || echo inactive)
    echo "$state"
    [ "$state" = active ] ;;
  scli)
    if [ -f "$dir/scli_fails" ]; then
      echo "Error: MDM failed command.  Status: $(cat "$dir/scli_fails") (args: $*)" >&2
      exit 1
    fi
    echo "scli ok: $1" ;;
  curl)
    out=
    while [ $# -gt 0 ]; do
      if [ "$1" = "-o" ]; then out=$2; shift; fi
      shift
    done
    if [ -n "$out" ]; then cp "$dir/www/${last##*/}" "$out"; exit $?; fi
    for f in "$dir"/www/*; do n=${f##*/}; printf '<a href="%s">%s</a>\n' "$n" "$n"; done ;;
esac
)SH";

}  // namespace

FakeHost::FakeHost() {
  for (const char* sub : {"bin", "pkgs", "www", "installed", "units"}) {
    fs::create_directories(tmp_.sub(sub));
  }
  std::string script = kFakeTool;
  script.replace(script.find("@DIR@"), 5, dir());
  for (const char* tool : {"dpkg", "dpkg-query", "rpm", "scli", "systemctl", "curl"}) {
    const std::string path = tmp_.sub(std::string("bin/") + tool);
    std::ofstream(path) << script;
    fs::permissions(path, fs::perms::owner_all);
  }
  std::ofstream(tmp_.sub("calls.log"));
}

std::string FakeHost::path_env() const {
  return tmp_.sub("bin") + ":/usr/bin:/bin";
}

void FakeHost::write_file(const std::string& relative, const std::string& content) const {
  std::ofstream(tmp_.sub(relative)) << content;
}

void FakeHost::add_package_file(const std::string& name) const {
  write_file("pkgs/" + name, "package " + name);
  write_file("www/" + name, "package " + name);
}
void FakeHost::set_installed(const std::string& package, const std::string& version) const {
  write_file("installed/" + package, version);
}
void FakeHost::set_unit(const std::string& unit, const std::string& state) const {
  write_file("units/" + unit, state + "\n");
}
void FakeHost::fail_installs_of(const std::string& file_part) const {
  write_file("install_fails_for", file_part);
}
void FakeHost::fail_scli(const std::string& status) const {
  write_file("scli_fails", status);
}

std::vector<std::string> FakeHost::calls() const {
  std::ifstream in(tmp_.sub("calls.log"));
  std::vector<std::string> lines;
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

std::vector<std::string> FakeHost::calls_to(const std::string& tool) const {
  std::vector<std::string> out;
  for (const auto& line : calls()) {
    if (line.rfind(tool + " ", 0) == 0) out.push_back(line);
  }
  return out;
}

ProcessResult FakeHost::run(const std::vector<std::string>& args,
                            std::vector<std::pair<std::string, std::string>> env) const {
  PosixProcessRunner runner;
  Command c;
  c.argv = {SCALEIO_NODE_BINARY};
  c.argv.insert(c.argv.end(), args.begin(), args.end());
  c.env = std::move(env);
  c.env.emplace_back("PATH", path_env());
  c.timeout = std::chrono::seconds(30);
  auto result = runner.run(c);
  REQUIRE(result.ok());
  return *result;
}

std::vector<std::string> FakeHost::child_argv(const std::vector<std::string>& args) const {
  std::vector<std::string> argv = {"/usr/bin/env", "PATH=" + path_env(), SCALEIO_NODE_BINARY};
  argv.insert(argv.end(), args.begin(), args.end());
  return argv;
}

}  // namespace scaleio::node::testing
