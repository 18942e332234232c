// The v1 HTTP scheduler client a 24/7 daemon can trust (shared/design/mesos-v1-api.md):
//  - SUBSCRIBE on its own connection, the chunked RecordIO stream read incrementally, every other
//    call on a separate connection with the stream's Mesos-Stream-Id;
//  - 307 redirects (scheme-less Location), several masters tried in turn, 503/404 transient,
//    heartbeat watchdog (heartbeat_misses x interval), reconnect with capped exponential backoff
//    and jitter, events of a stale stream ignored;
//  - the framework id durable in the event log (FrameworkRegistered) and reused with both ids set;
//    "Framework has been removed" is permanent unless register_new_framework_if_removed;
//  - task status updates appended (TaskStatusObserved) before they are acknowledged;
//    explicit reconciliation of every known task after each (re)subscription, with backoff, until
//    each answered (launch() refuses until then), implicit reconciliation periodically;
//  - agents from offers and a periodic GET_AGENTS, appended only when they changed;
//  - unused offers declined with a filter.
// Everything runs on one io thread the client owns; the MesosDriver calls are thread-safe and the
// listener is called on that thread.
#pragma once

#include <utility>  // Boost 1.74's awaitable.hpp uses std::exchange without including it.

#include <atomic>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <chrono>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "adapters/mesos/backoff.h"
#include "adapters/mesos/http_connection.h"
#include "adapters/mesos/json_codec.h"
#include "adapters/mesos/master_address.h"
#include "adapters/mesos/observation_records.h"
#include "core/agents_projection.h"
#include "core/event_store.h"
#include "core/mesos_tasks_projection.h"
#include "core/ports/mesos_driver.h"

namespace scaleio::mesos {

struct SchedulerOptions {
  // Tried in turn; a redirect may lead elsewhere. "host:port" or "http://host:port".
  std::vector<std::string> masters;
  FrameworkSettings framework;
  // With framework.principal: a file holding the secret for HTTP basic authentication. Read once
  // at start(); its content is never logged.
  std::string secret_file;
  // A removed framework's tasks are gone; registering a new one silently would hide that. Only an
  // operator's explicit flag allows it.
  bool register_new_framework_if_removed = false;

  // Filter for declined offers (ours and those the listener left unused).
  double decline_refuse_seconds = 30;
  // How long offers the listener did not use stay held before they are declined (0 = right after
  // the listener's offers() returns).
  std::chrono::milliseconds offer_hold{0};

  BackoffPolicy reconnect{std::chrono::milliseconds(500), std::chrono::seconds(15)};
  BackoffPolicy reconcile{std::chrono::seconds(2), std::chrono::seconds(60)};
  std::chrono::milliseconds implicit_reconcile_interval = std::chrono::minutes(15);
  std::chrono::milliseconds agents_poll_interval = std::chrono::seconds(60);
  // An agent the master stops listing (partitioned, restarting, or gone) is recorded away and
  // stays in the plan this long before it is removed (observation_records.h).
  std::chrono::milliseconds agent_gone_after = kDefaultAgentGoneAfter;
  // Connecting, each call, and the wait for SUBSCRIBED.
  std::chrono::milliseconds request_timeout = std::chrono::seconds(10);
  // The stream is declared dead after this many heartbeat intervals without a byte.
  int heartbeat_misses = 5;
  // Redirects followed in a row before the next master in the list is tried.
  int max_redirects = 3;

  // Uniform in [0, 1): jitter of the backoffs. Null = a generator seeded from the device.
  std::function<double()> random;
  // Timestamps of appended events.
  const Clock* clock = &SystemClock::instance();
  // One line per notable thing; null = stderr. Never receives secrets.
  std::function<void(const std::string&)> log;
};

// What the client has seen so far, for tests and the admin API.
struct SchedulerCounters {
  uint64_t subscribe_attempts = 0;
  uint64_t subscriptions = 0;  // SUBSCRIBED received
  uint64_t redirects = 0;
  uint64_t heartbeats = 0;
  uint64_t watchdog_expiries = 0;
  uint64_t stale_events_ignored = 0;
  uint64_t updates_recorded = 0;
  uint64_t acknowledgements_sent = 0;
  uint64_t reconcile_calls = 0;
  uint64_t offers_declined = 0;
  uint64_t calls_failed = 0;
  uint64_t agents_polls = 0;  // GET_AGENTS answers handled
};

class SchedulerClient final : public MesosDriver {
 public:
  SchedulerClient(EventStore& store, MesosListener& listener, SchedulerOptions options);
  ~SchedulerClient() override;
  SchedulerClient(const SchedulerClient&) = delete;
  SchedulerClient& operator=(const SchedulerClient&) = delete;

  // Reads the secret and the log (framework id, known tasks, agents) and starts subscribing.
  // kInvalidArgument for bad options, kUnavailable when the secret file cannot be read, the log's
  // errors as they come.
  Status start();
  // Closes the stream and every connection; the framework stays registered (failover_timeout).
  void stop();

