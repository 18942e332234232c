#include "sim/dst/simulation.h"

#include <cstdlib>
#include <filesystem>
#include <map>

#include "reconcilers/mdm_quorum/mdm_quorum_reconciler.h"
#include "reconcilers/nodes/nodes_reconciler.h"
#include "reconcilers/sdc_mappings/sdc_mappings_reconciler.h"
#include "reconcilers/storage_pools/storage_pools_reconciler.h"
#include "sim/cluster_spec.h"
#include "sim/dst/simulation_parts.h"

namespace scaleio::dst {

namespace {

using std::chrono::duration_cast;
using std::chrono::milliseconds;
using std::chrono::minutes;
using std::chrono::seconds;

// Offers unused this long are declined; the pool forgets them a little earlier (as the daemon).
constexpr auto kOfferHold = seconds(10);
constexpr auto kOfferMaxAge = seconds(8);
// The observer's period (the daemon's --observe-interval; its default is 10 s).
constexpr auto kObserveInterval = seconds(15);
constexpr auto kWorldTick = seconds(1);

// Independent streams of one seed: a change in how one part draws does not move the others.
uint64_t stream_seed(uint64_t seed, uint64_t stream) {
  uint64_t x =
      seed * 0x9e3779b97f4a7c15ull + stream * 0xbf58476d1ce4e5b9ull + 0x94d049bb133111ebull;
  x ^= x >> 31;
  x *= 0xd6e9d3b5f1c1a0c3ull;
  x ^= x >> 29;
  return x;
}
enum Stream : uint64_t {
  kCluster = 1,
  kFaults,
  kWorld,
  kMaster,
  kTransport,
  kDriver,
  kRuntime,
  kClient,
  kScenario
};

std::string duration_text(Clock::Duration d) {
  const auto total = duration_cast<seconds>(d).count();
  const auto m = total / 60;
  const auto s = total % 60;
  return m > 0 ? std::to_string(m) + "m" + std::to_string(s) + "s" : std::to_string(s) + "s";
}

std::string make_log_dir(const std::string& root) {
  // Not /dev/shm: RocksDB preallocates its WAL, which tmpfs really allocates (and frees at close);
  // on a disk it is a cheap reservation, and without sync nothing waits for the disk.
  const std::string base = root.empty() ? std::filesystem::temp_directory_path().string() : root;
  std::string pattern = base + "/scaleio-dst-XXXXXX";
  if (::mkdtemp(pattern.data()) == nullptr) return {};
  return pattern;
}

uint64_t fnv1a(uint64_t h, const std::string& bytes) {
  for (unsigned char c : bytes) {
    h ^= c;
    h *= 0x100000001b3ull;
  }
  return h;
}

std::string hex(uint64_t v) {
  char buf[17];
  std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(v));
  return buf;
}

}  // namespace

std::string SimulationResult::summary() const {
  std::string out = "seed " + std::to_string(seed) + ": ";
  out += passed() ? "ok" : "FAILED";
  out += " (" + std::to_string(agents) + " agents, " + std::to_string(faults.size()) + " faults, " +
         std::to_string(restarts) + " restarts, " + std::to_string(events) + " events" +
         (allow_removals ? ", --allow-removals" : "");
  if (converged) out += ", settled in " + duration_text(settle_time);
  out += ")";
  for (const auto& v : violations) {
    out += "\n  " + v.invariant + " at " + duration_text(violation_at) + ": " + v.detail;
  }
  if (!converged && violations.empty()) out += "\n  did not converge: " + not_converged;
  return out;
}

// --- the run ------------------------------------------------------------------------------------

namespace {

class Run {
 public:
  Run(const SimulationOptions& options, Simulation& simulation, Simulation::Parts& parts)
      : options_(options), simulation_(simulation), p_(parts) {}

  SimulationResult run();

 private:
  void build_world();
  Status open_log();
  void start_operator();
  void stop_operator();
  void restart_operator(const std::string& why);
  void operator_step();
  void follow_log();
  void apply_offer_demand();
  void world_tick();
  void apply_fault(const Fault& fault);
  void undo(const Fault& fault);
  void stop_faults();
  void plant_foreign_volume();
  void check_step();
  void check_projections_now();
  std::string unconverged() const;
  void record_costs(uint64_t& observations, std::map<std::string, uint64_t>& gateway,
                    std::map<std::string, uint64_t>& mesos) const;
  void record_idle();
  void trace_state();
  void trace_event(const Envelope& e);
  void violate(Violation v);
  void note(const std::string& line);
  Clock::Duration elapsed() const { return p_.world->clock().now() - start_; }

