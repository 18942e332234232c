// The real scaleio-sim program: start-up line, serving, clean SIGTERM, flag errors.
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>
#include <catch2/catch.hpp>

#include <chrono>
#include <cstdio>
#include <fstream>
#include <nlohmann/json.hpp>
#include <thread>

#include "raw_http_client.h"

using namespace scaleio::sim::test;

namespace {

struct Child {
  pid_t pid = -1;
  int out = -1;
};

Child spawn(const std::vector<std::string>& args) {
  int pipe_fds[2];
  REQUIRE(::pipe(pipe_fds) == 0);
  Child child;
  child.pid = ::fork();
  REQUIRE(child.pid >= 0);
  if (child.pid == 0) {
    ::dup2(pipe_fds[1], STDOUT_FILENO);
    ::close(pipe_fds[0]);
    ::close(pipe_fds[1]);
    std::vector<char*> argv;
    std::string program = SCALEIO_SIM_BINARY;
    argv.push_back(program.data());
    std::vector<std::string> copy = args;
    for (auto& a : copy) argv.push_back(a.data());
    argv.push_back(nullptr);
    ::execv(program.c_str(), argv.data());
    ::_exit(127);
  }
  ::close(pipe_fds[1]);
  child.out = pipe_fds[0];
  return child;
}

std::string read_line(int fd, std::chrono::milliseconds timeout) {
  std::string line;
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (line.find('\n') == std::string::npos) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) break;
    pollfd p{fd, POLLIN, 0};
    if (::poll(&p, 1, static_cast<int>(left.count())) <= 0) break;
    char c[256];
    ssize_t n = ::read(fd, c, sizeof c);
    if (n <= 0) break;
    line.append(c, static_cast<std::size_t>(n));
  }
  return line.substr(0, line.find('\n'));
}

// Exit status, or -1 if the child is still running after `timeout` (it is then killed).
int wait_exit(pid_t pid, std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    int status = 0;
    if (::waitpid(pid, &status, WNOHANG) == pid) {
      return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  ::kill(pid, SIGKILL);
  ::waitpid(pid, nullptr, 0);
  return -1;
}

}  // namespace

TEST_CASE("scaleio-sim prints its addresses as one JSON line and exits 0 on SIGTERM", "[binary]") {
  Child child = spawn({"--agents", "4", "--seed", "9", "--mesos-listen", "127.0.0.1:0",
                       "--gateway-listen", "127.0.0.1:0", "--control-listen", "127.0.0.1:0"});
  const std::string line = read_line(child.out, std::chrono::seconds(10));
  INFO("start-up line: " << line);
  auto addresses = nlohmann::json::parse(line, nullptr, false);
  REQUIRE(addresses.is_object());
  for (const char* key : {"mesos", "mesos_standby", "gateway", "control"}) {
    CHECK(addresses.contains(key));
  }
  const std::string mesos = addresses["mesos"];
  CHECK(mesos.rfind("127.0.0.1:", 0) == 0);
  CHECK(mesos != "127.0.0.1:0");
  auto response = http_request(mesos, "GET", "/api/v1/scheduler", "", {});
  REQUIRE(response);
  CHECK(response->status == 405);
  auto world = http_request(addresses["control"], "GET", "/world", "", {});
  REQUIRE(world);
  CHECK(nlohmann::json::parse(world->body)["agents"].size() == 4);
  ::kill(child.pid, SIGTERM);
  CHECK(wait_exit(child.pid, std::chrono::seconds(10)) == 0);
  ::close(child.out);
}

TEST_CASE("scaleio-sim rejects bad flags with exit code 2", "[binary]") {
  for (const auto& args :
       std::vector<std::vector<std::string>>{{"--agents", "zero"},
                                             {"--mesos-listen", "10.1.1.1:5050"},
                                             {"--agents", "3", "--cluster", "/nonexistent.json"},
                                             {"--no-such-flag"}}) {
    Child child = spawn(args);
    CHECK(wait_exit(child.pid, std::chrono::seconds(10)) == 2);
    ::close(child.out);
  }
}

TEST_CASE("scaleio-sim --cluster FILE with --gateway-tls writes the gateway's CA", "[binary]") {
  char dir_template[] = "/tmp/scaleio-sim-test-XXXXXX";
  REQUIRE(::mkdtemp(dir_template));
  const std::string dir = dir_template;
  const std::string cluster = dir + "/cluster.json";
  const std::string ca = dir + "/ca.pem";
  {
    std::ofstream out(cluster);
    out << R"({"agents":[{"hostname":"h1","ip":"10.9.0.1","attributes":"scaleio-persona:primary"},
                          {"hostname":"h2","ip":"10.9.0.2","attributes":{"rack":"r2"}}]})";
  }
  Child child = spawn({"--cluster", cluster, "--mesos-listen", "127.0.0.1:0", "--gateway-listen",
                       "127.0.0.1:0", "--control-listen", "127.0.0.1:0", "--gateway-tls",
                       "--gateway-ca-out", ca});
  const std::string line = read_line(child.out, std::chrono::seconds(10));
  INFO("start-up line: " << line);
  auto addresses = nlohmann::json::parse(line, nullptr, false);
  REQUIRE(addresses.is_object());
  CHECK(addresses["gateway"].get<std::string>().rfind("https://127.0.0.1:", 0) == 0);
  std::ifstream in(ca);
  std::string first;
  std::getline(in, first);
  CHECK(first == "-----BEGIN CERTIFICATE-----");
  auto world = http_request(addresses["control"], "GET", "/world", "", {});
  REQUIRE(world);
  auto agents = nlohmann::json::parse(world->body)["agents"];
  REQUIRE(agents.size() == 2);
  CHECK(agents[1]["attributes"]["rack"] == "r2");
  ::kill(child.pid, SIGINT);
  CHECK(wait_exit(child.pid, std::chrono::seconds(10)) == 0);
  ::close(child.out);
  std::remove(ca.c_str());
  std::remove(cluster.c_str());
  ::rmdir(dir.c_str());
}
