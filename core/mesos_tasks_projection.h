// The Mesos tasks the operator knows about and their last observed state, folded from
// TaskLaunchRequested and TaskStatusObserved. The Mesos adapter reconciles every non-terminal task
// in it after each (re)subscription.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "core/ports/mesos_types.h"
#include "core/projection.h"

namespace scaleio {

struct KnownTask {
  std::string task_id;
  std::string agent_id;
  std::string state;  // Mesos TaskState name; "TASK_STAGING" until a status arrives
  bool terminal = false;
};

class MesosTasksProjection final : public Projection {
 public:
  std::string_view name() const override { return "mesos_tasks"; }
  uint32_t format_version() const override { return 1; }
  void apply(const Envelope& event) override;
  // Not snapshotted: the state is small and rebuilt from two event types at start-up.
  std::string save() const override { return {}; }
  Status restore(std::string_view) override {
    return failed_precondition("mesos_tasks keeps no snapshots");
  }
  void reset() override { tasks_.clear(); }

  const std::map<std::string, KnownTask>& tasks() const { return tasks_; }
  std::vector<mesos::TaskRef> non_terminal() const;

 private:
  std::map<std::string, KnownTask> tasks_;
};

}  // namespace scaleio
