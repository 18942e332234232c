// The daemon's MesosListener: offers go to the OfferPool (the reconcilers that launch take them
// from there), everything else to metrics and logs. Runs on the Mesos client's thread, so every
// handler is short.
#pragma once

#include <atomic>
#include <functional>
#include <string>
#include <vector>

#include "adapters/metrics/operator_metrics.h"
#include "cli/operator/logger.h"
#include "core/ports/mesos_driver.h"
#include "reconcilers/offer_pool.h"

namespace scaleio::operator_daemon {

class MesosEvents final : public mesos::MesosListener {
 public:
  // `offers_arrived` wakes the reconcilers that wait for offers (they are not log events).
  MesosEvents(reconcilers::OfferPool& offers, metrics::OperatorMetrics& metrics, Logger& log,
              std::function<void()> offers_arrived)
      : offers_(offers), metrics_(metrics), log_(log), offers_arrived_(std::move(offers_arrived)) {}

  void subscribed(const std::string& framework_id) override;
  void offers(const std::vector<mesos::Offer>& offers) override;
  void rescinded(const std::string& offer_id) override;
  void status_update(const mesos::TaskStatus& status) override;
  void reconciled() override;
  void error(const std::string& message) override;
  void disconnected(const std::string& reason) override;

  bool is_subscribed() const { return subscribed_.load(); }
  std::string last_problem() const;

 private:
  reconcilers::OfferPool& offers_;
  metrics::OperatorMetrics& metrics_;
  Logger& log_;
  std::function<void()> offers_arrived_;
  std::atomic<bool> subscribed_{false};
  mutable std::mutex mu_;
  std::string last_problem_;
};

}  // namespace scaleio::operator_daemon
