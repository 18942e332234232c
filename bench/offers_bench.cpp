// Offer-handling benchmark: how many Mesos offers per second the nodes reconciler and the offer
// pool get through, over a real event log and the runtime's JournaledExecutor, with a fake
// MesosDriver (no master, no network). Prints one JSON document.
//   bench_offers [--agents M] [--offers N] [--reps R] [--quick]
// Set-up: M agents, each already running its node task. Each repetition then:
//   - M/100 new agents appear (AgentObserved): they need a node task (an offer is launched on);
//   - a batch of N offers, spread over all agents, goes into the pool;
//   - one nodes pass runs as the runtime runs it (fold the log, build the plan, reconcile, fold);
//   - the offers left unused are taken and declined (what the driver does after the hold).
// Handled offers per second = N / that whole time; the median of R repetitions is reported.
//
// "adapter" repeats this with the offers arriving as the Mesos master sends them: OFFERS events of
// realistic JSON (the shape scaleio-sim's master emits, agents and attributes from its generated
// cluster), RecordIO-framed, fed in socket-sized pieces through the decode path SchedulerClient
// runs on its stream (bench/offer_stream.h), then into the pool and one nodes pass as above.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <stdexcept>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "adapters/mesos/observation_records.h"
#include "bench/bench_util.h"
#include "bench/offer_stream.h"
#include "core/action_journal.h"
#include "core/agents_projection.h"
#include "core/mesos_tasks_projection.h"
#include "core/observed/observed_state.h"
#include "core/plan/plan_builder.h"
#include "eventlog/rocks_event_log.h"
#include "reconcilers/nodes/nodes_reconciler.h"
#include "reconcilers/offer_pool.h"
#include "reconcilers/runtime/journaled_executor.h"
#include "tests/reconcilers/nodes/fake_mesos_driver.h"

using namespace scaleio;
using bench::load_average;
using bench::median;
using Steady = std::chrono::steady_clock;
namespace fs = std::filesystem;

namespace {

template <typename T>
T checked(Result<T> result) {
  if (!result.ok()) throw std::runtime_error(result.status().to_string());
  return std::move(result).value();
}

void check(const Status& status) {
  if (!status.ok()) throw std::runtime_error(status.to_string());
}

class Bench {
 public:
  explicit Bench(const std::string& dir) {
    eventlog::EventLogOptions options;
    options.sync = false;
    options.clock = &clock_;
    log_ = checked(eventlog::RocksEventLog::open(dir, options));
    driver_ = std::make_unique<testing::FakeMesosDriver>(log_.get());
    driver_->set_reconciled(true);
    pool_ = std::make_unique<reconcilers::OfferPool>(clock_, std::chrono::minutes(1));
    reconcilers::BackoffPolicy backoff;
    executor_ = std::make_unique<reconcilers::JournaledExecutor>(
        *log_, clock_, [] { return 0.5; }, "nodes", journal_, backoff);
    reconcilers::NodesSettings settings;
    settings.package_version = "2.0.13000.211";
    settings.package_source = "http://repo.example/scaleio";
    settings.artifact_url = "http://10.0.0.100:8080/v1/artifacts/scaleio-node";
    reconciler_ = std::make_unique<reconcilers::NodesReconciler>(*driver_, *pool_, settings);
  }

  // A new agent with storage attributes (the first three carry the MDM personas).
  void add_agent() {
    const int n = static_cast<int>(hosts_.size());
    const std::string host = "node" + std::to_string(n);
    const char* persona = n == 0   ? "primary"
                          : n == 1 ? "secondary"
                          : n == 2 ? "tiebreaker"
                                   : "data";
    std::vector<events::Attribute> attributes;
    for (const auto& [name, value] :
         std::vector<std::pair<std::string, std::string>>{{"scaleio-persona", persona},
                                                          {"scaleio-sds-domains", "pd1"},
                                                          {"scaleio-sds-pd1", "sp1"},
                                                          {"scaleio-sds-sp1", "/dev/sdb"},
                                                          {"scaleio-sdc-domains", "pd1"},
                                                          {"scaleio-sdc-pd1", "sp1"}}) {
      auto& attr = attributes.emplace_back();
      attr.set_name(name);
      attr.set_type(events::Attribute::TEXT);
      attr.set_text(value);
    }
    add_agent(host, "agent-" + host,
              "10." + std::to_string(n / 65536 % 256) + "." + std::to_string(n / 256 % 256) + "." +
                  std::to_string(n % 256),
              attributes);
  }

