// SchedulerClient: the SUBSCRIBE stream — connect, redirects, the RecordIO reader, the heartbeat
// watchdog, reconnection with backoff, and what each event does.
#include <utility>  // before Boost 1.74 asio: awaitable.hpp needs std::exchange

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http.hpp>

#include "adapters/mesos/recordio.h"
#include "adapters/mesos/scheduler_client.h"

namespace scaleio::mesos {

namespace net = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;

namespace {
constexpr char kFrameworkRemoved[] = "Framework has been removed";
constexpr char kFailedOver[] = "Framework failed over";

std::chrono::milliseconds seconds_to_ms(double seconds) {
  return std::chrono::milliseconds(static_cast<int64_t>(seconds * 1000.0));
}
}  // namespace

net::awaitable<void> SchedulerClient::subscription_loop() {
  size_t master_index = 0;
  MasterAddress target = masters_[0];
  int attempt = 0;
  int redirects_in_a_row = 0;
  while (!stopping_.load()) {
    SubscribeOutcome outcome = co_await subscribe_once(target);
    if (stopping_.load() || outcome.end == StreamEnd::kStopped) break;
    if (outcome.end == StreamEnd::kPermanent) {
      log("giving up: " + outcome.reason);
      break;
    }
    if (outcome.end == StreamEnd::kRedirect && outcome.redirect &&
        ++redirects_in_a_row <= options_.max_redirects) {
      target = *outcome.redirect;
      continue;  // the leader is known: no reason to wait
    }
    redirects_in_a_row = 0;
    if (outcome.got_subscribed) {
      attempt = 0;  // this master worked: try it first again
    } else {
      // Not even subscribed: the next master in the list may be the leader.
      master_index = (master_index + 1) % masters_.size();
      target = masters_[master_index];
    }
    const auto delay = backoff_delay(options_.reconnect, attempt++, unit_random());
    log("resubscribing to " + target.to_string() + " in " + std::to_string(delay.count()) +
        " ms: " + outcome.reason);
    net::steady_timer timer(io_);
    timer.expires_after(delay);
    boost::system::error_code ec;
    co_await timer.async_wait(net::redirect_error(net::use_awaitable, ec));
  }
}

net::awaitable<SchedulerClient::SubscribeOutcome> SchedulerClient::subscribe_once(
    const MasterAddress& address) {
  SubscribeOutcome outcome;
  std::optional<std::string> framework_id;
  {
    std::lock_guard lock(mu_);
    ++counters_.subscribe_attempts;
    framework_id = framework_id_;
  }
  beast::tcp_stream stream(io_);
  live_stream_ = &stream;
  struct ClearLive {
    beast::tcp_stream*& ref;
    ~ClearLive() { ref = nullptr; }
  } clear_live{live_stream_};

  Status connected = co_await connect_stream(stream, address, options_.request_timeout);
  if (!connected.ok()) {
    outcome.reason = connected.message();
    co_return outcome;
  }
  http::request<http::string_body> request(http::verb::post, "/api/v1/scheduler", 11);
  request.set(http::field::host, address.to_string());
  request.set(http::field::content_type, "application/json");
  request.set(http::field::accept, "application/json");
  if (!authorization_.empty()) request.set(http::field::authorization, authorization_);
  request.keep_alive(true);
  request.body() = encode_subscribe(options_.framework, framework_id).dump();
  request.prepare_payload();

  boost::system::error_code ec;
  stream.expires_after(options_.request_timeout);
  co_await http::async_write(stream, request, net::redirect_error(net::use_awaitable, ec));
  if (ec) {
    outcome.reason = "sending SUBSCRIBE to " + address.to_string() + " failed: " + ec.message();
    co_return outcome;
  }
  beast::flat_buffer buffer;
  http::response_parser<http::string_body> parser;
  parser.body_limit(boost::none);  // the stream has no end; RecordIO bounds each record
  stream.expires_after(options_.request_timeout);
  co_await http::async_read_header(stream, buffer, parser,
                                   net::redirect_error(net::use_awaitable, ec));
  if (ec) {
    outcome.reason = "no answer to SUBSCRIBE from " + address.to_string() + ": " + ec.message();
    co_return outcome;
  }
  const int status = static_cast<int>(parser.get().result_int());
  if (status != 200) {
    // Read the (small) body for the message; a failure here changes nothing.
    if (!parser.is_done()) {
      stream.expires_after(options_.request_timeout);
      co_await http::async_read(stream, buffer, parser,
                                net::redirect_error(net::use_awaitable, ec));
    }
    const std::string body = parser.get().body().substr(0, 300);
    if (status == 307) {
      std::lock_guard lock(mu_);
      ++counters_.redirects;
    }
    if (status == 307 || status == 301 || status == 302 || status == 308) {
      auto location = parser.get().find(http::field::location);
      if (location != parser.get().end()) {
        auto leader = parse_master_address(std::string(location->value()));
        if (leader.ok()) {
          outcome.end = StreamEnd::kRedirect;
          outcome.redirect = *leader;
          outcome.reason = "redirected to the leader " + leader->to_string();
          co_return outcome;
        }
      }
      outcome.reason = "redirect without a usable Location from " + address.to_string();
      co_return outcome;
    }
    outcome.reason = "SUBSCRIBE answered HTTP " + std::to_string(status) + " by " +
                     address.to_string() + (body.empty() ? "" : ": " + body);
    // 503 (no leader yet, recovering) and 404 are expected during elections: retry quietly.
    // Anything else is worth telling the operator about, but still retried with backoff (a role
    // or credential fix on the master side heals it).
    if (status != 503 && status != 404) listener_.error(outcome.reason);
    co_return outcome;
  }

  uint64_t generation;
  {
    std::lock_guard lock(mu_);
    generation = ++generation_;
    auto stream_id = parser.get().find("Mesos-Stream-Id");
    stream_id_ = stream_id == parser.get().end() ? std::string() : std::string(stream_id->value());
    leader_ = address;
    outstanding_offers_.clear();  // offers never survive a new subscription
  }
  RecordIoDecoder decoder;
  auto feed_decoder = [&decoder](std::uint64_t, beast::string_view body,
                                 boost::system::error_code&) -> std::size_t {
    decoder.feed(std::string_view(body.data(), body.size()));
    return body.size();
  };
  parser.on_chunk_body(feed_decoder);  // stored by reference: lives as long as the parser
  std::chrono::milliseconds silence_limit = options_.request_timeout;  // until SUBSCRIBED
  bool keep_reading = true;
  while (keep_reading && !stopping_.load()) {
    if (parser.is_done()) {
      outcome.reason = "the master ended the subscription stream";
      break;
    }
    stream.expires_after(silence_limit);
    co_await http::async_read_some(stream, buffer, parser,
                                   net::redirect_error(net::use_awaitable, ec));
    if (ec) {
      if (ec == beast::error::timeout) {
        std::lock_guard lock(mu_);
        ++counters_.watchdog_expiries;
        outcome.reason = "no heartbeat from " + address.to_string() + " for " +
                         std::to_string(silence_limit.count()) + " ms";
      } else {
        outcome.reason = "subscription stream broke: " + ec.message();
      }
      break;
    }
    while (keep_reading) {
      auto record = decoder.next();
      if (!record.ok()) {
        outcome.reason = record.status().message();
        keep_reading = false;
        break;
      }
      if (!record->has_value()) break;
      auto event = decode_event(**record);
      if (!event.ok()) {
        outcome.reason = event.status().message();
        keep_reading = false;
        break;
      }
      keep_reading = handle_event(*event, generation, outcome);
      if (event->type == Event::Type::kSubscribed && keep_reading) {
        silence_limit = std::max<std::chrono::milliseconds>(
            seconds_to_ms(event->heartbeat_interval_seconds) * options_.heartbeat_misses,
            std::chrono::milliseconds(100));
      }
    }
  }
  {
    boost::system::error_code ignored;
    stream.socket().shutdown(net::ip::tcp::socket::shutdown_both, ignored);
    stream.close();
  }
  if (stopping_.load()) outcome.end = StreamEnd::kStopped;
  if (outcome.got_subscribed) on_stream_ended(outcome.reason);
  co_return outcome;
}

bool SchedulerClient::handle_event(const Event& event, uint64_t generation,
                                   SubscribeOutcome& outcome) {
  {
    std::lock_guard lock(mu_);
    // Only the newest stream speaks for the master (a failed-over stream's last words do not).
    if (generation != generation_) {
      ++counters_.stale_events_ignored;
      return false;
    }
  }
  switch (event.type) {
    case Event::Type::kSubscribed:
      return on_subscribed(event, generation, outcome);
    case Event::Type::kHeartbeat: {
      std::lock_guard lock(mu_);
      ++counters_.heartbeats;
      return true;
    }
    case Event::Type::kOffers:
      on_offers(event.offers, generation);
      return true;
    case Event::Type::kRescind: {
      {
        std::lock_guard lock(mu_);
        outstanding_offers_.erase(event.offer_id);
      }
      listener_.rescinded(event.offer_id);
      return true;
    }
    case Event::Type::kUpdate:
      on_update(event.status, generation);
      return true;
    case Event::Type::kFailure:
      log("failure reported for agent " + event.agent_id +
          (event.executor_id.empty() ? "" : " executor " + event.executor_id));
      // Only an agent named: the master lost it (unreachable, or removed). Away until GET_AGENTS
      // lists it again or --agent-gone-after passes.
      if (event.executor_id.empty()) agent_failed(event.agent_id);
      return true;
    case Event::Type::kError: {
      outcome.reason = "the master refused the subscription: " + event.message;
      if (event.message.find(kFrameworkRemoved) != std::string::npos) {
        std::string old_id;
        {
          std::lock_guard lock(mu_);
          old_id = framework_id_.value_or("");
        }
        if (options_.register_new_framework_if_removed) {
          log("framework " + old_id +
              " was removed by the master; registering a new framework "
              "(register_new_framework_if_removed is set)");
          listener_.error("framework " + old_id +
                          " has been removed by the master; registering "
                          "a new one as allowed by register_new_framework_if_removed");
          std::lock_guard lock(mu_);
          framework_id_.reset();
          framework_id_durable_ = false;
        } else {
          const std::string message = "framework " + old_id +
                                      " has been removed by the Mesos master (its tasks are "
                                      "gone). Not registering a new framework: restart with "
                                      "register_new_framework_if_removed to do so.";
          {
            std::lock_guard lock(mu_);
            permanent_error_ = failed_precondition(message);
          }
          outcome.end = StreamEnd::kPermanent;
          outcome.reason = message;
          listener_.error(message);
        }
      } else if (event.message.find(kFailedOver) != std::string::npos) {
        // Another scheduler instance took our framework id. Fighting back would flap both; stop.
        const std::string message = "another scheduler subscribed with framework id " +
                                    framework_id().value_or("") +
                                    " (\"Framework failed over\"); this instance stops";
        {
          std::lock_guard lock(mu_);
          permanent_error_ = failed_precondition(message);
        }
        outcome.end = StreamEnd::kPermanent;
        outcome.reason = message;
        listener_.error(message);
      } else {
        listener_.error(outcome.reason);
      }
      return false;
    }
    case Event::Type::kOther:
      return true;
  }
  return true;
}

bool SchedulerClient::on_subscribed(const Event& event, uint64_t generation,
                                    SubscribeOutcome& outcome) {
  bool durable;
  {
    std::lock_guard lock(mu_);
    durable = framework_id_durable_ && framework_id_ == event.framework_id;
    framework_id_ = event.framework_id;
    ++counters_.subscriptions;
  }
  if (!durable) {
    // The id must be in the log before anything is launched under it: a restart that forgot it
    // would register a second framework and orphan every task.
    Status recorded = record_framework_id(event.framework_id);
    if (!recorded.ok()) {
      outcome.reason = "cannot record the framework id: " + recorded.to_string();
      listener_.error(outcome.reason);
      return false;
    }
  }
  outcome.got_subscribed = true;
  subscribed_ = true;
  log("subscribed as framework " + event.framework_id + " to " + leader());
  listener_.subscribed(event.framework_id);
  start_reconciliation(generation);
  arm_implicit_reconciliation(generation);
  ++running_coroutines_;
  net::co_spawn(io_, agents_poll_loop(generation),
                [this](std::exception_ptr) { --running_coroutines_; });
  return true;
}

void SchedulerClient::on_offers(std::vector<Offer> offers, uint64_t generation) {
  std::vector<std::string> ids;
  bool without_ip = false;
  for (const auto& offer : offers) {
    if (observe_agent(offer.hostname, offer.agent_id, std::nullopt, offer.attributes, true)) {
      std::lock_guard lock(mu_);
      auto agent = agents_.agents().find(offer.hostname);
      without_ip = without_ip || (agent != agents_.agents().end() && agent->second.ip().empty());
    }
    ids.push_back(offer.id);
  }
  if (without_ip) {
    // Offers carry no IP: an agent the log did not know (or forgot after --agent-gone-after)
    // gets its address from GET_AGENTS now rather than at the next periodic poll.
    ++running_coroutines_;
    net::co_spawn(io_, poll_agents_once(), [this](std::exception_ptr) { --running_coroutines_; });
  }
  {
    std::lock_guard lock(mu_);
    for (const auto& offer : offers) outstanding_offers_[offer.id] = offer;
  }
  listener_.offers(offers);
  if (options_.offer_hold.count() <= 0) {
    decline_unused(ids, generation);
    return;
  }
  auto timer = std::make_shared<net::steady_timer>(io_, options_.offer_hold);
  timer->async_wait([this, timer, ids, generation](const boost::system::error_code& ec) {
    if (!ec && !stopping_.load()) decline_unused(ids, generation);
  });
}

void SchedulerClient::decline_unused(const std::vector<std::string>& offer_ids,
                                     uint64_t generation) {
  std::vector<std::string> unused;
  std::lock_guard lock(mu_);
  if (generation != generation_ || !framework_id_) return;
  for (const auto& id : offer_ids) {
    if (outstanding_offers_.erase(id)) unused.push_back(id);
  }
  if (unused.empty()) return;
  counters_.offers_declined += unused.size();
  (void)enqueue("DECLINE", encode_decline(*framework_id_, unused, options_.decline_refuse_seconds));
}

void SchedulerClient::on_update(const TaskStatus& status, uint64_t generation) {
  // Durable first: a crash between the append and the acknowledgement only means the agent
  // resends, and the duplicate is recognised by its uuid.
  if (!record_status(status)) return;
  agent_gone_if_marked(status);
  bool answered_all = false;
  {
    std::lock_guard lock(mu_);
    if (generation == generation_ && pending_reconcile_.erase(status.task_id) > 0 &&
        pending_reconcile_.empty() && !reconciled_.load()) {
      answered_all = true;
    }
  }
  listener_.status_update(status);
  (void)acknowledge(status);
  if (answered_all) {
    reconciled_ = true;
    reconcile_timer_.cancel();
    log("reconciliation finished: every known task answered");
    listener_.reconciled();
  }
}

void SchedulerClient::on_stream_ended(const std::string& reason) {
  subscribed_ = false;
  reconciled_ = false;
  reconcile_timer_.cancel();
  implicit_timer_.cancel();
  {
    std::lock_guard lock(mu_);
    outstanding_offers_.clear();
    pending_reconcile_.clear();
    stream_id_.clear();
  }
  listener_.disconnected(reason);
}

}  // namespace scaleio::mesos
