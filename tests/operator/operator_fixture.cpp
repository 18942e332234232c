#include "tests/operator/operator_fixture.h"

#include <csignal>
#include <fstream>
#include <stdexcept>
#include <thread>

namespace scaleio::testing {

namespace {

std::string strip_scheme(const std::string& url) {
  const auto pos = url.find("://");
  return pos == std::string::npos ? url : url.substr(pos + 3);
}

}  // namespace

SimProcess start_sim(const std::vector<std::string>& args) {
  std::vector<std::string> argv = {SCALEIO_SIM_BINARY, "--mesos-listen", "127.0.0.1:0",
                                   "--gateway-listen", "127.0.0.1:0", "--control-listen",
                                   "127.0.0.1:0"};
  argv.insert(argv.end(), args.begin(), args.end());
  SimProcess sim;
  sim.process = std::make_unique<ChildProcess>(argv);
  auto line = sim.process->read_line(20s);
  if (!line) throw std::runtime_error("scaleio-sim printed no addresses");
  const auto addresses = nlohmann::json::parse(*line);
  sim.mesos = addresses.at("mesos").get<std::string>();
  sim.gateway = addresses.at("gateway").get<std::string>();
  sim.control = addresses.at("control").get<std::string>();
  return sim;
}

OperatorFixture::OperatorFixture(std::vector<std::string> sim_args) {
  data_dir_ = dir_.path() + "/data";
  password_file_ = dir_.path() + "/gateway-password";
  token_file_ = dir_.path() + "/admin-token";
  std::ofstream(password_file_) << kGatewayPassword << "\n";
  std::ofstream(token_file_) << kAdminToken << "\n";
  sim_ = start_sim(sim_args);
}

OperatorFixture::~OperatorFixture() {
  if (operator_) {
    operator_->process->kill(SIGTERM);
    operator_->process->wait(15s);
  }
}

std::vector<std::string> OperatorFixture::base_args() const {
  return {SCALEIO_OPERATOR_BINARY,
          "--master",
          sim_.mesos,
          "--gateway",
          sim_.gateway,
          "--gateway-password-file",
          password_file_,
          "--data-dir",
          data_dir_,
          "--listen",
          "127.0.0.1:0",
          "--observe-interval",
          "500ms",
          "--agent-admin-password-file",
          "/etc/scaleio/admin-password",
          "--log-level",
          "info"};
}

OperatorProcess* OperatorFixture::start_operator(
    const std::vector<std::string>& extra_args, bool with_token) {
  std::vector<std::string> argv = base_args();
  if (with_token) {
    argv.push_back("--admin-token-file");
    argv.push_back(token_file_);
  }
  argv.insert(argv.end(), extra_args.begin(), extra_args.end());
  if (!stderr_file_.empty()) {
    // The path is the script's only interpolation; TempDir paths hold no quote.
    argv.insert(argv.begin(), {"/bin/sh", "-c", "exec \"$0\" \"$@\" 2>>'" + stderr_file_ + "'"});
  }
  OperatorProcess op;
  op.process = std::make_unique<ChildProcess>(argv);
  auto line = op.process->read_line(30s);
  if (!line) return nullptr;
  const auto j = nlohmann::json::parse(*line, nullptr, false);
  if (j.is_discarded() || !j.contains("api")) return nullptr;
  op.api = strip_scheme(j["api"].get<std::string>());
  operator_ = std::move(op);
  return &*operator_;
}

std::optional<sim::test::RawResponse> OperatorFixture::get(
    const std::string& target, const std::map<std::string, std::string>& headers) {
  if (!operator_) return std::nullopt;
  return sim::test::http_request(operator_->api, "GET", target, "", headers);
}

std::optional<sim::test::RawResponse> OperatorFixture::post(
    const std::string& target, const std::string& body,
    const std::map<std::string, std::string>& headers) {
  if (!operator_) return std::nullopt;
  return sim::test::http_request(operator_->api, "POST", target, body, headers);
}

nlohmann::json OperatorFixture::get_json(const std::string& target) {
  auto response = get(target);
  if (!response) return nullptr;
  auto j = nlohmann::json::parse(response->body, nullptr, false);
  return j.is_discarded() ? nlohmann::json(nullptr) : j;
}

nlohmann::json OperatorFixture::wait_for(const std::string& target,
                                         const std::function<bool(const nlohmann::json&)>& ready,
                                         std::chrono::milliseconds deadline) {
  const auto until = std::chrono::steady_clock::now() + deadline;
  nlohmann::json last;
  while (std::chrono::steady_clock::now() < until) {
    last = get_json(target);
    if (!last.is_null() && ready(last)) return last;
    std::this_thread::sleep_for(200ms);
  }
  return last;
}

bool OperatorFixture::wait_ready(std::chrono::milliseconds deadline) {
  const auto j = wait_for(
      "/readyz", [](const nlohmann::json& j) { return j.value("ready", false); }, deadline);
  return !j.is_null() && j.value("ready", false);
}

nlohmann::json OperatorFixture::world() {
  auto response = sim::test::http_request(sim_.control, "GET", "/world", "", {});
  if (!response) return nullptr;
  auto j = nlohmann::json::parse(response->body, nullptr, false);
  return j.is_discarded() ? nlohmann::json(nullptr) : j;
}

}  // namespace scaleio::testing
