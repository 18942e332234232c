// The Mesos tasks the operator knows about and their last observed state, folded from
// TaskLaunchRequested and TaskStatusObserved. The Mesos adapter reconciles every non-terminal task
// in it after each (re)subscription. Snapshotted like the others: the state is small, but without
// a snapshot its load replays the whole log (14 s of a 14 s start-up at 5,000,000 events).
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
  // 2: the first encoding (snapshots.proto MesosTasksState). Version 1 kept no snapshot; skipping
  // it means an empty "version 1" state, which would decode as "no tasks", is never restored.
  uint32_t format_version() const override { return 2; }
  void apply(const Envelope& event) override;
  // The events apply() folds; it ignores every other (see AgentsProjection::folds).
  static bool folds(const Envelope& event);
  std::string save() const override;
  Status restore(std::string_view state) override;
  void reset() override { tasks_.clear(); }

  const std::map<std::string, KnownTask>& tasks() const { return tasks_; }
  std::vector<mesos::TaskRef> non_terminal() const;

 private:
  std::map<std::string, KnownTask> tasks_;
};

}  // namespace scaleio