  // An agent as the adapter's GET_AGENTS poll records it (offers carry no IP).
  void add_agent(const std::string& host, const std::string& agent_id, const std::string& ip,
                 const std::vector<events::Attribute>& attributes) {
    hosts_.push_back(host);
    Envelope e;
    auto* a = e.mutable_agent_observed();
    a->set_hostname(host);
    a->set_agent_id(agent_id);
    a->set_ip(ip);
    a->set_active(true);
    for (const auto& attribute : attributes) *a->add_attributes() = attribute;
    e.set_source(events::SOURCE_OBSERVER);
    checked(log_->append("node/" + host, ExpectedVersion::any(), {std::move(e)}));
  }

  // What SchedulerClient::on_offers does with decoded offers before the pool sees them: record an
  // agent whose offer says something new (observe_agent), hold each offer as outstanding, hand
  // the batch to the pool. Returns the agents recorded.
  size_t on_offers(const std::vector<mesos::Offer>& offers) {
    fold();
    size_t recorded = 0;
    for (const auto& offer : offers) {
      auto known = agents_.agents().find(offer.hostname);
      if (known != agents_.agents().end() && known->second.agent_id() == offer.agent_id &&
          known->second.active() &&
          mesos::same_attributes(known->second.attributes(), offer.attributes)) {
        continue;
      }
      Envelope e;
      auto* a = e.mutable_agent_observed();
      a->set_hostname(offer.hostname);
      a->set_agent_id(offer.agent_id);
      a->set_ip(known != agents_.agents().end() ? known->second.ip() : "");
      a->set_active(true);
      for (const auto& attribute : offer.attributes) *a->add_attributes() = attribute;
      e.set_source(events::SOURCE_OBSERVER);
      checked(log_->append("node/" + offer.hostname, ExpectedVersion::any(), {std::move(e)}));
      ++recorded;
    }
    for (const auto& offer : offers) outstanding_[offer.id] = offer;
    pool_->add(offers);
    return recorded;
  }

  // `count` offers spread round-robin over the agents.
  void offer(size_t count) {
    std::vector<mesos::Offer> batch;
    batch.reserve(count);
    for (size_t i = 0; i < count; ++i) {
      const std::string& host = hosts_[(next_offer_ + i) % hosts_.size()];
      mesos::Offer o;
      o.id = "offer-" + std::to_string(next_offer_ + i);
      o.agent_id = "agent-" + host;
      o.hostname = host;
      o.cpus = 4;
      o.mem_mb = 8192;
      o.disk_mb = 10000;
      batch.push_back(std::move(o));
    }
    next_offer_ += count;
    pool_->add(batch);
  }

  reconcilers::PassOutcome pass() {
    fold();
    std::vector<events::AgentObserved> agents;
    for (const auto& [host, agent] : agents_.agents()) agents.push_back(agent);
    plan_ = plan::build_plan(agents, plan::ClusterSettings());
    reconcilers::ReconcileInput input{
        plan_, observed_, tasks_, agents_, journal_, clock_.now(), log_->last_sequence()};
    executor_->begin_pass("pass-" + std::to_string(++passes_));
    reconcilers::PassOutcome out = reconciler_->reconcile(input, *executor_);
    fold();
    return out;
  }

  // What the driver does with offers nobody took.
  size_t decline_unused() {
    std::vector<std::string> ids;
    for (const auto& o : pool_->take_all()) ids.push_back(o.id);
    for (const auto& id : ids) outstanding_.erase(id);
    if (!ids.empty()) (void)driver_->decline(ids, 30);
    return ids.size();
  }

  // Every launched task not yet marked runs.
  void run_launched() {
    const auto launched = driver_->launched_tasks();
    for (; running_ < launched.size(); ++running_) {
      Envelope e;
      auto* s = e.mutable_task_status_observed();
      s->set_task_id(launched[running_].task_id);
      s->set_agent_id(launched[running_].agent_id);
      s->set_state("TASK_RUNNING");
      s->set_source("SOURCE_AGENT");
      e.set_source(events::SOURCE_OBSERVER);
      checked(log_->append("task/" + launched[running_].task_id, ExpectedVersion::any(),
                           {std::move(e)}));
    }
    fold();
  }

  size_t launched() const { return driver_->launched_tasks().size(); }
  void advance(Clock::Duration d) { clock_.advance(d); }

