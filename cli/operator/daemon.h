// scaleio-operator, composed: the event log, the Mesos scheduler client, the gateway client and
// its observer, the reconcile runtime with the four reconcilers, metrics, and the HTTP API.
// main() parses the settings, creates a Daemon, start()s it and stop()s it on SIGTERM/SIGINT.
#pragma once

#include <boost/asio/io_context.hpp>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "adapters/http/http_server.h"
#include "adapters/http/router.h"
#include "adapters/mesos/scheduler_client.h"
#include "adapters/metrics/gateway_request_recorder.h"
#include "adapters/metrics/operator_metrics.h"
#include "adapters/scaleio/gateway_observer.h"
#include "adapters/scaleio/http_gateway_client.h"
#include "cli/operator/counting_driver.h"
#include "cli/operator/gateway_hang_check.h"
#include "cli/operator/logger.h"
#include "cli/operator/mesos_events.h"
#include "cli/operator/settings.h"
#include "cli/operator/snapshot_keeper.h"
#include "cli/operator/timed_event_store.h"
#include "eventlog/rocks_event_log.h"
#include "reconcilers/offer_pool.h"
#include "reconcilers/reconciler.h"
#include "reconcilers/runtime/live_state.h"
#include "reconcilers/runtime/threaded_runtime.h"

namespace scaleio::operator_daemon {

class Daemon final : public reconcilers::RuntimeObserver {
 public:
  Daemon(OperatorSettings settings, Logger& log, const Clock& clock = SystemClock::instance());
  ~Daemon() override;
  Daemon(const Daemon&) = delete;
  Daemon& operator=(const Daemon&) = delete;

  // Opens the log, reads the secrets, connects (in the background) to Mesos and the gateway,
  // starts the reconcilers and the HTTP API. An error names the setting or the resource at fault.
  Status start();
  // Drains: the reconcilers finish their current pass, the streams close, the log is flushed.
  // Idempotent.
  void stop();

  // "127.0.0.1:9110" once listening.
  std::string api_address() const;

  // --- for the HTTP API (api_routes.cpp) ---
  struct Readiness {
    bool ready = false;
    std::vector<std::pair<std::string, std::string>> failing;  // check -> why
  };
  Readiness readiness() const;
  // Runs `fn` with the API's view of the state, caught up with the log first.
  Status with_state(const std::function<void(const reconcilers::LiveState&)>& fn);
  std::vector<reconcilers::ReconcilerStatus> reconciler_status() const;
  std::vector<std::string> reconciler_names() const;
  std::string metrics_text();
  EventStore& store() { return *store_; }
  const Clock& clock() const { return clock_; }
  boost::asio::io_context& io() { return io_; }
  const std::string& node_binary() const { return node_binary_; }
  std::optional<std::string> framework_id() const;
  Logger& log() { return log_; }
  bool stopping() const { return stopping_.load(); }

  // RuntimeObserver
  void pass_finished(std::string_view reconciler, const reconcilers::PassOutcome& outcome,
                     double duration_seconds, std::string_view result) override;

 private:
  Status open_event_log();
  Status read_secrets();
  Status start_gateway();
  Status start_mesos();
  Status start_reconcilers();
  Status start_http();
  void apply_offer_demand();

  OperatorSettings settings_;
  Logger& log_;
  const Clock& clock_;

  metrics::OperatorMetrics metrics_;
  metrics::GatewayRequestRecorder gateway_requests_;
  GatewayHangCheck gateway_hang_;
  std::unique_ptr<eventlog::RocksEventLog> rocks_;
  std::unique_ptr<TimedEventStore> store_;

  gateway::Password gateway_password_;
  std::optional<std::string> admin_token_;
  std::string node_binary_;

  std::unique_ptr<gateway::HttpGatewayClient> gateway_;
  std::unique_ptr<gateway::GatewayObserver> observer_;

  std::unique_ptr<reconcilers::OfferPool> offers_;
  std::unique_ptr<MesosEvents> mesos_events_;
  std::unique_ptr<mesos::SchedulerClient> mesos_;
  std::unique_ptr<CountingMesosDriver> driver_;
  std::mutex demand_mu_;
  std::optional<bool> applied_demand_;
  uint64_t declines_counted_ = 0;

  std::vector<std::unique_ptr<reconcilers::Reconciler>> reconcilers_;
  std::unique_ptr<reconcilers::ThreadedRuntime> runtime_;
  std::atomic<reconcilers::ThreadedRuntime*> runtime_ptr_{nullptr};

  std::mutex state_mu_;
  std::unique_ptr<reconcilers::LiveState> api_state_;
  std::unique_ptr<SnapshotKeeper> snapshots_;  // saves api_state_'s snapshots

  boost::asio::io_context io_;
  std::unique_ptr<http::Router> router_;
  std::unique_ptr<http::HttpServer> server_;
  std::thread io_thread_;

  std::atomic<bool> started_{false};
  std::atomic<bool> stopping_{false};
};

}  // namespace scaleio::operator_daemon
