// The MesosDriver port over the simulated Mesos master in the same process: the same calls and
// events as the v1 scheduler API (encoded and decoded by the adapter's own JSON codec), without
// sockets or threads. It keeps the adapter's rules (adapters/mesos/README.md):
//   - FrameworkRegistered is in the log before anything is launched under the framework id;
//   - launch() appends TaskLaunchRequested before the ACCEPT, and is refused until every task the
//     log knows as not terminal has answered reconciliation after the latest subscription;
//   - a status update is appended (TaskStatusObserved) before it is acknowledged; a resent update
//     (same uuid) or a reconciliation answer that says nothing new is not appended again;
//   - offers go to the OfferPool and are declined when still unused after the hold;
//   - agents are appended (AgentObserved / AgentRemoved) only when they change, from offers and
//     from a periodic GET_AGENTS; an unlisted agent is away (inactive, kept in the plan) and is
//     removed only after agent_gone_after (the shared rule of observation_records.h);
//   - offers wake the reconcilers that wait for them (offers_arrived), as in the daemon.
// Everything happens in step(), called by the simulation on its clock; the seed decides the
// faults (lost and duplicated updates, reconnect delays).
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <random>
#include <set>
#include <string>
#include <vector>

#include "adapters/mesos/json_codec.h"
#include "adapters/mesos/observation_records.h"
#include "adapters/mesos/recordio.h"
#include "core/agents_projection.h"
#include "core/event_store.h"
#include "core/mesos_tasks_projection.h"
#include "core/ports/mesos_driver.h"
#include "reconcilers/offer_pool.h"
#include "sim/dst/operator_crash.h"
#include "sim/mesos_master.h"

namespace scaleio::dst {

struct DriverOptions {
  mesos::FrameworkSettings framework;
  double decline_refuse_seconds = 30;
  Clock::Duration offer_hold = std::chrono::seconds(10);
  Clock::Duration agents_poll_interval = std::chrono::seconds(60);
  // As the adapter's SchedulerOptions::agent_gone_after (--agent-gone-after).
  std::chrono::milliseconds agent_gone_after = mesos::kDefaultAgentGoneAfter;
  // Called after offers arrived while a reconciler wants them, as the daemon's Mesos listener
  // calls ThreadedRuntime::wake (the simulation wakes its Runtime's loops).
  std::function<void()> offers_arrived;
  Clock::Duration implicit_reconcile_interval = std::chrono::minutes(15);
  Clock::Duration reconcile_retry = std::chrono::seconds(5);
  Clock::Duration reconnect_min = std::chrono::milliseconds(500);
  Clock::Duration reconnect_max = std::chrono::seconds(5);
  // Each call to the master takes a drawn time (the one clock moves by it).
  Clock::Duration min_latency = std::chrono::milliseconds(1);
  Clock::Duration max_latency = std::chrono::milliseconds(30);
};

// Read at every status update: the simulation turns them off when faults stop.
struct UpdateFaults {
  double lost = 0;        // dropped before it is recorded (never acknowledged: the agent resends)
  double duplicated = 0;  // delivered twice
};

// An update this driver acknowledged: its event must be in the log.
struct AcknowledgedStatus {
  std::string task_id;
  std::string uuid;  // raw bytes
  std::string state;
};

struct DriverCounters {
  uint64_t subscriptions = 0;
  uint64_t updates_recorded = 0;
  uint64_t updates_lost = 0;
  uint64_t updates_duplicated = 0;
  uint64_t launches = 0;
  uint64_t kills = 0;
  uint64_t offers_declined = 0;
  std::map<std::string, uint64_t> calls;  // per call type sent to the master (benchmarks)
};

class InProcessMesosDriver final : public mesos::MesosDriver {
 public:
  InProcessMesosDriver(sim::MesosMaster& master, EventStore& store, ManualClock& clock,
                       reconcilers::OfferPool& offers, uint64_t seed, DriverOptions options,
                       const UpdateFaults& faults, CrashPoint& crash, DriverCounters& counters,
                       std::vector<AcknowledgedStatus>& acknowledged);
  // The connection goes away with the process: the master sees the stream close.
  ~InProcessMesosDriver() override;
  InProcessMesosDriver(const InProcessMesosDriver&) = delete;
  InProcessMesosDriver& operator=(const InProcessMesosDriver&) = delete;

