#include "sim/dst/in_process_mesos_driver.h"

#include <algorithm>

#include "adapters/mesos/observation_records.h"

namespace scaleio::dst {

namespace {

constexpr char kFrameworkStream[] = "mesos/framework";

}  // namespace

// The SUBSCRIBE response as the driver's end of the connection sees it: bytes collected until the
// driver reads them, and the master's close.
class InProcessMesosDriver::Sink final : public http::ChunkSink {
 public:
  void write_chunk(std::string data) override {
    if (open_) bytes_ += data;
  }
  void close() override { open_ = false; }
  bool is_open() const override { return open_; }
  void set_on_peer_closed(std::function<void()> callback) override {
    on_peer_closed_ = std::move(callback);
  }

  std::string take() { return std::exchange(bytes_, std::string()); }
  // Our end goes away (process crash, connection break): the master learns it.
  void drop() {
    if (!open_) return;
    open_ = false;
    if (on_peer_closed_) on_peer_closed_();
  }

 private:
  std::string bytes_;
  bool open_ = true;
  std::function<void()> on_peer_closed_;
};

InProcessMesosDriver::InProcessMesosDriver(sim::MesosMaster& master, EventStore& store,
                                           ManualClock& clock, reconcilers::OfferPool& offers,
                                           uint64_t seed, DriverOptions options,
                                           const UpdateFaults& faults, CrashPoint& crash,
                                           DriverCounters& counters,
                                           std::vector<AcknowledgedStatus>& acknowledged)
    : master_(master),
      store_(store),
      clock_(clock),
      offers_(offers),
      rng_(seed),
      options_(std::move(options)),
      faults_(faults),
      crash_(crash),
      counters_(counters),
      acknowledged_(acknowledged) {
  reconnect_at_ = clock_.now();
}

InProcessMesosDriver::~InProcessMesosDriver() {
  if (sink_) sink_->drop();
}

Status InProcessMesosDriver::load() {
  std::vector<Envelope> registered;
  if (Status s = mesos::read_all_of_type(store_, "FrameworkRegistered", registered); !s.ok())
    return s;
  std::vector<Envelope> task_events;
  if (Status s = mesos::read_all_of_type(store_, "TaskLaunchRequested", task_events); !s.ok())
    return s;
  if (Status s = mesos::read_all_of_type(store_, "TaskStatusObserved", task_events); !s.ok())
    return s;
  std::sort(task_events.begin(), task_events.end(),
            [](const Envelope& a, const Envelope& b) { return a.sequence() < b.sequence(); });
  auto loaded = load_projection(store_, agents_);
  if (!loaded.ok()) return loaded.status();
  if (Status s = absences_.load(store_, agents_); !s.ok()) return s;
  if (!registered.empty()) {
    framework_id_ = registered.back().framework_registered().framework_id();
    framework_id_durable_ = true;
  }
  tasks_.reset();
  for (const auto& e : task_events) {
    tasks_.apply(e);
    if (e.has_task_status_observed())
      last_status_[e.task_status_observed().task_id()] = e.task_status_observed();
  }
  return Status();
}

void InProcessMesosDriver::travel() {
  const auto span = (options_.max_latency - options_.min_latency).count();
  clock_.advance(options_.min_latency +
                 Clock::Duration(span > 0 ? static_cast<int64_t>(rng_() % (span + 1)) : 0));
}

bool InProcessMesosDriver::draw(double probability) {
  if (probability <= 0) return false;
  return std::uniform_real_distribution<double>(0.0, 1.0)(rng_) < probability;
}

Result<AppendResult> InProcessMesosDriver::append(const std::string& stream, Envelope event) {
  event.set_source(events::SOURCE_OBSERVER);
  event.set_timestamp_unix_ms(clock_.now_unix_ms());
  return store_.append(stream, ExpectedVersion::any(), {std::move(event)});
}

// --- connection ---------------------------------------------------------------------------------

std::optional<Clock::TimePoint> InProcessMesosDriver::next_due() const {
  std::optional<Clock::TimePoint> due;
  auto consider = [&](Clock::TimePoint t) {
    if (!due || t < *due) due = t;
  };
  if (!sink_) {
    consider(reconnect_at_);
    return due;
  }
  for (const auto& [_, held] : held_) consider(held.decline_at);
  if (!subscribed_) return due;
  if (reconcile_at_) consider(*reconcile_at_);
  consider(implicit_reconcile_at_);
  consider(agents_poll_at_);
  return due;
}

void InProcessMesosDriver::step() {
  const Clock::TimePoint now = clock_.now();
  if (!sink_ && now >= reconnect_at_) subscribe();
  read_stream();
  decline_expired();
  if (!subscribed_) return;
  if (reconcile_at_ && now >= *reconcile_at_) {
    std::vector<mesos::TaskRef> pending;
    for (const auto& [task_id, agent_id] : pending_reconcile_)
      pending.push_back({task_id, agent_id});
    if (pending.empty()) {
      reconcile_at_.reset();
    } else {
      (void)reconcile(pending);
      reconcile_at_ = now + options_.reconcile_retry;
    }
  }
  if (now >= implicit_reconcile_at_) {
    (void)reconcile({});
    implicit_reconcile_at_ = now + options_.implicit_reconcile_interval;
  }
  if (now >= agents_poll_at_) {
    poll_agents();
    agents_poll_at_ = now + options_.agents_poll_interval;
  }
}

void InProcessMesosDriver::subscribe() {
  ++reconnect_attempt_;
  const auto backoff = std::min<Clock::Duration>(
      options_.reconnect_max, options_.reconnect_min * (1 << std::min(reconnect_attempt_, 4)));
  // Equal jitter, as the adapter's backoff: half fixed, half drawn.
  reconnect_at_ = clock_.now() + backoff / 2 +
                  Clock::Duration(static_cast<int64_t>(rng_() % (backoff.count() / 2 + 1)));
  if (master_.recovering()) return;  // 503: try again later
  crash_.io("mesos subscribe");
  auto sink = std::make_shared<Sink>();
  std::string stream_id;
  Status s = master_.subscribe(mesos::encode_subscribe(options_.framework, framework_id_),
                               [&](const std::string& id) -> std::shared_ptr<http::ChunkSink> {
                                 stream_id = id;
                                 return sink;
                               });
  if (!s.ok()) return;
  sink_ = sink;
  stream_id_ = stream_id;
  decoder_ = mesos::RecordIoDecoder();
}

void InProcessMesosDriver::break_stream() {
  if (!sink_) return;
  sink_->drop();
  stream_ended("the connection to the master broke");
}

void InProcessMesosDriver::stream_ended(const std::string& /*reason*/) {
  sink_.reset();
  stream_id_.clear();
  subscribed_ = false;
  reconciled_ = false;
  held_.clear();
  pending_reconcile_.clear();
  reconcile_at_.reset();
  // Offers of the old connection stay in the pool until its max age, as in the daemon; a launch
  // on one is refused here (not outstanding).
  if (clock_.now() >= reconnect_at_) {
    reconnect_at_ = clock_.now() + options_.reconnect_min;
  }
}

void InProcessMesosDriver::read_stream() {
  if (!sink_) return;
  // Handling an event may make the master write more (an acknowledgement frees the next update).
  for (int round = 0; round < 100; ++round) {
    std::string bytes = sink_->take();
    if (bytes.empty()) break;
    decoder_.feed(bytes);
    while (sink_) {
      auto record = decoder_.next();
      if (!record.ok()) {
        break_stream();
        return;
      }
      if (!*record) break;
      auto event = mesos::decode_event(**record);
      if (!event.ok()) {
        break_stream();
        return;
      }
      handle(*event);
    }
    if (!sink_) return;
  }
  if (sink_ && !sink_->is_open()) stream_ended("the master closed the stream");
}

void InProcessMesosDriver::handle(const mesos::Event& event) {
  using Type = mesos::Event::Type;
  switch (event.type) {
    case Type::kSubscribed:
      on_subscribed(event);
      return;
    case Type::kOffers:
      on_offers(event.offers);
      return;
    case Type::kRescind:
      held_.erase(event.offer_id);
      offers_.rescind(event.offer_id);
      return;
    case Type::kUpdate:
      on_update(event.status);
      return;
    case Type::kError:
      // "Framework failed over" or a refusal: the stream ends after it.
      return;
    case Type::kFailure:
      if (event.executor_id.empty()) {
        if (auto away = mesos::failed_agent(agents_, event.agent_id)) {
          Envelope e;
          *e.mutable_agent_observed() = std::move(*away);
          record_agent(std::move(e));
        }
      }
      return;
    case Type::kHeartbeat:
    case Type::kOther:
      return;
  }
}

void InProcessMesosDriver::on_subscribed(const mesos::Event& event) {
  const bool durable = framework_id_durable_ && framework_id_ == event.framework_id;
  framework_id_ = event.framework_id;
  if (!durable) {
    Envelope e;
    auto* registered = e.mutable_framework_registered();
    registered->set_framework_id(event.framework_id);
    registered->set_master("sim-master");
    if (!append(kFrameworkStream, std::move(e)).ok()) {
      break_stream();
      return;
    }
    framework_id_durable_ = true;
  }
  ++counters_.subscriptions;
  ++counters_.calls["SUBSCRIBE"];
  subscribed_ = true;
  reconnect_attempt_ = 0;
  start_reconciliation();
  implicit_reconcile_at_ = clock_.now() + options_.implicit_reconcile_interval;
  agents_poll_at_ = clock_.now();
}

void InProcessMesosDriver::start_reconciliation() {
  pending_reconcile_.clear();
  for (const auto& task : tasks_.non_terminal()) pending_reconcile_[task.task_id] = task.agent_id;
  if (pending_reconcile_.empty()) {
    reconciled_ = true;
    reconcile_at_.reset();
    return;
  }
  reconciled_ = false;
  reconcile_at_ = clock_.now();
}

void InProcessMesosDriver::on_offers(const std::vector<mesos::Offer>& offers) {
  for (const auto& offer : offers) {
    if (observe_agent(offer.hostname, offer.agent_id, std::nullopt, offer.attributes, true) &&
        agents_.agents().at(offer.hostname).ip().empty()) {
      agents_poll_at_ = clock_.now();  // as the adapter: the address from GET_AGENTS now
    }
    held_[offer.id] = Held{offer, clock_.now() + options_.offer_hold};
  }
  offers_.add(offers);
  // As the daemon's listener: offers wake the reconcilers that wait for them.
  if (options_.offers_arrived && offers_.demand()) options_.offers_arrived();
}

void InProcessMesosDriver::decline_expired() {
  if (!sink_) return;
  std::vector<std::string> expired;
  for (const auto& [id, held] : held_) {
    if (clock_.now() >= held.decline_at) expired.push_back(id);
  }
  if (expired.empty()) return;
  // The pool forgot them already (its max age is shorter than the hold).
  for (const auto& id : expired) held_.erase(id);
  counters_.offers_declined += expired.size();
  if (framework_id_) {
    (void)call("DECLINE",
               mesos::encode_decline(*framework_id_, expired, options_.decline_refuse_seconds));
  }
}

void InProcessMesosDriver::on_update(const mesos::TaskStatus& status) {
  // Only an agent's update (it carries a uuid) can be lost alone: the agent resends it until it is
  // acknowledged. The master's own updates (reconciliation answers, re-registration) are lost only
  // with the whole stream (stream_break).
  if (!status.uuid.empty() && draw(faults_.lost)) {
    ++counters_.updates_lost;
    return;  // never recorded, never acknowledged: the agent sends it again
  }
  const int deliveries = draw(faults_.duplicated) ? 2 : 1;
  if (deliveries == 2) ++counters_.updates_duplicated;
  for (int i = 0; i < deliveries && sink_; ++i) {
    crash_.io("mesos status update (before it was recorded)");
    if (!record_status(status)) return;
    crash_.io("mesos status update (recorded, not acknowledged)");
    if (auto removed = mesos::gone_agent(agents_, status)) {
      Envelope e;
      *e.mutable_agent_removed() = std::move(*removed);
      record_agent(std::move(e));
    }
    if (pending_reconcile_.erase(status.task_id) > 0 && pending_reconcile_.empty() &&
        !reconciled_) {
      reconciled_ = true;
      reconcile_at_.reset();
    }
    (void)acknowledge(status);
  }
}

bool InProcessMesosDriver::record_status(const mesos::TaskStatus& status) {
  events::TaskStatusObserved observed;
  observed.set_task_id(status.task_id);
  observed.set_agent_id(status.agent_id);
  observed.set_state(mesos::task_state_name(status.state));
  observed.set_reason(status.reason);
  observed.set_message(status.message);
  observed.set_source(mesos::status_source_name(status.source));
  observed.set_uuid(status.uuid);
  observed.set_has_healthy(status.healthy.has_value());
  observed.set_healthy(status.healthy.value_or(false));
  observed.set_timestamp(status.timestamp);
  auto last = last_status_.find(status.task_id);
  if (last != last_status_.end()) {
    const auto& prev = last->second;
    const bool resent = !status.uuid.empty() && prev.uuid() == status.uuid;
    const bool nothing_new = status.uuid.empty() && prev.state() == observed.state() &&
                             prev.agent_id() == observed.agent_id();
    if (resent || nothing_new) return true;
  }
  Envelope e;
  *e.mutable_task_status_observed() = observed;
  auto appended = append("task/" + status.task_id, e);
  if (!appended.ok()) return false;
  e.set_sequence(appended->last_sequence);
  tasks_.apply(e);
  last_status_[status.task_id] = observed;
  ++counters_.updates_recorded;
  return true;
}

// --- agents -------------------------------------------------------------------------------------

void InProcessMesosDriver::poll_agents() {
  if (master_.recovering()) return;
  crash_.io("mesos GET_AGENTS");
  ++counters_.calls["GET_AGENTS"];
  travel();
  auto answer = master_.operator_call(mesos::encode_get_agents());
  if (answer.http_status != 200) return;
  auto view = mesos::decode_get_agents(answer.body);
  if (!view.ok()) return;
  std::set<std::string> listed(view->recovered_hostnames.begin(), view->recovered_hostnames.end());
  for (const auto& agent : view->agents) {
    listed.insert(agent.hostname);
    observe_agent(agent.hostname, agent.agent_id, agent.ip, agent.attributes, agent.active);
  }
  auto unlisted = mesos::unlisted_agents(agents_, absences_, listed, clock_.now_unix_ms(),
                                         options_.agent_gone_after);
  for (auto& away : unlisted.away) {
    Envelope e;
    *e.mutable_agent_observed() = std::move(away);
    record_agent(std::move(e));
  }
  for (auto& gone : unlisted.gone) {
    Envelope e;
    *e.mutable_agent_removed() = std::move(gone);
    record_agent(std::move(e));
  }
}

bool InProcessMesosDriver::observe_agent(const std::string& hostname, const std::string& agent_id,
                                         std::optional<std::string> ip,
                                         const std::vector<events::Attribute>& attributes,
                                         bool active) {
  auto change = mesos::agent_change(agents_, hostname, agent_id, std::move(ip), attributes, active);
  if (!change) return false;
  Envelope e;
  *e.mutable_agent_observed() = std::move(*change);
  return record_agent(std::move(e));
}

bool InProcessMesosDriver::record_agent(Envelope e) {
  const std::string hostname =
      e.has_agent_observed() ? e.agent_observed().hostname() : e.agent_removed().hostname();
  e.set_source(events::SOURCE_OBSERVER);
  e.set_timestamp_unix_ms(clock_.now_unix_ms());  // as append() stamps it: the away timer's start
  auto appended = append(mesos::agent_stream(hostname), e);
  if (!appended.ok()) return false;
  e.set_sequence(appended->last_sequence);
  agents_.apply(e);
  absences_.apply(e);
  return true;
}

// --- MesosDriver --------------------------------------------------------------------------------

Status InProcessMesosDriver::call(const char* type, const nlohmann::json& body) {
  if (!subscribed_ || !sink_ || !framework_id_) {
    return unavailable(std::string("not subscribed to a Mesos master; ") + type + " not sent");
  }
  if (master_.recovering()) return unavailable("the master has not finished recovery");
  ++counters_.calls[type];
  travel();
  auto answer = master_.call(body, stream_id_);
  if (answer.http_status / 100 != 2) {
    return unavailable(std::string(type) + " refused by the master: HTTP " +
                       std::to_string(answer.http_status) + " " + answer.body);
  }
  return Status();
}

Status InProcessMesosDriver::launch(const std::vector<std::string>& offer_ids,
                                    const std::vector<mesos::TaskLaunch>& tasks,
                                    double refuse_seconds) {
  if (offer_ids.empty()) return invalid_argument("launch needs at least one offer");
  if (!reconciled()) {
    return failed_precondition("task reconciliation has not finished; launching is unsafe");
  }
  if (!subscribed_ || !framework_id_) return unavailable("not subscribed; launch not sent");
  std::string hostname;
  for (const auto& id : offer_ids) {
    auto it = held_.find(id);
    if (it == held_.end()) {
      return not_found("offer " + id + " is not outstanding (used, declined or rescinded)");
    }
    hostname = it->second.offer.hostname;
  }
  for (const auto& id : offer_ids) held_.erase(id);
  crash_.io("mesos launch (before the intent was recorded)");
  for (const auto& task : tasks) {
    Envelope e;
    auto* intent = e.mutable_task_launch_requested();
    intent->set_task_id(task.task_id);
    intent->set_agent_id(task.agent_id);
    intent->set_hostname(hostname);
    intent->set_name(task.name);
    intent->set_offer_id(offer_ids.front());
    auto appended = append("task/" + task.task_id, e);
    if (!appended.ok()) {
      (void)call("DECLINE", mesos::encode_decline(*framework_id_, offer_ids, 0));
      return appended.status();
    }
    e.set_sequence(appended->last_sequence);
    tasks_.apply(e);
  }
  crash_.io("mesos launch (recorded, ACCEPT not sent)");
  ++counters_.launches;
  // The adapter queues the call and reports ok; a refused ACCEPT shows up as task updates.
  (void)call("ACCEPT", mesos::encode_accept(*framework_id_, offer_ids, tasks, refuse_seconds));
  return Status();
}

Status InProcessMesosDriver::decline(const std::vector<std::string>& offer_ids,
                                     double refuse_seconds) {
  for (const auto& id : offer_ids) held_.erase(id);
  if (!framework_id_) return unavailable("not subscribed; decline not sent");
  return call("DECLINE", mesos::encode_decline(*framework_id_, offer_ids, refuse_seconds));
}

Status InProcessMesosDriver::revive() {
  if (!framework_id_) return unavailable("not subscribed; revive not sent");
  return call("REVIVE", mesos::encode_revive(*framework_id_, options_.framework.roles));
}

Status InProcessMesosDriver::suppress() {
  if (!framework_id_) return unavailable("not subscribed; suppress not sent");
  return call("SUPPRESS", mesos::encode_suppress(*framework_id_, options_.framework.roles));
}

Status InProcessMesosDriver::kill(const std::string& task_id, const std::string& agent_id) {
  if (!framework_id_) return unavailable("not subscribed; kill not sent");
  crash_.io("mesos kill");
  ++counters_.kills;
  return call("KILL", mesos::encode_kill(*framework_id_, task_id, agent_id));
}

Status InProcessMesosDriver::reconcile(const std::vector<mesos::TaskRef>& tasks) {
  if (!framework_id_) return unavailable("not subscribed; reconcile not sent");
  return call("RECONCILE", mesos::encode_reconcile(*framework_id_, tasks));
}

Status InProcessMesosDriver::acknowledge(const mesos::TaskStatus& status) {
  if (status.uuid.empty()) return Status();
  if (!framework_id_) return unavailable("not subscribed; acknowledge not sent");
  Status s = call("ACKNOWLEDGE", mesos::encode_acknowledge(*framework_id_, status));
  if (s.ok()) {
    acknowledged_.push_back(
        {status.task_id, status.uuid, std::string(mesos::task_state_name(status.state))});
  }
  return s;
}

}  // namespace scaleio::dst
