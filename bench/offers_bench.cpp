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
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <stdexcept>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

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
using Steady = std::chrono::steady_clock;
namespace fs = std::filesystem;

namespace {

template <typename T>
T checked(Result<T> result) {
  if (!result.ok()) throw std::runtime_error(result.status().to_string());
  return std::move(result).value();
}

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v.empty() ? 0 : v[v.size() / 2];
}

double load_average() {
  double one_minute = -1;
  if (FILE* f = std::fopen("/proc/loadavg", "r")) {
    if (std::fscanf(f, "%lf", &one_minute) != 1) one_minute = -1;
    std::fclose(f);
  }
  return one_minute;
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
    hosts_.push_back(host);
    Envelope e;
    auto* a = e.mutable_agent_observed();
    a->set_hostname(host);
    a->set_agent_id("agent-" + host);
    a->set_ip("10." + std::to_string(n / 65536 % 256) + "." + std::to_string(n / 256 % 256) + "." +
              std::to_string(n % 256));
    a->set_active(true);
    const char* persona = n == 0   ? "primary"
                          : n == 1 ? "secondary"
                          : n == 2 ? "tiebreaker"
                                   : "data";
    for (const auto& [name, value] :
         std::vector<std::pair<std::string, std::string>>{{"scaleio-persona", persona},
                                                          {"scaleio-sds-domains", "pd1"},
                                                          {"scaleio-sds-pd1", "sp1"},
                                                          {"scaleio-sds-sp1", "/dev/sdb"},
                                                          {"scaleio-sdc-domains", "pd1"},
                                                          {"scaleio-sdc-pd1", "sp1"}}) {
      auto* attr = a->add_attributes();
      attr->set_name(name);
      attr->set_type(events::Attribute::TEXT);
      attr->set_text(value);
    }
    e.set_source(events::SOURCE_OBSERVER);
    checked(log_->append("node/" + host, ExpectedVersion::any(), {std::move(e)}));
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
  uint64_t folded_ = 0;
  uint64_t passes_ = 0;
  size_t next_offer_ = 0;
  size_t running_ = 0;
};

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
    out["load_average"] = load_average();
  } catch (const std::exception& e) {
    out["error"] = e.what();
  }
  std::error_code ec;
  fs::remove_all(dir, ec);
  std::printf("%s\n", out.dump().c_str());
  return out.contains("error") ? 1 : 0;
}