  const SimulationOptions& options_;
  Simulation& simulation_;
  Simulation::Parts& p_;
  SimulationResult result_;

  std::mt19937_64 scenario_{0};
  Clock::TimePoint start_{};
  Clock::TimePoint faults_end_{};
  Clock::TimePoint deadline_{};
  Clock::TimePoint next_tick_{};
  bool faults_stopped_ = false;
  Clock::TimePoint settle_start_{};
  // Timed things to do: faults and their undoing.
  std::multimap<Clock::TimePoint, std::pair<Fault, bool>> agenda_;  // bool: undo
  Clock::TimePoint plant_at_{};
  bool planted_ = false;
  std::map<std::string, int> added_devices_;
  int added_volumes_ = 0;
  uint64_t runtime_streams_ = 0;
  bool world_changed_ = true;  // since the last created-once check
  // SimulationOptions::idle_after: where the quiet time ends, what had been done before it.
  Clock::TimePoint idle_end_{};
  uint64_t converged_events_ = 0;
  uint64_t converged_passes_ = 0;
  Clock::TimePoint clock_now() const { return p_.world->clock().now(); }
};

void Run::note(const std::string& line) {
  if (options_.trace) result_.trace.push_back("[" + duration_text(elapsed()) + "] " + line);
}

void Run::violate(Violation v) {
  if (!result_.violations.empty()) return;
  note("VIOLATION " + v.invariant + ": " + v.detail);
  result_.violation_at = elapsed();
  result_.violations.push_back(std::move(v));
}

void Run::build_world() {
  std::mt19937_64 cluster_rng(stream_seed(options_.seed, kCluster));
  const int span = std::max(0, options_.max_agents - options_.min_agents);
  result_.agents = options_.min_agents + static_cast<int>(cluster_rng() % (span + 1));
  result_.allow_removals = cluster_rng() % 5 == 0;
  p_.allow_removals = result_.allow_removals;
  auto spec = sim::generate_cluster_spec(result_.agents, stream_seed(options_.seed, kCluster));

  sim::SimGatewayWorldOptions world;
  world.seed = stream_seed(options_.seed, kWorld);
  if (options_.faults.count(FaultKind::kSlowWorld)) {
    std::mt19937_64 slow(stream_seed(options_.seed, kWorld) + 1);
    world.world.sds_join_delay = seconds(5 + slow() % 120);
    world.world.device_test_delay = seconds(10 + slow() % 300);
    world.world.rebalance_base = seconds(30 + slow() % 600);
    world.world.rebalance_kb_per_second = 1024 * (16 + static_cast<int64_t>(slow() % 240));
  }
  p_.world = std::make_unique<sim::SimGatewayWorld>(world);
  p_.hooks = std::make_unique<WorldHooks>(*p_.world);
  p_.master = std::make_unique<sim::MesosMaster>(
      p_.world->clock(), stream_seed(options_.seed, kMaster), spec->agents, p_.hooks.get());
  p_.cluster.cluster_name = "scaleio";
}

Status Run::open_log() {
  p_.log.reset();
  eventlog::EventLogOptions options;
  options.sync = false;  // a process crash keeps what was written; the machine does not crash
  options.clock = &p_.world->clock();
  options.group_commit_wait = std::chrono::microseconds(0);
  auto log = eventlog::RocksEventLog::open(p_.log_dir, options);
  if (!log.ok()) return log.status();
  p_.log = std::move(*log);
  return Status();
}

void Run::start_operator() {
  OperatorProcess& proc = p_.process;
  ++runtime_streams_;
  auto transport =
      std::make_unique<SeededTransport>(p_.world->transport(), p_.world->clock(),
                                        stream_seed(options_.seed, kTransport) + runtime_streams_,
                                        p_.transport_faults, p_.crash, p_.transport_counters);
  gateway::GatewayClientOptions client_options = p_.world->client_options();
  auto client_rng =
      std::make_shared<std::mt19937_64>(stream_seed(options_.seed, kClient) + runtime_streams_);
  client_options.random = [client_rng] {
    return std::uniform_real_distribution<double>(0.0, 1.0)(*client_rng);
  };
  // A retry's wait is simulated time passing.
  client_options.sleeper = [&clock = p_.world->clock()](std::chrono::milliseconds d) {
    clock.advance(d);
  };
  auto client =
      gateway::HttpGatewayClient::create_with_transport(client_options, std::move(transport));
  if (!client.ok()) {
    violate({"setup", "gateway client: " + client.status().to_string()});
    return;
  }
  proc.gateway = std::move(*client);
  gateway::ObserverOptions observe;
  observe.gateway = "https://sim-gateway";
  proc.observer = std::make_unique<gateway::GatewayObserver>(*proc.gateway, *p_.log, observe);
  if (Status s = proc.observer->load(); !s.ok()) {
    violate({"setup", "observer load: " + s.to_string()});
    return;
  }
  proc.offers = std::make_unique<reconcilers::OfferPool>(p_.world->clock(), kOfferMaxAge);
  DriverOptions driver_options;
  driver_options.offer_hold = kOfferHold;
  // As the daemon's Mesos listener: offers wake the loops that wait for them (the runtime is made
  // below; offers arrive only in later steps).
  driver_options.offers_arrived = [&proc] {
    if (proc.runtime) {
      proc.runtime->wake("nodes");
      proc.runtime->wake("mdm_quorum");
    }
  };
  proc.driver = std::make_unique<InProcessMesosDriver>(
      *p_.master, *p_.log, p_.world->clock(), *proc.offers,
      stream_seed(options_.seed, kDriver) + runtime_streams_, driver_options, p_.update_faults,
      p_.crash, p_.driver_counters, p_.acknowledged);
  if (Status s = proc.driver->load(); !s.ok()) {
    violate({"setup", "driver load: " + s.to_string()});
    return;
  }

  // As cli/operator/reconciler_set.cpp builds them from the daemon's default settings.
  const std::string artifact_url = "http://operator.sim:8080/v1/artifacts/scaleio-node";
  reconcilers::NodesSettings nodes;
  nodes.package_version = "2.0-14000";
  nodes.artifact_url = artifact_url;
  nodes.mdm_host = {1.5, 3072};
  nodes.other_host = {0.5, 512};
  reconcilers::MdmQuorumSettings mdm;
  mdm.member_loss_timeout = seconds(600);
  mdm.node_artifact_url = artifact_url;
  mdm.admin_password_file = "/etc/scaleio/admin-password";
  proc.reconcilers.push_back(
      std::make_unique<reconcilers::NodesReconciler>(*proc.driver, *proc.offers, nodes));
  proc.reconcilers.push_back(std::make_unique<reconcilers::MdmQuorumReconciler>(
      *proc.gateway, *proc.driver, *proc.offers, mdm));
  proc.reconcilers.push_back(std::make_unique<reconcilers::StoragePoolsReconciler>(*proc.gateway));
  proc.reconcilers.push_back(std::make_unique<reconcilers::SdcMappingsReconciler>(*proc.gateway));
  std::vector<reconcilers::Reconciler*> loops;
  for (auto& r : proc.reconcilers) loops.push_back(r.get());

  reconcilers::RuntimeOptions runtime_options;
  runtime_options.cluster = p_.cluster;
  runtime_options.allow_removals = p_.allow_removals;
  gateway::GatewayObserver* observer = proc.observer.get();
  runtime_options.refresh_observation = [observer, &count = p_.observations]() -> Status {
    ++count;
    auto polled = observer->poll_once();
    return polled.ok() ? Status() : polled.status();
  };
  auto runtime_rng =
      std::make_shared<std::mt19937_64>(stream_seed(options_.seed, kRuntime) + runtime_streams_);
  proc.runtime = std::make_unique<reconcilers::Runtime>(
      *p_.log, p_.world->clock(),
      [runtime_rng] { return std::uniform_real_distribution<double>(0.0, 1.0)(*runtime_rng); },
      runtime_options, loops, options_.runtime_observer);
  proc.live = std::make_unique<reconcilers::LiveState>(*p_.log, p_.cluster);
  if (auto loaded = proc.live->load(); !loaded.ok()) {
    violate({"setup", "live state load: " + loaded.status().to_string()});
    return;
  }
  proc.applied_demand.reset();
  proc.next_observation = p_.world->clock().now();
}

void Run::stop_operator() {
  p_.process.stop();
}

void Run::restart_operator(const std::string& why) {
  ++result_.restarts;
  note("operator restarts: " + why);
  p_.crash.disarm();
  stop_operator();
  // The process is gone; the log is opened again as at start-up.
  if (Status s = open_log(); !s.ok()) {
    violate({"setup", "reopen the log: " + s.to_string()});
    return;
  }
  for (int attempt = 0; attempt < 3; ++attempt) {
    try {
      start_operator();
      break;
    } catch (const OperatorCrash& crash) {
      stop_operator();
      note("operator crashed again while starting: " + crash.where);
    }
  }
  check_projections_now();
}

void Run::follow_log() {
  OperatorProcess& proc = p_.process;
  for (;;) {
    auto events = p_.log->read(p_.followed_sequence + 1, 500);
    if (!events.ok()) {
      violate({"setup", "read the log: " + events.status().to_string()});
      return;
    }
    if (events->empty()) return;
    for (const auto& e : *events) {
      if (options_.trace) trace_event(e);
      if (proc.runtime) proc.runtime->notify(e);
      p_.acknowledged_in_log.observe(e);
      p_.agent_kept.observe(e);
      p_.followed_sequence = e.sequence();
    }
  }
}

void Run::apply_offer_demand() {
  OperatorProcess& proc = p_.process;
  const bool demand = proc.offers->demand();
  if (proc.applied_demand == demand) return;
  Status s = demand ? proc.driver->revive() : proc.driver->suppress();
  if (s.ok()) proc.applied_demand = demand;
}

// One step of the operator process: Mesos events in, observation when due, the passes that are
// due, and their Mesos events out.
void Run::operator_step() {
  OperatorProcess& proc = p_.process;
  if (!proc.runtime) return;
  const Clock::TimePoint now = p_.world->clock().now();
  proc.driver->step();
  if (now >= proc.next_observation) {
    ++p_.observations;
    (void)proc.observer->poll_once();
    proc.next_observation = now + kObserveInterval;
  }
  follow_log();
  // The world can change only through a pass's requests: compared around passes only (listing
  // every object each step would cost more than the passes).
  const bool due = proc.runtime->next_due() && *proc.runtime->next_due() <= clock_now();
  if (due) {
    p_.quorum.before_operator_step(p_.world->world());
    p_.no_removal.before_operator_step(p_.world->world());
  }
  const size_t ran = proc.runtime->run_due();
  result_.passes += ran;
  apply_offer_demand();
  if (due) {
    world_changed_ = world_changed_ || ran > 0;
    if (auto v = p_.quorum.after_operator_step(p_.world->world())) violate(*v);
    if (auto v = p_.no_removal.after_operator_step(p_.world->world(), p_.allow_removals)) {
      violate(*v);
    }
  }
  proc.driver->step();
  follow_log();
}

void Run::world_tick() {
  p_.world->tick();
  // Node tasks install packages and one-shot tasks run scli during the master's tick: effects of
  // operator actions, checked like its steps (when a task touched the world at all).
  const uint64_t calls = p_.hooks->calls;
  if (p_.master->world().tasks.empty()) {
    p_.master->tick(p_.world->clock().now());
    return;
  }
  QuorumInvariant quorum;
  NoRemovalInvariant no_removal;
  quorum.before_operator_step(p_.world->world());
  no_removal.before_operator_step(p_.world->world());
  p_.master->tick(p_.world->clock().now());
  if (p_.hooks->calls == calls) return;
  world_changed_ = true;
  if (auto v = quorum.after_operator_step(p_.world->world())) violate(*v);
  if (auto v = no_removal.after_operator_step(p_.world->world(), p_.allow_removals)) violate(*v);
}

void Run::apply_fault(const Fault& f) {
  note("fault: " + f.describe());
  const Clock::TimePoint now = p_.world->clock().now();
  auto undo_later = [&] { agenda_.emplace(now + f.duration, std::make_pair(f, true)); };
  switch (f.kind) {
    case FaultKind::kOperatorRestart:
      restart_operator("killed between steps");
      return;
    case FaultKind::kOperatorCrashMidIo:
      p_.crash.arm(f.count);
      return;
    case FaultKind::kStreamBreak:
      if (p_.process.driver) p_.process.driver->break_stream();
      return;
    case FaultKind::kMasterFailover:
      p_.master->failover();
      return;
    case FaultKind::kLostUpdates:
      p_.update_faults.lost = 0.3;
      undo_later();
      return;
    case FaultKind::kDuplicatedUpdates:
      p_.update_faults.duplicated = 0.3;
      undo_later();
      return;
    case FaultKind::kAgentLoss:
      if (p_.master->stop_agent(f.host).ok()) undo_later();
      return;
    case FaultKind::kAgentPartition:
      if (p_.master->partition_agent(f.host).ok()) undo_later();
      return;
    case FaultKind::kAttributeChange: {
      const sim::Agent* agent =
          p_.master->world().agents.count(f.host) ? &p_.master->world().agents.at(f.host) : nullptr;
      if (!agent) return;
      std::vector<sim::Attribute> attributes = agent->spec.attributes;
      bool changed = false;
      if (f.count == 0) {
        const std::string volume = "dst" + std::to_string(++added_volumes_) + "=8GB@pd1/sp1";
        for (auto& a : attributes) {
          if (a.name == "scaleio-sdc-volumes") {
            a.text += "," + volume;
            changed = true;
          }
        }
        if (!changed) {
          sim::Attribute a;
          a.name = "scaleio-sdc-volumes";
          a.text = volume;
          attributes.push_back(a);
          changed = true;
        }
      } else {
        for (auto& a : attributes) {
          if (a.name.rfind("scaleio-sds-", 0) == 0 && a.text.rfind("/dev/", 0) == 0) {
            const int n = added_devices_[f.host]++;
            if (n >= 10) break;
            a.text += ",/dev/sd" + std::string(1, static_cast<char>('l' + n));
            changed = true;
            break;
          }
        }
      }
      if (changed) (void)p_.master->set_agent_attributes(f.host, attributes);
      return;
    }
    case FaultKind::kGatewayErrors:
      p_.world->fail_requests_for(f.duration);
      return;
    case FaultKind::kGatewayTimeouts:
      p_.world->hang_requests_for(f.duration);
      return;
    case FaultKind::kRequestFaults:
      p_.transport_faults.error_500 = 0.05;
      p_.transport_faults.timeout_before = 0.03;
      p_.transport_faults.timeout_after = 0.03;
      undo_later();
      return;
    case FaultKind::kTokenExpiry:
      p_.world->service().expire_tokens();
      return;
    case FaultKind::kComponentFailure:
      if (p_.world->fail_component(f.host, f.component).ok()) undo_later();
      return;
    case FaultKind::kSlowWorld:
      return;
  }
}

void Run::undo(const Fault& f) {
  note("fault ends: " + f.describe());
  switch (f.kind) {
    case FaultKind::kLostUpdates:
      p_.update_faults.lost = 0;
      return;
    case FaultKind::kDuplicatedUpdates:
      p_.update_faults.duplicated = 0;
      return;
    case FaultKind::kRequestFaults:
      p_.transport_faults.error_500 = 0;
      p_.transport_faults.timeout_before = 0;
      p_.transport_faults.timeout_after = 0;
      return;
    case FaultKind::kAgentLoss:
    case FaultKind::kAgentPartition:
      (void)p_.master->start_agent(f.host);
      return;
    case FaultKind::kComponentFailure:
      (void)p_.world->restore_component(f.host, f.component);
      return;
    default:
      return;
  }
}

// The end of the fault window: every fault still in force is undone, nothing new happens.
void Run::stop_faults() {
  faults_stopped_ = true;
  settle_start_ = p_.world->clock().now();
  note("faults stop");
  for (auto& [_, item] : agenda_) {
    if (item.second) undo(item.first);
  }
  agenda_.clear();
  p_.agent_kept.watch(p_.master->world(), p_.world->clock().now());
  p_.crash.disarm();
  p_.update_faults = UpdateFaults{};
  p_.transport_faults.error_500 = 0;
  p_.transport_faults.timeout_before = 0;
  p_.transport_faults.timeout_after = 0;
  sim::GatewayFaults none;
  p_.world->service().set_faults(none);
}

void Run::plant_foreign_volume() {
  sim::ScaleioWorld& world = p_.world->world();
  if (world.storage_pools().empty()) return;
  sim::NewVolume volume;
  volume.name = "foreign-" + std::to_string(options_.seed % 1000);
  volume.storage_pool_id = world.storage_pools().begin()->first;
  volume.size_kb = 8 * sim::kKbPerGb;
  auto id = world.add_volume(volume);
  if (!id.ok()) return;
  if (!world.sdcs().empty()) {
    (void)world.map_volume(id.value(), world.sdcs().begin()->first, true);
  }
  p_.foreign_volumes.remember(world, id.value());
  planted_ = true;
  world_changed_ = true;
  note("another administrator created volume " + volume.name);
}

void Run::check_projections_now() {
  OperatorProcess& proc = p_.process;
  if (!proc.live || !proc.observer) return;
  auto caught = proc.live->catch_up();
  if (!caught.ok()) {
    violate({"setup", "live state: " + caught.status().to_string()});
    return;
  }
  if (auto v = check_projections(*p_.log, *proc.live, proc.observer->state(), p_.cluster)) {
    violate(*v);
  }
}

void Run::check_step() {
  ++result_.steps;
  // A crash may have cut the step short before the log was followed.
  follow_log();
  if (world_changed_) {
    if (auto v = p_.created_once.check(p_.world->world(), p_.allow_removals)) violate(*v);
    world_changed_ = false;
  }
  if (auto v = CreatedOnceInvariant::check_node_tasks(p_.master->world())) violate(*v);
  if (auto v = p_.foreign_volumes.check(p_.world->world())) violate(*v);
  if (auto v = p_.acknowledged_in_log.check(p_.acknowledged)) violate(*v);
  if (auto v = p_.agent_kept.check()) violate(*v);
  if (p_.process.live) {
    if (options_.projection_check_every > 0 &&
        result_.steps % static_cast<uint64_t>(options_.projection_check_every) == 0) {
      check_projections_now();
    } else {
      (void)p_.process.live->catch_up();
    }
  }
  if (options_.after_step) options_.after_step(simulation_);
}

void Run::record_costs(uint64_t& observations, std::map<std::string, uint64_t>& gateway,
                       std::map<std::string, uint64_t>& mesos) const {
  observations = p_.observations;
  gateway = p_.transport_counters.by_request;
  mesos = p_.driver_counters.calls;
}

// The idle figures: the costs now minus the costs at convergence.
void Run::record_idle() {
  auto& idle = result_.idle;
  record_costs(idle.observations, idle.gateway_by_request, idle.mesos_calls);
  idle.observations -= result_.observations;
  for (auto& [kind, n] : idle.gateway_by_request) {
    auto before = result_.gateway_by_request.find(kind);
    if (before != result_.gateway_by_request.end()) n -= before->second;
    idle.gateway_requests += n;
  }
  for (auto& [kind, n] : idle.mesos_calls) {
    auto before = result_.mesos_calls.find(kind);
    if (before != result_.mesos_calls.end()) n -= before->second;
  }
  std::erase_if(idle.gateway_by_request, [](const auto& kv) { return kv.second == 0; });
  std::erase_if(idle.mesos_calls, [](const auto& kv) { return kv.second == 0; });
  idle.events = p_.log->last_sequence() - converged_events_;
  idle.passes = result_.passes - converged_passes_;
}

// "" when the world has converged to the plan; else what is missing.
std::string Run::unconverged() const {
  const OperatorProcess& proc = p_.process;
  if (!proc.runtime || !proc.live) return "the operator is not running";
  if (!proc.driver->reconciled()) return "the Mesos driver is not subscribed and reconciled";
  for (const auto& status : proc.runtime->status()) {
    if (status.passes == 0 || !status.last_pass_start || *status.last_pass_start < settle_start_) {
      return status.name + " has not run since the faults stopped";
    }
    if (status.last_result != "success") {
      return status.name + "'s last pass ended in " + status.last_result + ": " + status.last_error;
    }
    for (const auto& item : status.drift) {
      if (item.kind != observed::DriftKind::kUnexpected) {
        return status.name + " drift " + std::string(observed::drift_kind_name(item.kind)) + " " +
               item.resource + ": " + item.detail;
      }
    }
    if (!proc.live->journal().pending(status.name).empty()) {
      return status.name + " has an intent without outcome";
    }
  }
  const plan::Plan& plan = proc.live->plan();
  const sim::ScaleioWorld& world = p_.world->world();
  if (plan.mdm.valid) {
    const auto& cluster = world.mdm_cluster();
    if (!cluster || !world.has_quorum()) return "no MDM cluster with quorum";
    const int members =
        1 + static_cast<int>(cluster->slave_ids.size() + cluster->tie_breaker_ids.size());
    if (members != plan.mdm.size) {
      return "the MDM cluster has " + std::to_string(members) + " members, the plan " +
             std::to_string(plan.mdm.size);
    }
  }
  for (const auto& [name, _] : plan.volumes) {
    bool found = false;
    for (const auto& [id, v] : world.volumes()) found = found || v.name == name;
    if (!found) return "volume " + name + " does not exist";
  }
  for (const auto& [host, node] : plan.nodes) {
    if (node.roles().empty()) continue;
    bool running = false;
    for (const auto& [_, task] : p_.master->world().tasks) {
      running = running || (task.hostname == host && task.state == "TASK_RUNNING" &&
                            task.command.kind == sim::NodeCommand::Kind::kInstall);
    }
    if (!running) return "no node task runs on " + host;
  }
  return "";
}

// The operator's intents and what it learned of agents, as they reach the log.
void Run::trace_event(const Envelope& e) {
  if (e.has_action_started()) {
    const auto& a = e.action_started();
    note("#" + std::to_string(e.sequence()) + " " + a.reconciler() + " " + a.action() + " " +
         a.target() + ": " + a.detail());
  } else if (e.has_action_failed()) {
    const auto& a = e.action_failed();
    note("#" + std::to_string(e.sequence()) + " " + a.reconciler() + " " + a.action() + " " +
         a.target() + " failed: " + a.error());
  } else if (e.has_agent_removed()) {
    note("#" + std::to_string(e.sequence()) + " agent removed: " + e.agent_removed().hostname());
  } else if (e.has_agent_observed()) {
    note("#" + std::to_string(e.sequence()) + " agent observed: " + e.agent_observed().hostname() +
         " " + e.agent_observed().agent_id());
  }
}

// What each reconciler and the Mesos master say now (for the trace of a run that did not settle).
void Run::trace_state() {
  if (p_.process.runtime) {
    for (const auto& status : p_.process.runtime->status()) {
      note(status.name + ": last " + status.last_result + " " + status.last_error);
      for (const auto& item : status.drift) {
        note("  " + std::string(observed::drift_kind_name(item.kind)) + " " + item.resource + ": " +
             item.detail);
      }
      for (const auto& b : status.backoff) {
        note("  backoff " + b.target + " failures=" + std::to_string(b.consecutive_failures) + " " +
             b.last_error);
      }
    }
  }
  for (const auto& [_, task] : p_.master->world().tasks) {
    note("mesos task " + task.task_id + " on " + task.hostname + " " + task.state + " (agent " +
         task.agent_state + ")");
  }
  for (const auto& [host, agent] : p_.master->world().agents) {
    note("mesos agent " + host + " " + agent.id + " " + sim::agent_state_name(agent.state));
  }
  const nlohmann::json master = p_.master->to_json();
  note("mesos frameworks " + master["frameworks"].dump());
  note("mesos offers " + std::to_string(master["offers"].size()) + " agents " +
       master["agents"].dump());
  if (p_.process.offers) {
    note("offer pool: " + std::to_string(p_.process.offers->size()) + " offers, demand " +
         (p_.process.offers->demand() ? "yes" : "no") + ", applied " +
         (p_.process.applied_demand ? (*p_.process.applied_demand ? "revive" : "suppress")
                                    : "none"));
  }
}

SimulationResult Run::run() {
  result_.seed = options_.seed;
  scenario_.seed(stream_seed(options_.seed, kScenario));
  p_.log_dir = make_log_dir(options_.log_root);
  if (p_.log_dir.empty()) {
    violate({"setup", "cannot make a directory for the log"});
    return result_;
  }
  build_world();
  if (Status s = open_log(); !s.ok()) {
    violate({"setup", "open the log: " + s.to_string()});
    return result_;
  }
  start_ = p_.world->clock().now();
  faults_end_ = start_ + options_.fault_window;
  deadline_ = faults_end_ + options_.settle_bound;
  next_tick_ = start_;
  plant_at_ =
      start_ +
      milliseconds(static_cast<int64_t>(
          scenario_() % static_cast<uint64_t>(std::max<int64_t>(
                            1, duration_cast<milliseconds>(options_.fault_window).count()))));

  std::vector<std::string> hosts;
  for (const auto& [host, _] : p_.master->world().agents) hosts.push_back(host);
  std::mt19937_64 fault_rng(stream_seed(options_.seed, kFaults));
  FaultScheduleOptions schedule;
  schedule.kinds = options_.faults;
  schedule.window = options_.fault_window;
  schedule.min_faults = options_.min_faults;
  schedule.max_faults = options_.max_faults;
  for (const Fault& f : draw_fault_schedule(fault_rng, schedule, hosts)) {
    result_.faults.push_back("+" + duration_text(f.at) + " " + f.describe());
    agenda_.emplace(start_ + f.at, std::make_pair(f, false));
  }

  try {
    start_operator();
  } catch (const OperatorCrash& crash) {
    restart_operator(std::string("crashed while starting: ") + crash.where);
  }

  while (result_.violations.empty()) {
    ManualClock& clock = p_.world->clock();
    const Clock::TimePoint now = clock.now();
    if (!result_.converged && faults_stopped_ && unconverged().empty()) {
      result_.converged = true;
      result_.settle_time = now - settle_start_;
      record_costs(result_.observations, result_.gateway_by_request, result_.mesos_calls);
      converged_events_ = p_.log->last_sequence();
      converged_passes_ = result_.passes;
      idle_end_ = now + options_.idle_after;
    }
    if (result_.converged && now >= idle_end_) {
      if (options_.idle_after > Clock::Duration::zero()) record_idle();
      break;
    }
    if (!result_.converged && now >= deadline_) {
      result_.not_converged = unconverged();
      if (options_.trace) trace_state();
      violate({"liveness", "not converged " + duration_text(options_.settle_bound) +
                               " after the faults stopped: " + result_.not_converged});
      break;
    }
    // Move the clock to the next thing that happens.
    Clock::TimePoint next = std::min(next_tick_, result_.converged ? idle_end_ : deadline_);
    if (!faults_stopped_) next = std::min(next, faults_end_);
    if (!agenda_.empty()) next = std::min(next, agenda_.begin()->first);
    if (p_.process.runtime) {
      if (auto due = p_.process.runtime->next_due()) next = std::min(next, *due);
      if (auto due = p_.process.driver->next_due()) next = std::min(next, *due);
      next = std::min(next, p_.process.next_observation);
    }
    if (next > now) clock.set(next);

    if (clock.now() >= next_tick_) {
      world_tick();
      next_tick_ = clock.now() + kWorldTick;
      if (!planted_ && !faults_stopped_ && clock.now() >= plant_at_) plant_foreign_volume();
    }
    if (!faults_stopped_ && clock.now() >= faults_end_) stop_faults();
    while (!agenda_.empty() && agenda_.begin()->first <= clock.now() && !faults_stopped_) {
      auto [fault, is_undo] = agenda_.begin()->second;
      agenda_.erase(agenda_.begin());
      if (is_undo) {
        undo(fault);
      } else {
        apply_fault(fault);
      }
      p_.agent_kept.watch(p_.master->world(), clock.now());
    }
    if (!p_.process.runtime && result_.violations.empty()) {
      restart_operator("it was down");
      continue;
    }
    try {
      operator_step();
    } catch (const OperatorCrash& crash) {
      restart_operator(std::string("crashed in ") + crash.where);
    }
    check_step();
  }
  if (result_.violations.empty()) check_projections_now();
  if (!result_.converged) {
    record_costs(result_.observations, result_.gateway_by_request, result_.mesos_calls);
  }

  // The digest of the whole log, for determinism checks.
  uint64_t h = 0xcbf29ce484222325ull;
  (void)p_.log->scan(1, p_.log->last_sequence(), [&](const Envelope& e) {
    h = fnv1a(h, e.SerializeAsString());
    return true;
  });
  result_.log_digest = hex(h);
  result_.events = p_.log->last_sequence();
  result_.gateway_requests = p_.transport_counters.requests;
  return result_;
}

}  // namespace

// --- Simulation ---------------------------------------------------------------------------------

Simulation::Simulation(SimulationOptions options)
    : options_(std::move(options)), parts_(std::make_unique<Parts>()) {}

Simulation::~Simulation() {
  // The process first (it holds the log and the master), then the world, then the log's files.
  const std::string dir = parts_->log_dir;
  parts_.reset();
  if (!dir.empty()) {
    std::error_code ec;
    std::filesystem::remove_all(dir, ec);
  }
}

SimulationResult Simulation::run() {
  Run run(options_, *this, *parts_);
  SimulationResult result = run.run();
  // The process goes before the log it writes to.
  parts_->process.stop();
  return result;
}

SimulationResult run_seed(uint64_t seed, const SimulationOptions& options) {
  SimulationOptions o = options;
  o.seed = seed;
  Simulation simulation(std::move(o));
  return simulation.run();
}

}  // namespace scaleio::dst
