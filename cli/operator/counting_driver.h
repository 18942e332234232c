// The MesosDriver the reconcilers get: the real client, with launches and declines counted into
// mesos_offers_total. (Offers the client declines on its own are counted from its counters.)
#pragma once

#include "adapters/metrics/operator_metrics.h"
#include "core/ports/mesos_driver.h"

namespace scaleio::operator_daemon {

class CountingMesosDriver final : public mesos::MesosDriver {
 public:
  CountingMesosDriver(mesos::MesosDriver& inner, metrics::OperatorMetrics& metrics)
      : inner_(inner), metrics_(metrics) {}

  Status launch(const std::vector<std::string>& offer_ids,
                const std::vector<mesos::TaskLaunch>& tasks, double refuse_seconds) override {
    Status s = inner_.launch(offer_ids, tasks, refuse_seconds);
    if (s.ok()) metrics_.offers_handled(metrics::OfferOutcome::kLaunched, offer_ids.size());
    return s;
  }
  Status decline(const std::vector<std::string>& offer_ids, double refuse_seconds) override {
    Status s = inner_.decline(offer_ids, refuse_seconds);
    if (s.ok()) metrics_.offers_handled(metrics::OfferOutcome::kDeclined, offer_ids.size());
    return s;
  }
  Status revive() override { return inner_.revive(); }
  Status suppress() override { return inner_.suppress(); }
  Status kill(const std::string& task_id, const std::string& agent_id) override {
    return inner_.kill(task_id, agent_id);
  }
  Status reconcile(const std::vector<mesos::TaskRef>& tasks) override {
    return inner_.reconcile(tasks);
  }
  Status acknowledge(const mesos::TaskStatus& status) override {
    return inner_.acknowledge(status);
  }
  bool reconciled() const override { return inner_.reconciled(); }

 private:
  mesos::MesosDriver& inner_;
  metrics::OperatorMetrics& metrics_;
};

}  // namespace scaleio::operator_daemon