  // MesosDriver
  Status launch(const std::vector<std::string>& offer_ids, const std::vector<TaskLaunch>& tasks,
                double refuse_seconds) override;
  Status decline(const std::vector<std::string>& offer_ids, double refuse_seconds) override;
  Status revive() override;
  Status suppress() override;
  Status kill(const std::string& task_id, const std::string& agent_id) override;
  Status reconcile(const std::vector<TaskRef>& tasks) override;
  Status acknowledge(const TaskStatus& status) override;
  bool reconciled() const override { return reconciled_.load(); }

  // Removes the framework from Mesos for good (its tasks are killed). For uninstalling.
  Status teardown();

  bool subscribed() const { return subscribed_.load(); }
  std::optional<std::string> framework_id() const;
  // Set once the client gave up for good ("Framework has been removed" without the flag).
  Status permanent_error() const;
  SchedulerCounters counters() const;
  // The master that answered the current or last subscription.
  std::string leader() const;

 private:
  struct QueuedCall {
    std::string type;  // for logs
    nlohmann::json body;
    uint64_t generation = 0;
  };
  enum class StreamEnd { kTransient, kRedirect, kPermanent, kStopped };
  struct SubscribeOutcome {
    StreamEnd end = StreamEnd::kTransient;
    bool got_subscribed = false;
    std::string reason;
    std::optional<MasterAddress> redirect;
  };

  // subscription.cpp
  boost::asio::awaitable<void> subscription_loop();
  boost::asio::awaitable<SubscribeOutcome> subscribe_once(const MasterAddress& address);
  // Returns false when the stream must be dropped (reason in *why).
  bool handle_event(const Event& event, uint64_t generation, SubscribeOutcome& outcome);
  bool on_subscribed(const Event& event, uint64_t generation, SubscribeOutcome& outcome);
  void on_offers(std::vector<Offer> offers, uint64_t generation);
  void on_update(const TaskStatus& status, uint64_t generation);
  void on_stream_ended(const std::string& reason);

  // reconciliation.cpp
  void start_reconciliation(uint64_t generation);
  void reconcile_tick(uint64_t generation);
  void arm_implicit_reconciliation(uint64_t generation);

  // observations.cpp
  Status load_state();
  Status record_framework_id(const std::string& framework_id);
  // Appends TaskStatusObserved unless this exact update is already in the log. false = the
  // append failed (the update must not be acknowledged).
  bool record_status(const TaskStatus& status);
  // true when an AgentObserved was appended.
  bool observe_agent(const std::string& hostname, const std::string& agent_id,
                     std::optional<std::string> ip,
                     const std::vector<events::Attribute>& attributes, bool active);
  // Appends an AgentObserved or AgentRemoved to the host's stream; false when the append failed.
  bool record_agent(Envelope event);
  // FAILURE naming only an agent: the master lost it.
  void agent_failed(const std::string& agent_id);
  // TASK_GONE_BY_OPERATOR: the task's agent was marked gone for good.
  void agent_gone_if_marked(const TaskStatus& status);
  boost::asio::awaitable<void> agents_poll_loop(uint64_t generation);
  boost::asio::awaitable<void> poll_agents_once();

  // scheduler_client.cpp
  Status enqueue(const char* type, nlohmann::json body);  // with mu_ held
  void wake_call_worker();
  boost::asio::awaitable<void> call_worker();
  std::map<std::string, std::string> auth_headers() const;
  void log(const std::string& line) const;
  double unit_random();
  void decline_unused(const std::vector<std::string>& offer_ids, uint64_t generation);

  EventStore& store_;
  MesosListener& listener_;
  SchedulerOptions options_;
  std::vector<MasterAddress> masters_;
  std::string authorization_;  // "Basic ..." or empty; never logged

  boost::asio::io_context io_;
  std::optional<boost::asio::executor_work_guard<boost::asio::io_context::executor_type>> work_;
  std::thread thread_;
  std::atomic<bool> stopping_{false};
  std::atomic<int> running_coroutines_{0};

  // io thread only
  boost::asio::steady_timer call_wake_;
  boost::asio::steady_timer reconcile_timer_;
  boost::asio::steady_timer implicit_timer_;
  boost::beast::tcp_stream* live_stream_ = nullptr;  // the subscription's, to close on stop()
  HttpConnection calls_connection_;
  HttpConnection operator_connection_;
  int reconcile_attempt_ = 0;
  // One GET_AGENTS at a time: a poll loop of an old subscription may still be mid-request when
  // the next subscription's loop starts, and they share operator_connection_.
  bool agents_poll_in_flight_ = false;

  // Guarded by mu_ (the driver calls come from other threads).
  mutable std::mutex mu_;
  std::optional<std::string> framework_id_;
  bool framework_id_durable_ = false;
  std::string stream_id_;
  uint64_t generation_ = 0;  // of the current subscription; bumps on every new stream
  std::optional<MasterAddress> leader_;
  std::deque<QueuedCall> calls_;
  std::map<std::string, Offer> outstanding_offers_;
  MesosTasksProjection tasks_;
  std::map<std::string, events::TaskStatusObserved> last_status_;
  std::map<std::string, std::string> pending_reconcile_;  // task id → agent id
  AgentsProjection agents_;
  AgentAbsences absences_;
  Status permanent_error_;
  SchedulerCounters counters_;
  std::function<double()> random_;

  std::atomic<bool> subscribed_{false};
  std::atomic<bool> reconciled_{false};
};

}  // namespace scaleio::mesos