 private:
  void fold() {
    for (;;) {
      auto batch = checked(log_->read(folded_ + 1, 1000));
      if (batch.empty()) return;
      for (const auto& e : batch) {
        agents_.apply(e);
        tasks_.apply(e);
        journal_.apply(e);
        observed_.apply(e);
        folded_ = e.sequence();
      }
    }
  }

  ManualClock clock_;
  std::unique_ptr<eventlog::RocksEventLog> log_;
  std::unique_ptr<testing::FakeMesosDriver> driver_;
  std::unique_ptr<reconcilers::OfferPool> pool_;
  ActionJournal journal_;
  AgentsProjection agents_;
  MesosTasksProjection tasks_;
  observed::ObservedState observed_;
  plan::Plan plan_;
  std::unique_ptr<reconcilers::JournaledExecutor> executor_;
  std::unique_ptr<reconcilers::NodesReconciler> reconciler_;
  std::vector<std::string> hosts_;
  std::map<std::string, mesos::Offer> outstanding_;  // as SchedulerClient holds them
  uint64_t folded_ = 0;
  uint64_t passes_ = 0;
  size_t next_offer_ = 0;
  size_t running_ = 0;
};

// The same batches as main's measurement, but arriving through the Mesos adapter's decode path.
nlohmann::json measure_adapter(const fs::path& dir, size_t agents, size_t offers, int reps) {
  const size_t new_per_rep = std::max<size_t>(1, agents / 100);
  // The sim's generated cluster, with room for the agents that appear during the repetitions.
  auto all = checked(bench::stream_agents(static_cast<int>(agents + new_per_rep * reps), 1));
  Bench harness(dir.string());
  bench::OfferStreamWriter master({all.begin(), all.begin() + agents});
  // As the adapter's GET_AGENTS poll records them: with their IPs, before any offer.
  for (size_t i = 0; i < agents; ++i) {
    harness.add_agent(all[i].hostname, all[i].agent_id, all[i].ip, all[i].attributes);
  }
  // The piece a socket read hands the HTTP parser; records span pieces, as on a real stream.
  constexpr size_t kPiece = 16 * 1024;
  auto deliver = [&](size_t count, size_t& recorded) {
    std::string stream;
    master.write(count, stream);
    check(bench::read_offer_stream(stream, kPiece, [&](std::vector<mesos::Offer> batch) {
      recorded += harness.on_offers(batch);
    }));
  };
  size_t ignored = 0;
  deliver(agents, ignored);  // set-up: every agent gets its node task, which then runs
  harness.pass();
  harness.decline_unused();
  harness.run_launched();

  std::vector<double> per_second, per_cpu_second, decode_per_second, decode_per_cpu_second, pass_ms;
  size_t launched_timed = 0, declined_timed = 0, recorded_timed = 0, stream_bytes = 0,
         stream_events = 0;
  for (int r = 0; r < reps; ++r) {
    harness.advance(std::chrono::seconds(5));
    // New agents: reported by GET_AGENTS, then offered like the rest.
    for (size_t i = 0; i < new_per_rep; ++i) {
      const auto& a = all[agents + static_cast<size_t>(r) * new_per_rep + i];
      harness.add_agent(a.hostname, a.agent_id, a.ip, a.attributes);
      master.add_agent(a);
    }
    // The master's side is not timed: the stream is written first.
    std::string stream;
    stream_events = master.write(offers, stream);
    stream_bytes = stream.size();
    // Decoding alone, for where the time goes (a separate pass over the same bytes).
    size_t decoded = 0;
    auto start = Steady::now();
    double cpu_start = bench::thread_cpu_seconds();
    check(bench::read_offer_stream(
        stream, kPiece, [&](std::vector<mesos::Offer> batch) { decoded += batch.size(); }));
    decode_per_second.push_back(static_cast<double>(decoded) / bench::seconds_since(start));
    decode_per_cpu_second.push_back(static_cast<double>(decoded) /
                                    (bench::thread_cpu_seconds() - cpu_start));
    if (decoded != offers) throw std::runtime_error("decoded a different number of offers");

    const size_t before = harness.launched();
    start = Steady::now();
    cpu_start = bench::thread_cpu_seconds();
    check(bench::read_offer_stream(stream, kPiece, [&](std::vector<mesos::Offer> batch) {
      recorded_timed += harness.on_offers(batch);
    }));
    const auto pass_start = Steady::now();
    harness.pass();
    pass_ms.push_back(
        std::chrono::duration<double, std::milli>(Steady::now() - pass_start).count());
    declined_timed += harness.decline_unused();
    per_second.push_back(static_cast<double>(offers) / bench::seconds_since(start));
    per_cpu_second.push_back(static_cast<double>(offers) /
                             (bench::thread_cpu_seconds() - cpu_start));
    launched_timed += harness.launched() - before;
    harness.run_launched();
  }
  return {{"agents", agents},
          {"offers_per_batch", offers},
          {"offers_events_per_batch", stream_events},
          {"stream_bytes_per_batch", stream_bytes},
          {"bytes_per_offer", static_cast<double>(stream_bytes) / offers},
          {"feed_piece_bytes", kPiece},
          {"new_agents_per_batch", new_per_rep},
          {"reps", reps},
          {"offers_per_second_median", median(per_second)},
          {"offers_per_second", per_second},
          {"offers_per_cpu_second_median", median(per_cpu_second)},
          {"decode_only_offers_per_second_median", median(decode_per_second)},
          {"decode_only_offers_per_cpu_second_median", median(decode_per_cpu_second)},
          {"pass_ms_median", median(pass_ms)},
          {"agents_recorded_from_offers_in_timed_batches", recorded_timed},
          {"launched_in_timed_batches", launched_timed},
          {"declined_in_timed_batches", declined_timed},
          {"target_10000_per_second_met", median(per_second) >= 10000}};
}

}  // namespace