  // Reads the framework id, the known tasks and agents back from the log (start-up).
  Status load();
  // Does what is due at the clock's time: (re)subscribe, read the stream, decline held offers,
  // retry reconciliation, poll the agents.
  void step();
  // When step() next has something to do (nullopt: only when the stream brings something).
  std::optional<Clock::TimePoint> next_due() const;
  // The connection breaks (fault): the master sees the stream close, the driver reconnects.
  void break_stream();

  bool subscribed() const { return subscribed_; }
  const std::optional<std::string>& framework_id() const { return framework_id_; }

  // --- MesosDriver ------------------------------------------------------------------------------
  Status launch(const std::vector<std::string>& offer_ids,
                const std::vector<mesos::TaskLaunch>& tasks, double refuse_seconds) override;
  Status decline(const std::vector<std::string>& offer_ids, double refuse_seconds) override;
  Status revive() override;
  Status suppress() override;
  Status kill(const std::string& task_id, const std::string& agent_id) override;
  Status reconcile(const std::vector<mesos::TaskRef>& tasks) override;
  Status acknowledge(const mesos::TaskStatus& status) override;
  bool reconciled() const override { return subscribed_ && reconciled_; }

 private:
  class Sink;
  struct Held {
    mesos::Offer offer;
    Clock::TimePoint decline_at;
  };

  Status call(const char* type, const nlohmann::json& body);
  void subscribe();
  void stream_ended(const std::string& reason);
  void read_stream();
  void handle(const mesos::Event& event);
  void on_subscribed(const mesos::Event& event);
  void on_offers(const std::vector<mesos::Offer>& offers);
  void on_update(const mesos::TaskStatus& status);
  bool record_status(const mesos::TaskStatus& status);
  void start_reconciliation();
  void poll_agents();
  // true when an AgentObserved was appended.
  bool observe_agent(const std::string& hostname, const std::string& agent_id,
                     std::optional<std::string> ip,
                     const std::vector<events::Attribute>& attributes, bool active);
  // Appends an AgentObserved or AgentRemoved to the host's stream (false: the append failed).
  bool record_agent(Envelope event);
  void decline_expired();
  Result<AppendResult> append(const std::string& stream, Envelope event);
  bool draw(double probability);
  void travel();

  sim::MesosMaster& master_;
  EventStore& store_;
  ManualClock& clock_;
  reconcilers::OfferPool& offers_;
  std::mt19937_64 rng_;
  const DriverOptions options_;
  const UpdateFaults& faults_;
  CrashPoint& crash_;
  DriverCounters& counters_;
  std::vector<AcknowledgedStatus>& acknowledged_;

  // Connection.
  std::shared_ptr<Sink> sink_;
  std::string stream_id_;
  mesos::RecordIoDecoder decoder_;
  bool subscribed_ = false;
  bool reconciled_ = false;
  Clock::TimePoint reconnect_at_{};
  int reconnect_attempt_ = 0;

  // State rebuilt from the log.
  std::optional<std::string> framework_id_;
  bool framework_id_durable_ = false;
  MesosTasksProjection tasks_;
  std::map<std::string, events::TaskStatusObserved> last_status_;
  AgentsProjection agents_;
  mesos::AgentAbsences absences_;

  std::map<std::string, Held> held_;                      // by offer id
  std::map<std::string, std::string> pending_reconcile_;  // task id -> agent id
  std::optional<Clock::TimePoint> reconcile_at_;
  Clock::TimePoint implicit_reconcile_at_{};
  Clock::TimePoint agents_poll_at_{};
};

}  // namespace scaleio::dst
