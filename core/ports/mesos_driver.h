// The Mesos port: what reconcilers need from a Mesos scheduler connection. adapters/mesos
// implements it over the v1 HTTP API; tests and the deterministic simulation implement it in
// memory. Calls are asynchronous requests: an ok Status means "sent or queued for sending", the
// outcome arrives as events (task status updates, offers) through MesosListener.
#pragma once

#include <string>
#include <vector>

#include "core/ports/mesos_types.h"
#include "core/status.h"

namespace scaleio::mesos {

// Events of the subscription, delivered one at a time on the driver's thread. Keep handlers short:
// the next event waits.
class MesosListener {
 public:
  virtual ~MesosListener() = default;
  // The master accepted the subscription (first time or again after a reconnect).
  virtual void subscribed(const std::string& framework_id) = 0;
  // Offers still unused (not launched on, not declined) when this call returns are declined by the
  // driver with its filter, unless the driver holds offers (see the driver's options).
  virtual void offers(const std::vector<Offer>& offers) = 0;
  virtual void rescinded(const std::string& offer_id) = 0;
  // Already durably recorded (TaskStatusObserved) before this call; acknowledged after it.
  virtual void status_update(const TaskStatus& status) = 0;
  // Every task known before the (re)subscription has answered reconciliation: launching is safe.
  virtual void reconciled() {}
  // A problem the operator should see ("Framework has been removed" is permanent).
  virtual void error(const std::string& message) = 0;
  virtual void disconnected(const std::string& reason) = 0;
};

class MesosDriver {
 public:
  virtual ~MesosDriver() = default;

  // Launches `tasks` on the offers (all on one agent). kFailedPrecondition before reconciliation
  // has finished (nothing may be launched before), kUnavailable when not subscribed.
  virtual Status launch(const std::vector<std::string>& offer_ids,
                        const std::vector<TaskLaunch>& tasks, double refuse_seconds) = 0;
  virtual Status decline(const std::vector<std::string>& offer_ids, double refuse_seconds) = 0;
  // Ask for offers again (clears decline filters) / stop receiving offers.
  virtual Status revive() = 0;
  virtual Status suppress() = 0;
  virtual Status kill(const std::string& task_id, const std::string& agent_id) = 0;
  // Explicit reconciliation of `tasks`; an empty list asks for every task (implicit).
  virtual Status reconcile(const std::vector<TaskRef>& tasks) = 0;
  // Acknowledges one update; a no-op for updates without a uuid.
  virtual Status acknowledge(const TaskStatus& status) = 0;

  // True once every task known at the last (re)subscription has answered reconciliation.
  virtual bool reconciled() const = 0;
};

}  // namespace scaleio::mesos
