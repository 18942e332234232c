// SchedulerClient: lifecycle, the MesosDriver calls and the worker that sends them.
#include <utility>  // before Boost 1.74 asio: awaitable.hpp needs std::exchange

#include "adapters/mesos/scheduler_client.h"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <cstdio>
#include <fstream>
#include <future>
#include <random>
#include <sstream>

#include "core/base64.h"

namespace scaleio::mesos {

namespace net = boost::asio;

SchedulerClient::SchedulerClient(EventStore& store, MesosListener& listener,
                                 SchedulerOptions options)
    : store_(store),
      listener_(listener),
      options_(std::move(options)),
      call_wake_(io_),
      reconcile_timer_(io_),
      implicit_timer_(io_),
      calls_connection_(io_),
      operator_connection_(io_) {
  random_ = options_.random;
  if (!random_) {
    auto engine = std::make_shared<std::mt19937_64>(std::random_device{}());
    random_ = [engine] { return std::uniform_real_distribution<double>(0.0, 1.0)(*engine); };
  }
}

SchedulerClient::~SchedulerClient() {
  stop();
}

void SchedulerClient::log(const std::string& line) const {
  if (options_.log) {
    options_.log(line);
  } else {
    std::fprintf(stderr, "[mesos-client] %s\n", line.c_str());
  }
}

double SchedulerClient::unit_random() {
  return random_();
}

Status SchedulerClient::start() {
  if (thread_.joinable()) return failed_precondition("the scheduler client is already running");
  if (options_.masters.empty()) return invalid_argument("no Mesos master given");
  for (const auto& m : options_.masters) {
    auto address = parse_master_address(m);
    if (!address.ok()) return address.status();
    masters_.push_back(*address);
  }
  if (options_.framework.roles.empty()) return invalid_argument("the framework needs a role");
  if (!options_.secret_file.empty()) {
    if (options_.framework.principal.empty()) {
      return invalid_argument("a secret file was given without a principal");
    }
    std::ifstream in(options_.secret_file);
    std::stringstream content;
    content << in.rdbuf();
    if (!in) return unavailable("cannot read the secret file " + options_.secret_file);
    std::string secret = content.str();
    while (!secret.empty() && (secret.back() == '\n' || secret.back() == '\r')) secret.pop_back();
    if (secret.empty())
      return invalid_argument("the secret file " + options_.secret_file + " is empty");
    authorization_ = "Basic " + base64_encode(options_.framework.principal + ":" + secret);
  }
  if (Status s = load_state(); !s.ok()) return s;

  work_.emplace(io_.get_executor());
  auto spawn = [this](net::awaitable<void> coroutine) {
    ++running_coroutines_;
    net::co_spawn(io_, std::move(coroutine), [this](std::exception_ptr e) {
      --running_coroutines_;
      if (e) {
        try {
          std::rethrow_exception(e);
        } catch (const std::exception& ex) {
          log(std::string("internal error in the scheduler client: ") + ex.what());
        }
      }
    });
  };
  spawn(subscription_loop());
  spawn(call_worker());
  thread_ = std::thread([this] { io_.run(); });
  return Status();
}

void SchedulerClient::stop() {
  if (!thread_.joinable()) return;
  stopping_ = true;
  net::post(io_, [this] {
    if (live_stream_) live_stream_->close();
    calls_connection_.abort();
    operator_connection_.abort();
    call_wake_.cancel();
    reconcile_timer_.cancel();
    implicit_timer_.cancel();
  });
  work_.reset();
  // Coroutines see stopping_ at their next step; a stuck one is cut off after a bound.
  auto finished = std::async(std::launch::async, [this] {
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
    while (running_coroutines_.load() > 0 && std::chrono::steady_clock::now() < deadline) {
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
  });
  finished.wait();
  io_.stop();
  thread_.join();
  subscribed_ = false;
}

std::optional<std::string> SchedulerClient::framework_id() const {
  std::lock_guard lock(mu_);
  return framework_id_;
}

Status SchedulerClient::permanent_error() const {
  std::lock_guard lock(mu_);
  return permanent_error_;
}

SchedulerCounters SchedulerClient::counters() const {
  std::lock_guard lock(mu_);
  return counters_;
}

std::string SchedulerClient::leader() const {
  std::lock_guard lock(mu_);
  return leader_ ? leader_->to_string() : std::string();
}

std::map<std::string, std::string> SchedulerClient::auth_headers() const {
  if (authorization_.empty()) return {};
  return {{"Authorization", authorization_}};
}

// --- MesosDriver ------------------------------------------------------------------------------

Status SchedulerClient::enqueue(const char* type, nlohmann::json body) {
  if (!subscribed_.load() || !framework_id_) {
    return unavailable(std::string("not subscribed to a Mesos master; ") + type + " not sent");
  }
  calls_.push_back({type, std::move(body), generation_});
  net::post(io_, [this] { wake_call_worker(); });
  return Status();
}

Status SchedulerClient::launch(const std::vector<std::string>& offer_ids,
                               const std::vector<TaskLaunch>& tasks, double refuse_seconds) {
  if (offer_ids.empty()) return invalid_argument("launch needs at least one offer");
  if (!reconciled_.load()) {
    return failed_precondition("task reconciliation has not finished; launching is unsafe");
  }
  std::vector<Envelope> intents;
  std::string framework_id;
  {
    std::lock_guard lock(mu_);
    if (!subscribed_.load() || !framework_id_)
      return unavailable("not subscribed; launch not sent");
    framework_id = *framework_id_;
    std::string hostname;
    for (const auto& id : offer_ids) {
      auto it = outstanding_offers_.find(id);
      if (it == outstanding_offers_.end()) {
        return not_found("offer " + id + " is not outstanding (used, declined or rescinded)");
      }
      hostname = it->second.hostname;
    }
    for (const auto& id : offer_ids) outstanding_offers_.erase(id);
    for (const auto& task : tasks) {
      Envelope e;
      e.set_source(events::SOURCE_OBSERVER);
      e.set_timestamp_unix_ms(options_.clock->now_unix_ms());
      auto* intent = e.mutable_task_launch_requested();
      intent->set_task_id(task.task_id);
      intent->set_agent_id(task.agent_id);
      intent->set_hostname(hostname);
      intent->set_name(task.name);
      intent->set_offer_id(offer_ids.front());
      intents.push_back(std::move(e));
    }
  }
  // Intent first: after a crash the task is known and reconciled even if no status ever came.
  for (auto& intent : intents) {
    const std::string stream = "task/" + intent.task_launch_requested().task_id();
    Envelope copy = intent;
    auto appended = store_.append(stream, ExpectedVersion::any(), {std::move(copy)});
    if (!appended.ok()) {
      std::lock_guard lock(mu_);
      (void)enqueue("DECLINE", encode_decline(framework_id, offer_ids, 0));
      return appended.status();
    }
    intent.set_sequence(appended->last_sequence);
    std::lock_guard lock(mu_);
    tasks_.apply(intent);
  }
  std::lock_guard lock(mu_);
  return enqueue("ACCEPT", encode_accept(framework_id, offer_ids, tasks, refuse_seconds));
}

Status SchedulerClient::decline(const std::vector<std::string>& offer_ids, double refuse_seconds) {
  std::lock_guard lock(mu_);
  for (const auto& id : offer_ids) outstanding_offers_.erase(id);
  if (!framework_id_) return unavailable("not subscribed; decline not sent");
  counters_.offers_declined += offer_ids.size();
  return enqueue("DECLINE", encode_decline(*framework_id_, offer_ids, refuse_seconds));
}

Status SchedulerClient::revive() {
  std::lock_guard lock(mu_);
  if (!framework_id_) return unavailable("not subscribed; revive not sent");
  return enqueue("REVIVE", encode_revive(*framework_id_, options_.framework.roles));
}

Status SchedulerClient::suppress() {
  std::lock_guard lock(mu_);
  if (!framework_id_) return unavailable("not subscribed; suppress not sent");
  return enqueue("SUPPRESS", encode_suppress(*framework_id_, options_.framework.roles));
}

Status SchedulerClient::kill(const std::string& task_id, const std::string& agent_id) {
  std::lock_guard lock(mu_);
  if (!framework_id_) return unavailable("not subscribed; kill not sent");
  return enqueue("KILL", encode_kill(*framework_id_, task_id, agent_id));
}

Status SchedulerClient::reconcile(const std::vector<TaskRef>& tasks) {
  std::lock_guard lock(mu_);
  if (!framework_id_) return unavailable("not subscribed; reconcile not sent");
  ++counters_.reconcile_calls;
  return enqueue("RECONCILE", encode_reconcile(*framework_id_, tasks));
}

Status SchedulerClient::acknowledge(const TaskStatus& status) {
  if (status.uuid.empty()) return Status();  // master-generated: nothing to acknowledge
  std::lock_guard lock(mu_);
  if (!framework_id_) return unavailable("not subscribed; acknowledge not sent");
  ++counters_.acknowledgements_sent;
  return enqueue("ACKNOWLEDGE", encode_acknowledge(*framework_id_, status));
}

Status SchedulerClient::teardown() {
  std::lock_guard lock(mu_);
  if (!framework_id_) return unavailable("not subscribed; teardown not sent");
  return enqueue("TEARDOWN", encode_teardown(*framework_id_));
}

// --- the call worker --------------------------------------------------------------------------

void SchedulerClient::wake_call_worker() {
  call_wake_.cancel();
}

net::awaitable<void> SchedulerClient::call_worker() {
  while (!stopping_.load()) {
    std::optional<QueuedCall> call;
    MasterAddress leader;
    std::string stream_id;
    {
      std::lock_guard lock(mu_);
      // Calls of an older stream are dropped: their offers are gone, their acknowledgements and
      // reconciliations are redone for the new stream.
      while (!calls_.empty() && calls_.front().generation != generation_) calls_.pop_front();
      if (!calls_.empty() && leader_) {
        call = std::move(calls_.front());
        calls_.pop_front();
        leader = *leader_;
        stream_id = stream_id_;
      }
    }
    if (!call) {
      boost::system::error_code ec;
      call_wake_.expires_after(std::chrono::hours(1));
      co_await call_wake_.async_wait(net::redirect_error(net::use_awaitable, ec));
      continue;
    }
    auto headers = auth_headers();
    headers["Mesos-Stream-Id"] = stream_id;
    auto reply = co_await calls_connection_.post(leader, "/api/v1/scheduler", headers,
                                                 call->body.dump(), options_.request_timeout);
    if (!reply.ok() || reply->status != 202) {
      std::lock_guard lock(mu_);
      ++counters_.calls_failed;
      const std::string why =
          reply.ok() ? "HTTP " + std::to_string(reply->status) + " " + reply->body.substr(0, 200)
                     : reply.status().to_string();
      // The stream's watchdog and the subscription loop handle a lost master; the call's effect
      // is re-derived by the caller's next reconcile pass.
      log(call->type + " call failed: " + why);
    }
  }
}

}  // namespace scaleio::mesos
