#include "cli/operator/daemon.h"

#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <random>

#include "adapters/metrics/observed_state_metrics.h"
#include "cli/operator/api_routes.h"
#include "cli/operator/reconciler_set.h"
#include "core/observed/drift.h"

namespace scaleio::operator_daemon {

namespace {

// Offers the reconcilers did not take are declined by the Mesos client after this long; the pool
// forgets them a little earlier, so nobody launches on an offer already declined.
constexpr auto kOfferHold = std::chrono::seconds(10);
constexpr auto kOfferMaxAge = std::chrono::seconds(8);

std::string self_directory() {
  std::error_code ec;
  auto exe = std::filesystem::read_symlink("/proc/self/exe", ec);
  return ec ? std::string(".") : exe.parent_path().string();
}

// scaleio-node beside this program (installed layout), or in the build tree's sibling folder.
std::string default_node_binary() {
  const std::string dir = self_directory();
  for (const std::string& candidate :
       {dir + "/scaleio-node", dir + "/../scaleio_node/scaleio-node"}) {
    if (::access(candidate.c_str(), X_OK) == 0) {
      return std::filesystem::weakly_canonical(candidate).string();
    }
  }
  return {};
}

// A secret from its file, else from the environment variable; nullopt when neither is given.
Result<std::optional<gateway::Password>> read_secret(const std::string& file,
                                                     const std::string& flag,
                                                     const std::string& env_var) {
  if (!file.empty()) {
    auto secret = gateway::password_from_file(file);
    if (!secret.ok()) {
      return invalid_argument("--" + flag + ": " + secret.status().message() +
                              "; the file must exist and be readable by the operator");
    }
    if (secret->empty())
      return invalid_argument("--" + flag + ": the file '" + file + "' is empty");
    return std::optional<gateway::Password>(std::move(*secret));
  }
  auto from_env = gateway::password_from_env(env_var);
  if (from_env.ok()) return std::optional<gateway::Password>(std::move(*from_env));
  return std::optional<gateway::Password>();
}

}  // namespace

Daemon::Daemon(OperatorSettings settings, Logger& log, const Clock& clock)
    : settings_(std::move(settings)),
      log_(log),
      clock_(clock),
      metrics_(metrics::BuildInfo{SCALEIO_VERSION, SCALEIO_COMMIT}),
      gateway_requests_(metrics_),
      gateway_hang_(metrics_, settings_.gateway_request_stuck_after) {}

Daemon::~Daemon() {
  stop();
}

Status Daemon::start() {
  if (started_.exchange(true)) return failed_precondition("the daemon was already started");
  log_.info("operator", "starting",
            {{"version", SCALEIO_VERSION},
             {"data_dir", settings_.data_dir},
             {"gateway", settings_.gateway},
             {"listen", settings_.listen}});
  for (auto step : {&Daemon::read_secrets, &Daemon::open_event_log, &Daemon::start_gateway,
                    &Daemon::start_mesos, &Daemon::start_reconcilers, &Daemon::start_http}) {
    if (Status s = (this->*step)(); !s.ok()) {
      stop();
      return s;
    }
  }
  log_.info("operator", "started", {{"api", api_address()}});
  return {};
}

Status Daemon::read_secrets() {
  auto password = read_secret(settings_.gateway_password_file, "gateway-password-file",
                              "SCALEIO_GATEWAY_PASSWORD");
  if (!password.ok()) return password.status();
  if (!*password) {
    return invalid_argument(
        "--gateway-password-file is required: a file holding the gateway password (or the "
        "environment variable SCALEIO_GATEWAY_PASSWORD)");
  }
  gateway_password_ = std::move(**password);
  log_.redact(gateway_password_.reveal());

  auto token = read_secret(settings_.admin_token_file, "admin-token-file", "SCALEIO_ADMIN_TOKEN");
  if (!token.ok()) return token.status();
  if (*token) {
    admin_token_ = (*token)->reveal();
    log_.redact(*admin_token_);
  } else {
    log_.warn("api", "no --admin-token-file: state-changing endpoints are disabled");
  }

  node_binary_ = settings_.node_binary.empty() ? default_node_binary() : settings_.node_binary;
  if (!settings_.node_binary.empty() && ::access(node_binary_.c_str(), R_OK) != 0) {
    return invalid_argument("--node-binary: cannot read '" + node_binary_ +
                            "'; give the path of the scaleio-node program");
  }
  if (node_binary_.empty()) {
    log_.warn("api",
              "scaleio-node not found beside this program: agents cannot fetch it until "
              "--node-binary is given");
  }
  return {};
}

Status Daemon::open_event_log() {
  std::error_code ec;
  if (!std::filesystem::exists(settings_.data_dir, ec)) {
    if (!std::filesystem::create_directories(settings_.data_dir, ec)) {
      return invalid_argument("--data-dir: cannot create '" + settings_.data_dir +
                              "': " + ec.message());
    }
  }
  ::chmod(settings_.data_dir.c_str(), 0700);  // events name hosts and IPs: keep them private
  eventlog::EventLogOptions options;
  options.clock = &clock_;
  auto opened = eventlog::RocksEventLog::open(settings_.data_dir, options);
  if (!opened.ok()) {
    return Status(opened.status().code(), "--data-dir: " + opened.status().message());
  }
  rocks_ = std::move(*opened);
  store_ = std::make_unique<TimedEventStore>(*rocks_, metrics_);
  metrics_.set_eventlog_last_sequence(rocks_->last_sequence());
  log_.info("eventlog", "opened",
            Logger::Fields{{"last_sequence", std::to_string(rocks_->last_sequence())}});
  return {};
}

Status Daemon::start_gateway() {
  auto url = gateway::parse_gateway_url(settings_.gateway);
  if (!url.ok()) return invalid_argument("--gateway: " + url.status().message());
  gateway::GatewayClientOptions options;
  options.url = *url;
  options.credentials = {settings_.gateway_user, gateway_password_};
  options.tls.ca_file = settings_.gateway_ca_file;
  options.tls.insecure_skip_verify = settings_.gateway_insecure;
  options.on_request = gateway_requests_.observer();
  options.clock = &clock_;
  auto client = gateway::HttpGatewayClient::create(options);
  if (!client.ok()) {
    return Status(client.status().code(), "--gateway: " + client.status().message());
  }
  gateway_ = std::move(*client);
  if (settings_.gateway_insecure) {
    log_.warn("gateway", "TLS verification is OFF (--gateway-insecure): lab use only");
  }

  gateway::ObserverOptions observe;
  observe.period = settings_.observe_interval;
  observe.gateway = url->origin();
  observer_ = std::make_unique<gateway::GatewayObserver>(*gateway_, *store_, observe);
  if (Status s = observer_->load(); !s.ok()) return s;
  observer_->start();
  return {};
}

Status Daemon::start_mesos() {
  offers_ = std::make_unique<reconcilers::OfferPool>(clock_, kOfferMaxAge);
  mesos_events_ = std::make_unique<MesosEvents>(*offers_, metrics_, log_, [this] {
    // Runs on the Mesos thread; the runtime may not exist yet during start-up.
    if (auto* runtime = runtime_ptr_.load()) {
      runtime->wake("nodes");
      runtime->wake("mdm_quorum");
    }
  });
  mesos::SchedulerOptions options;
  options.masters = settings_.masters;
  options.framework.name = settings_.framework_name;
  options.framework.roles = {settings_.role};
  options.framework.principal = settings_.principal;
  options.framework.failover_timeout_seconds =
      static_cast<double>(settings_.failover_timeout.count());
  options.framework.webui_url = settings_.advertise_url + "/ui";
  options.secret_file = settings_.secret_file;
  options.offer_hold = kOfferHold;
  options.agent_gone_after = settings_.agent_gone_after;
  options.clock = &clock_;
  options.log = [this](const std::string& line) { log_.info("mesos", line); };
  mesos_ = std::make_unique<mesos::SchedulerClient>(*store_, *mesos_events_, options);
  if (Status s = mesos_->start(); !s.ok()) {
    return Status(s.code(), "Mesos (--master, --secret-file): " + s.message());
  }
  driver_ = std::make_unique<CountingMesosDriver>(*mesos_, metrics_);
  return {};
}

Status Daemon::start_reconcilers() {
  plan::ClusterSettings cluster;
  cluster.cluster_name = settings_.cluster_name;
  cluster.adopt_mdm_ips = settings_.mdm_ips;
  cluster.default_domain = settings_.default_domain;
  cluster.default_pool = settings_.default_pool;
  cluster.default_devices = settings_.default_devices;

  // One set of projections for the API and every loop (each loop adds its own journal part).
  auto projections = std::make_shared<reconcilers::SharedProjections>(*store_, cluster);
  api_state_ = std::make_unique<reconcilers::LiveState>(projections);
  auto loaded = api_state_->load();
  if (!loaded.ok()) return loaded.status();
  // Before the loops start: after a long replay it saves at once, so their loads start from it.
  snapshots_ = std::make_unique<SnapshotKeeper>(*store_, *api_state_, state_mu_, log_, clock_);
  snapshots_->start(*loaded);

  reconcilers_ = make_reconcilers(ReconcilerDeps{*gateway_, *driver_, *offers_, settings_});
  std::vector<reconcilers::Reconciler*> loops;
  for (auto& r : reconcilers_) loops.push_back(r.get());

  reconcilers::RuntimeOptions options;
  options.cluster = cluster;
  options.projections = projections;
  options.allow_removals = settings_.allow_removals;
  options.refresh_observation = [this]() -> Status {
    auto polled = observer_->poll_once();
    return polled.ok() ? Status() : polled.status();
  };
  std::random_device seed;
  auto random = [rng = std::mt19937_64(seed())]() mutable {
    return std::uniform_real_distribution<double>(0.0, 1.0)(rng);
  };
  runtime_ =
      std::make_unique<reconcilers::ThreadedRuntime>(*store_, clock_, random, options, loops, this);
  runtime_->start();
  runtime_ptr_ = runtime_.get();
  return {};
}

Status Daemon::start_http() {
  router_ = std::make_unique<http::Router>(admin_token_);
  if (Status s = add_api_routes(*router_, *this); !s.ok()) return s;
  http::HttpServerOptions options;
  options.server_name = "scaleio-operator";
  options.allow_non_loopback = true;  // --listen decides; the default is loopback
  server_ = std::make_unique<http::HttpServer>(io_, router_->handler(), options);
  if (Status s = server_->listen(settings_.listen); !s.ok()) {
    return Status(s.code(), "--listen " + settings_.listen + ": " + s.message());
  }
  io_thread_ = std::thread([this] { io_.run(); });
  return {};
}

void Daemon::stop() {
  if (stopping_.exchange(true)) return;
  log_.info("operator", "stopping: finishing the current passes");
  runtime_ptr_ = nullptr;
  if (runtime_) runtime_->stop();
  if (observer_) observer_->stop();
  if (mesos_) mesos_->stop();
  if (server_) {
    boost::asio::post(io_, [this] { server_->stop(); });
  }
  io_.stop();
  if (io_thread_.joinable()) io_thread_.join();
  server_.reset();
  // Nothing appends any more: the next start replays nothing.
  if (snapshots_) snapshots_->stop_and_save();
  log_.info("operator", "stopped");
  log_.flush();
}

std::string Daemon::api_address() const {
  return server_ ? server_->address() : std::string();
}

Daemon::Readiness Daemon::readiness() const {
  Readiness r;
  if (!rocks_) {
    r.failing.emplace_back("eventlog", "the event log is not open");
  } else if (Status writable = rocks_->write_health(); !writable.ok()) {
    // A full or read-only data disk: nothing can be recorded, so nothing is done. An idle daemon
    // may have nothing to append when space comes back: the check itself tries to reopen.
    if (Status resumed = rocks_->resume_writes(); !resumed.ok()) {
      r.failing.emplace_back("eventlog",
                             "cannot append, so the reconcilers cannot act: " + resumed.message());
    }
  }
  if (!mesos_events_ || !mesos_events_->is_subscribed()) {
    std::string why = "not subscribed to the Mesos master";
    if (mesos_events_ && !mesos_events_->last_problem().empty()) {
      why += ": " + mesos_events_->last_problem();
    }
    r.failing.emplace_back("mesos", why);
  }
  if (!observer_) {
    r.failing.emplace_back("gateway", "the gateway observer is not running");
  } else {
    const auto state = observer_->state();
    if (!state.reachable) {
      r.failing.emplace_back(
          "gateway", state.ever_reached ? "gateway unreachable: " + state.last_error
                                        : "gateway not reached yet" +
                                              (state.last_error.empty() ? std::string()
                                                                        : ": " + state.last_error));
    }
  }
  if (gateway_) {
    // Named while the request still hangs, long before the client gives up on it.
    const auto oldest = gateway_->oldest_in_flight();
    gateway_hang_.record(oldest);
    if (auto why = gateway_hang_.problem(oldest, gateway_->session().url().origin())) {
      r.failing.emplace_back("gateway_request", *why);
    }
  }
  r.ready = r.failing.empty();
  return r;
}

Status Daemon::with_state(const std::function<void(const reconcilers::LiveState&)>& fn) {
  std::lock_guard lock(state_mu_);
  if (!api_state_) return unavailable("the daemon is starting");
  if (auto caught = api_state_->catch_up(); !caught.ok()) return caught.status();
  fn(*api_state_);
  api_state_->release_projections();  // not pinned between requests (see ReconcilerLoop)
  return {};
}

std::vector<reconcilers::ReconcilerStatus> Daemon::reconciler_status() const {
  return runtime_ ? runtime_->status() : std::vector<reconcilers::ReconcilerStatus>();
}

std::vector<std::string> Daemon::reconciler_names() const {
  return runtime_ ? runtime_->names() : std::vector<std::string>();
}

std::optional<std::string> Daemon::framework_id() const {
  return mesos_ ? mesos_->framework_id() : std::nullopt;
}

std::string Daemon::metrics_text() {
  if (observer_) metrics::record_observed(metrics_, observer_->state());
  if (rocks_) metrics_.set_eventlog_last_sequence(rocks_->last_sequence());
  if (gateway_) gateway_hang_.record(gateway_->oldest_in_flight());
  if (mesos_) {
    metrics_.set_mesos_subscribed(mesos_->subscribed());
    // Offers the client declined on its own (unused past the hold), counted once each.
    const uint64_t declined = mesos_->counters().offers_declined;
    std::lock_guard lock(demand_mu_);
    if (declined > declines_counted_) {
      metrics_.offers_handled(metrics::OfferOutcome::kDeclined, declined - declines_counted_);
      declines_counted_ = declined;
    }
  }
  bool converged = runtime_ != nullptr;
  const int64_t now_ms = clock_.now_unix_ms();
  for (const auto& status : reconciler_status()) {
    metrics_.set_reconciler_paused(status.name, status.paused);
    // Only targets still waiting: a failure whose backoff has run out is not backed off from
    // (an ended node task's record stays failed for good once the relaunch is under way).
    const auto waiting =
        std::count_if(status.backoff.begin(), status.backoff.end(),
                      [now_ms](const auto& r) { return r.next_attempt_unix_ms > now_ms; });
    metrics_.set_reconciler_backoff_targets(status.name, static_cast<int64_t>(waiting));
    if (status.last_result.empty() || !status.drift.empty()) converged = false;
  }
  metrics_.set_converged(converged);
  return metrics_.serialize();
}

void Daemon::pass_finished(std::string_view reconciler, const reconcilers::PassOutcome& outcome,
                           double duration_seconds, std::string_view result) {
  const auto r = result == "success" ? metrics::ReconcileResult::kSuccess
                 : result == "error" ? metrics::ReconcileResult::kError
                                     : metrics::ReconcileResult::kSkipped;
  metrics_.reconcile_done(reconciler, r, duration_seconds);
  if (result != "paused") metrics_.set_drift(reconciler, outcome.drift);
  if (r == metrics::ReconcileResult::kError) {
    log_.warn("reconcile", "pass failed",
              {{"reconciler", std::string(reconciler)}, {"error", outcome.status.to_string()}});
  } else if (outcome.actions_taken > 0) {
    log_.info("reconcile", "pass acted",
              {{"reconciler", std::string(reconciler)},
               {"actions", std::to_string(outcome.actions_taken)},
               {"drift_left", std::to_string(outcome.drift.size())}});
  }
  apply_offer_demand();
}

// Revive when a reconciler starts needing offers, suppress when none does: an idle converged
// cluster receives (and declines) no offers at all.
void Daemon::apply_offer_demand() {
  if (!offers_ || !driver_) return;
  const bool demand = offers_->demand();
  std::lock_guard lock(demand_mu_);
  if (applied_demand_ == demand) return;
  Status s = demand ? driver_->revive() : driver_->suppress();
  if (s.ok()) {
    applied_demand_ = demand;
    log_.info("mesos", demand ? "reviving offers" : "suppressing offers");
  }
}

}  // namespace scaleio::operator_daemon
