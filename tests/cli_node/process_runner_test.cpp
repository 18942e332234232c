// The real runner: fork/exec without a shell, captured output, environment, timeout.
#include <catch2/catch.hpp>

#include "cli/scaleio_node/process_runner.h"

using namespace scaleio::node;
using namespace std::chrono_literals;

namespace {

Command sh(const std::string& script) {
  Command c;
  c.argv = {"/bin/sh", "-c", script};
  c.timeout = 20s;
  return c;
}

}  // namespace

TEST_CASE("the runner captures stdout, stderr and the exit code") {
  PosixProcessRunner runner;
  auto r = runner.run(sh("echo out; echo err >&2; exit 3"));
  REQUIRE(r.ok());
  CHECK(r->exit_code == 3);
  CHECK(r->out == "out\n");
  CHECK(r->err == "err\n");
}

TEST_CASE("the runner adds the command's environment to the inherited one") {
  PosixProcessRunner runner;
  Command c = sh("printf '%s|%s' \"$MDM_IP\" \"${HOME+home-set}\"");
  c.env = {{"MDM_IP", "10.0.0.1,10.0.0.2"}};
  auto r = runner.run(c);
  REQUIRE(r.ok());
  CHECK(r->out == std::string("10.0.0.1,10.0.0.2|") + (std::getenv("HOME") ? "home-set" : ""));
}

TEST_CASE("the runner passes arguments as they are, with no shell") {
  PosixProcessRunner runner;
  Command c;
  c.argv = {"printf", "%s|", "a b", "$HOME", "*"};
  auto r = runner.run(c);
  REQUIRE(r.ok());
  CHECK(r->out == "a b|$HOME|*|");
}

TEST_CASE("a missing program is NotFound") {
  PosixProcessRunner runner;
  Command c;
  c.argv = {"scaleio-node-test-no-such-program"};
  auto r = runner.run(c);
  CHECK(r.status().code() == scaleio::StatusCode::kNotFound);
  CHECK_THAT(r.status().message(), Catch::Contains("not found on PATH"));
}

TEST_CASE("a child past its timeout is killed, with whatever it started") {
  PosixProcessRunner runner;
  Command c = sh("sleep 30 & sleep 30");
  c.timeout = 300ms;
  const auto started = std::chrono::steady_clock::now();
  auto r = runner.run(c);
  CHECK(r.status().code() == scaleio::StatusCode::kDeadlineExceeded);
  CHECK(std::chrono::steady_clock::now() - started < 10s);
}

TEST_CASE("a daemon holding the output pipe does not keep the runner waiting") {
  PosixProcessRunner runner;
  // The background sleep inherits stdout, as a service started by a package script might.
  Command c = sh("sleep 3 & echo started");
  const auto started = std::chrono::steady_clock::now();
  auto r = runner.run(c);
  REQUIRE(r.ok());
  CHECK(r->exit_code == 0);
  CHECK(r->out == "started\n");
  CHECK(std::chrono::steady_clock::now() - started < 2s);
}

TEST_CASE("describe and scrub hide secrets, tail_lines keeps the last lines") {
  Command c;
  c.argv = {"dpkg", "-i", "/p/lia.deb"};
  c.env = {{"TOKEN", "abc123"}};
  c.secrets = {"abc123"};
  CHECK(describe(c) == "TOKEN=*** dpkg -i /p/lia.deb");
  CHECK(scrub("x abc123 y abc123", {"abc123"}) == "x *** y ***");
  CHECK(tail_lines("a\n\nb\nc\nd\n", 2) == "c | d");
}
