#include "tests/operator/operator_fixture.h"

#include <csignal>
#include <fstream>
#include <sstream>
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
                                   "--gateway-listen", "127.0.0.1:0",    "--control-listen",
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
  sim.mesos_standby = addresses.value("mesos_standby", std::string());
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

OperatorProcess* OperatorFixture::start_operator(const std::vector<std::string>& extra_args,
                                                 bool with_token) {
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
  const auto started = std::chrono::steady_clock::now();
  auto line = op.process->read_line(30s);
  if (!line) {
    const int exit_code = op.process->wait(0ms);
    start_problem_ = "no address line after " +
                     std::to_string(std::chrono::duration_cast<std::chrono::milliseconds>(
                                        std::chrono::steady_clock::now() - started)
                                        .count()) +
                     " ms (" + op.process->read_problem() + "); " +
                     (exit_code == -1 ? "still running" : "exited " + std::to_string(exit_code));
    operator_ = std::move(op);  // the caller may still kill it or read its state
    return nullptr;
  }
  const auto j = nlohmann::json::parse(*line, nullptr, false);
  if (j.is_discarded() || !j.contains("api")) {
    start_problem_ = "unexpected first line on stdout: " + *line;
    return nullptr;
  }
  start_problem_.clear();
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

std::optional<sim::test::RawResponse> OperatorFixture::control(const std::string& target,
                                                               const std::string& body) {
  return sim::test::http_request(sim_.control, "POST", target, body, {});
}

std::vector<nlohmann::json> OperatorFixture::all_events() {
  std::vector<nlohmann::json> out;
  uint64_t from = 1;
  for (int page = 0; page < 1000; ++page) {
    const nlohmann::json j = get_json("/v1/events?limit=10000&from=" + std::to_string(from));
    if (!j.contains("events") || j["events"].empty()) break;
    for (const auto& e : j["events"]) out.push_back(e);
    from = j["next"].get<uint64_t>();
    if (from > j["lastSequence"].get<uint64_t>()) break;
  }
  return out;
}

std::string OperatorFixture::metrics_text() {
  auto response = get("/metrics");
  return response && response->status == 200 ? response->body : std::string();
}

bool sequences_contiguous(const std::vector<nlohmann::json>& events) {
  for (size_t i = 0; i < events.size(); ++i) {
    if (events[i]["sequence"].get<uint64_t>() != i + 1) return false;
  }
  return true;
}

std::optional<double> metric_value(const std::string& text, const std::string& name,
                                   const std::string& labels) {
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) {
    if (line.empty() || line[0] == '#') continue;
    if (line.rfind(name, 0) != 0) continue;
    const char next = line.size() > name.size() ? line[name.size()] : ' ';
    if (next != ' ' && next != '{') continue;
    if (!labels.empty() && line.find(labels) == std::string::npos) continue;
    return std::stod(line.substr(line.rfind(' ') + 1));
  }
  return std::nullopt;
}

}  // namespace scaleio::testing
