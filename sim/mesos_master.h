#pragma once
// The simulated Mesos master (v1 scheduler API semantics, mesos-v1-api.md) together with the agents
// it manages. Transport-free: it gets parsed calls and writes events to ChunkSinks, reads time only
// from the injected Clock, draws ids and chunk splits from a seeded generator, and moves timed
// transitions forward only in tick(now). MesosHttpFront puts it on the wire.
#include <chrono>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <random>
#include <set>
#include <string>
#include <vector>

#include "adapters/http/chunk_sink.h"
#include "core/clock.h"
#include "core/status.h"
#include "sim/agents.h"
#include "sim/scaleio_hooks.h"
#include "sim/timer_queue.h"

namespace scaleio::sim {

using scaleio::http::ChunkSink;

struct MasterOptions {
  // Protocol-visible timings are not scaled (clients configure against them).
  double heartbeat_interval_seconds = 15.0;
  Clock::Duration allocation_interval = std::chrono::seconds(1);
  // A Mesos agent resends an unacknowledged status update after 10 s, doubling to 10 min, however
  // fast its tasks run. Scaled by 50 it resent every 0.2 s: at 5,000 agents that was ~11 copies of
  // each update and a scheduler drowning in duplicates before it could acknowledge the first.
  Clock::Duration status_retry_initial = std::chrono::seconds(10);
  Clock::Duration status_retry_max = std::chrono::minutes(10);
  // Simulated work; divided by time_scale.
  double time_scale = 1.0;
  Clock::Duration task_start_delay = std::chrono::milliseconds(500);  // STAGING → STARTING
  Clock::Duration install_delay = std::chrono::seconds(20);           // STARTING → RUNNING
  Clock::Duration command_delay = std::chrono::seconds(2);            // one-shot run time
  Clock::Duration recovery_duration = std::chrono::seconds(2);        // 503 after a failover
  Clock::Duration agent_reregister_delay = std::chrono::seconds(4);   // after a failover
  std::string version = "1.11.0";
};

class MesosMaster {
 public:
  MesosMaster(const Clock& clock, uint64_t seed, std::vector<AgentSpec> agents, ScaleioHooks* hooks,
              MasterOptions options = {});
  MesosMaster(const MesosMaster&) = delete;
  MesosMaster& operator=(const MesosMaster&) = delete;

  // --- scheduler API (transport checks already done by the caller) ---------------------------
  // Opens the response stream once the call is known to be acceptable (its 200 answer).
  using StreamOpener = std::function<std::shared_ptr<ChunkSink>(const std::string& stream_id)>;
  // A non-ok Status means answer 400 with its message and open no stream.
  Status subscribe(const nlohmann::json& call, const StreamOpener& open_stream);

  struct Answer {
    int http_status = 202;
    std::string body;
  };
  // Every call but SUBSCRIBE; `stream_id` is the Mesos-Stream-Id header if present.
  Answer call(const nlohmann::json& call, const std::optional<std::string>& stream_id);
  // Operator API (POST /api/v1).
  Answer operator_call(const nlohmann::json& call);

  // --- leadership: two master endpoints, one leader -----------------------------------------
  int leader_index() const { return leader_index_; }
  bool recovering() const;
  void set_endpoint(int index, const std::string& host, int port);
  std::string endpoint_address(int index) const;

  // --- faults and control (each returns what the control API should report) ----------------
  Status stop_agent(const std::string& hostname);
  Status start_agent(const std::string& hostname);
  Status partition_agent(const std::string& hostname);
  Status set_agent_attributes(const std::string& hostname, std::vector<Attribute> attributes);
  Status fail_task(const std::string& task_id, const std::string& message);
  // The leader dies: streams break, offers vanish, the other endpoint becomes leader after a
  // recovery period (503 meanwhile), agents re-register a little later.
  void failover();
  // The network drops every subscription stream; the master stays leader and keeps the
  // frameworks (disconnected, their failover_timeout running) until they subscribe again.
  void drop_streams();
  // The master sends no HEARTBEAT (on any stream, new ones included) for `duration` of its
  // clock; other events still flow. A scheduler's heartbeat watchdog must notice the silence.
  void pause_heartbeats(Clock::Duration duration);
  bool heartbeats_paused() const;

  void tick(Clock::TimePoint now);
  nlohmann::json to_json() const;
  const AgentWorld& world() const { return world_; }
  const std::string& master_id() const { return master_id_; }

