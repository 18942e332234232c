#include "cli/operator/mesos_events.h"

namespace scaleio::operator_daemon {

void MesosEvents::subscribed(const std::string& framework_id) {
  subscribed_ = true;
  metrics_.set_mesos_subscribed(true);
  {
    std::lock_guard lock(mu_);
    last_problem_.clear();
  }
  log_.info("mesos", "subscribed", {{"framework_id", framework_id}});
}

void MesosEvents::offers(const std::vector<mesos::Offer>& offers) {
  offers_.add(offers);
  if (offers_arrived_ && offers_.demand()) offers_arrived_();
  log_.debug("mesos", "offers received", {{"count", std::to_string(offers.size())}});
}

void MesosEvents::rescinded(const std::string& offer_id) {
  offers_.rescind(offer_id);
  metrics_.offers_handled(metrics::OfferOutcome::kRescinded);
}

void MesosEvents::status_update(const mesos::TaskStatus& status) {
  metrics_.task_status_update(status.state);
  const bool bad = status.state == mesos::TaskState::kFailed ||
                   status.state == mesos::TaskState::kError ||
                   status.state == mesos::TaskState::kLost;
  Logger::Fields fields = {{"task_id", status.task_id},
                           {"state", mesos::task_state_name(status.state)}};
  if (!status.reason.empty()) fields.emplace_back("reason", status.reason);
  if (!status.message.empty()) fields.emplace_back("message", status.message);
  log_.log(bad ? LogLevel::kWarn : LogLevel::kInfo, "mesos", "task status", fields);
}

void MesosEvents::reconciled() {
  log_.info("mesos", "task reconciliation finished; launching is allowed");
}

void MesosEvents::error(const std::string& message) {
  {
    std::lock_guard lock(mu_);
    last_problem_ = message;
  }
  log_.error("mesos", "error from the master", {{"message", message}});
}

void MesosEvents::disconnected(const std::string& reason) {
  subscribed_ = false;
  metrics_.set_mesos_subscribed(false);
  {
    std::lock_guard lock(mu_);
    last_problem_ = reason;
  }
  log_.warn("mesos", "disconnected; reconnecting", {{"reason", reason}});
}

std::string MesosEvents::last_problem() const {
  std::lock_guard lock(mu_);
  return last_problem_;
}

}  // namespace scaleio::operator_daemon