int main(int argc, char** argv) {
  size_t agents = 1000;
  size_t offers = 5000;
  int reps = 5;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    if (a == "--quick") {
      agents = 50;
      offers = 500;
      reps = 3;
    } else if (a == "--agents" && i + 1 < argc) {
      agents = std::strtoull(argv[++i], nullptr, 10);
    } else if (a == "--offers" && i + 1 < argc) {
      offers = std::strtoull(argv[++i], nullptr, 10);
    } else if (a == "--reps" && i + 1 < argc) {
      reps = std::atoi(argv[++i]);
    } else {
      std::fprintf(stderr, "usage: bench_offers [--agents M] [--offers N] [--reps R] [--quick]\n");
      return 2;
    }
  }
  const fs::path dir = fs::temp_directory_path() / ("bench-offers-" + std::to_string(::getpid()));
  fs::remove_all(dir);
  nlohmann::json out;
  try {
    Bench bench(dir.string());
    // Set-up: every agent gets its node task, which then runs.
    for (size_t i = 0; i < agents; ++i) bench.add_agent();
    bench.offer(agents);
    bench.pass();
    bench.decline_unused();
    bench.run_launched();

    std::vector<double> per_second, pass_ms;
    size_t launched_timed = 0, declined_timed = 0;
    const size_t new_per_rep = std::max<size_t>(1, agents / 100);
    for (int r = 0; r < reps; ++r) {
      bench.advance(std::chrono::seconds(5));
      for (size_t i = 0; i < new_per_rep; ++i) bench.add_agent();
      const size_t before = bench.launched();
      const auto start = Steady::now();
      bench.offer(offers);
      const auto pass_start = Steady::now();
      bench.pass();
      const auto pass_end = Steady::now();
      declined_timed += bench.decline_unused();
      const double seconds = std::chrono::duration<double>(Steady::now() - start).count();
      launched_timed += bench.launched() - before;
      per_second.push_back(static_cast<double>(offers) / seconds);
      pass_ms.push_back(std::chrono::duration<double, std::milli>(pass_end - pass_start).count());
      bench.run_launched();
    }
    out["agents"] = agents;
    out["offers_per_batch"] = offers;
    out["new_agents_per_batch"] = new_per_rep;
    out["reps"] = reps;
    out["offers_per_second_median"] = median(per_second);
    out["offers_per_second"] = per_second;
    out["pass_ms_median"] = median(pass_ms);
    out["launched_in_timed_batches"] = launched_timed;
    out["declined_in_timed_batches"] = declined_timed;
    out["target_10000_per_second_met"] = median(per_second) >= 10000;
    out["adapter"] = measure_adapter(dir.string() + "-adapter", agents, offers, reps);
    out["load_average"] = load_average();
  } catch (const std::exception& e) {
    out["error"] = e.what();
  }
  std::error_code ec;
  fs::remove_all(dir, ec);
  fs::remove_all(dir.string() + "-adapter", ec);
  std::printf("%s\n", out.dump().c_str());
  return out.contains("error") ? 1 : 0;
}