 private:
  struct Framework {
    std::string id;
    nlohmann::json info;
    std::string role = "*";
    bool partition_aware = false;
    bool task_killing_state = false;
    double failover_timeout_seconds = 0;
    bool connected = false;
    std::shared_ptr<ChunkSink> sink;
    std::string stream_id;
    uint64_t subscription = 0;        // which subscription the sink belongs to
    std::vector<std::string> outbox;  // framed records of the current step
    Clock::TimePoint next_heartbeat{};
    std::optional<Clock::TimePoint> failover_deadline;
    bool suppressed = false;
    std::map<std::string, Clock::TimePoint> refused_until;  // by hostname
  };
  struct Offer {
    std::string id;
    std::string framework_id;
    std::string hostname;
    std::string agent_id;
    Resources resources;
  };
  // Events produced during one entry point are flushed together when it returns, so one step's
  // records share chunks (see split_into_chunks).
  class FlushGuard {
   public:
    explicit FlushGuard(MesosMaster& m) : m_(m) {}
    ~FlushGuard() { m_.flush(); }

   private:
    MesosMaster& m_;
  };

  // ids and randomness
  std::string new_uuid_string();
  std::string new_uuid_bytes();
  std::string new_agent_id();
  Clock::Duration scaled(Clock::Duration d) const;
  double now_seconds() const;

  // streams
  void send(Framework& framework, const nlohmann::json& event);
  void flush();
  void on_stream_closed(const std::string& framework_id, uint64_t subscription);
  void disconnect(Framework& framework, bool close_sink);
  void remove_framework(const std::string& framework_id, const std::string& reason);
  Framework* find_framework(const std::string& id);
  nlohmann::json master_info() const;

  // offers
  void allocate();
  // Many agents becoming available at one instant (re-registration after a failover) ask for one
  // allocation at the end of the tick instead of one each, like Mesos' batching allocator.
  void request_allocation() { allocation_requested_ = true; }
  void rescind_offers_on(const std::string& hostname);
  void drop_offers_of(const std::string& framework_id);
  std::map<std::string, Resources> offered_by_host() const;

  // calls
  Answer handle_accept(Framework& framework, const nlohmann::json& accept);
  Answer handle_decline(Framework& framework, const nlohmann::json& decline);
  Answer handle_kill(Framework& framework, const nlohmann::json& kill);
  Answer handle_acknowledge(Framework& framework, const nlohmann::json& ack);
  Answer handle_reconcile(Framework& framework, const nlohmann::json& reconcile);
  void launch(Framework& framework, const Offer& first_offer, const nlohmann::json& task_info,
              Resources& remaining);
  void reconcile_one(Framework& framework, const std::string& task_id,
                     const std::optional<std::string>& agent_id);

  // tasks
  void start_lifecycle(Task& task);
  void lifecycle_step(const std::string& key);
  void agent_update(Task& task, const std::string& state, const std::string& message,
                    const std::string& reason = "");
  void deliver_head(Task& task);
  void master_update(Framework& framework, const std::string& task_id, const std::string& state,
                     const std::string& reason, const std::string& message,
                     const std::string& agent_id);
  void retry_updates(Clock::TimePoint now);
  void forget_task_if_done(const std::string& key);
  void mark_tasks_unreachable(Agent& agent);
  void drop_tasks_of_restarted_agent(Agent& agent, const std::string& reason);
  Status restart_with_new_id(Agent& agent);

  const Clock& clock_;
  std::mt19937_64 rng_;
  ScaleioHooks* hooks_;
  MasterOptions options_;
  AgentWorld world_;
  TimerQueue timers_;

  std::string master_id_;
  uint64_t master_generation_ = 0;
  int leader_index_ = 0;
  std::optional<Clock::TimePoint> recovering_until_;
  std::optional<Clock::TimePoint> heartbeats_paused_until_;
  std::string endpoint_host_[2] = {"127.0.0.1", "127.0.0.1"};
  int endpoint_port_[2] = {5050, 5051};

  uint64_t next_framework_ = 0;
  uint64_t next_offer_ = 0;
  uint64_t next_agent_ = 0;
  uint64_t next_subscription_ = 0;
  std::map<std::string, Framework> frameworks_;
  std::set<std::string> completed_frameworks_;
  std::map<std::string, Offer> offers_;
  Clock::TimePoint next_allocation_{};
  bool allocation_requested_ = false;
  // No task's status update is due for a resend before this (a lower bound: acks do not raise
  // it), so most ticks skip the walk over every task.
  Clock::TimePoint earliest_retry_ = Clock::TimePoint::max();
};

}  // namespace scaleio::sim
