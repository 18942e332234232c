// The real programs, wired as in production: scaleio-sim (Mesos master + ScaleIO gateway) and
// scaleio-operator against it, each a child process on 127.0.0.1 with ports chosen by the kernel.
// Shared by the daemon's end-to-end tests, its crash tests and the demo test.
#pragma once

#include <chrono>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "tests/sim/raw_http_client.h"
#include "tests/support/child_process.h"
#include "tests/support/temp_dir.h"

namespace scaleio::testing {

using namespace std::chrono_literals;

inline constexpr const char* kAdminToken = "test-admin-token-5d1f0c";
inline constexpr const char* kGatewayPassword = "Scaleio123";

struct SimProcess {
  std::unique_ptr<ChildProcess> process;
  std::string mesos;          // "127.0.0.1:PORT"
  std::string gateway;        // "http://127.0.0.1:PORT"
  std::string control;        // "127.0.0.1:PORT"
  std::string mesos_standby;  // "127.0.0.1:PORT": answers 307 to the leader until a failover
};

// Starts scaleio-sim with `args` (agents, seed, time scale...) and reads its addresses.
SimProcess start_sim(const std::vector<std::string>& args);

struct OperatorProcess {
  std::unique_ptr<ChildProcess> process;
  std::string api;  // "127.0.0.1:PORT"
};

class OperatorFixture {
 public:
  // `sim_args` for scaleio-sim; the operator gets the sim's addresses plus `extra_args`.
  explicit OperatorFixture(std::vector<std::string> sim_args = {"--agents", "6", "--seed", "7",
                                                                "--time-scale", "50"});
  ~OperatorFixture();

  // Starts (or restarts) the operator over the same data dir. Null when it did not print its
  // address in time (its stderr is in the test output).
  OperatorProcess* start_operator(const std::vector<std::string>& extra_args = {},
                                  bool with_token = true);
  // Why the last start_operator() returned null (no line in time, the process ended, the line).
  const std::string& start_problem() const { return start_problem_; }

  std::optional<sim::test::RawResponse> get(const std::string& target,
                                            const std::map<std::string, std::string>& headers = {});
  std::optional<sim::test::RawResponse> post(
      const std::string& target, const std::string& body = "",
      const std::map<std::string, std::string>& headers = {});
  // GET returning parsed JSON (null on any failure).
  nlohmann::json get_json(const std::string& target);
  // Polls `target` until `ready(json)` or the deadline; returns the last JSON seen.
  nlohmann::json wait_for(const std::string& target,
                          const std::function<bool(const nlohmann::json&)>& ready,
                          std::chrono::milliseconds deadline);
  bool wait_ready(std::chrono::milliseconds deadline);
  // Operators started from now on append their stderr to `path` instead of the test's stderr
  // (through `/bin/sh -c exec`, so the child's pid is still the operator's). Empty: inherit.
  void capture_operator_stderr(std::string path) { stderr_file_ = std::move(path); }

  // The simulated world as the control API shows it.
  nlohmann::json world();
  // POST to the simulator's control API (fault injection); null when it did not answer.
  std::optional<sim::test::RawResponse> control(const std::string& target,
                                                const std::string& body = "");
  // Every event of the log through the API's pages, in order, checking nothing on the way.
  std::vector<nlohmann::json> all_events();
  // The /metrics text (empty when the operator did not answer).
  std::string metrics_text();

  std::vector<std::string> base_args() const;
  const std::string& data_dir() const { return data_dir_; }
  TempDir& dir() { return dir_; }
  SimProcess& sim() { return sim_; }
  std::optional<OperatorProcess>& operator_process() { return operator_; }

 private:
  TempDir dir_;
  std::string data_dir_;
  std::string password_file_;
  std::string token_file_;
  std::string stderr_file_;
  std::string start_problem_;
  SimProcess sim_;
  std::optional<OperatorProcess> operator_;
};

// The sequences of `events` are 1..N with no gap and no repeat.
bool sequences_contiguous(const std::vector<nlohmann::json>& events);

// The value of an unlabelled sample, or of the first sample whose line contains `labels`.
std::optional<double> metric_value(const std::string& text, const std::string& name,
                                   const std::string& labels = "");

}  // namespace scaleio::testing
