// A MesosDriver that records every call instead of talking to a master. Like the real adapter
// (adapters/mesos/README.md) it refuses launches before reconciliation and, when given an event
// store, appends TaskLaunchRequested (stream "task/<id>") before it "sends" a launch, so the
// MesosTasksProjection learns launched tasks the way it does in production. Errors are settable.
// Thread-safe.
#pragma once

#include <mutex>
#include <string>
#include <vector>

#include "core/event_store.h"
#include "core/ports/mesos_driver.h"

namespace scaleio::testing {

class FakeMesosDriver final : public mesos::MesosDriver {
 public:
  struct LaunchCall {
    std::vector<std::string> offer_ids;
    std::vector<mesos::TaskLaunch> tasks;
    double refuse_seconds = 0;
  };
  struct DeclineCall {
    std::vector<std::string> offer_ids;
    double refuse_seconds = 0;
  };
  struct KillCall {
    std::string task_id;
    std::string agent_id;
  };

  // `store` may be null: launches are then only recorded.
  explicit FakeMesosDriver(EventStore* store = nullptr) : store_(store) {}

  Status launch(const std::vector<std::string>& offer_ids,
                const std::vector<mesos::TaskLaunch>& tasks, double refuse_seconds) override;
  Status decline(const std::vector<std::string>& offer_ids, double refuse_seconds) override;
  Status revive() override;
  Status suppress() override;
  Status kill(const std::string& task_id, const std::string& agent_id) override;
  Status reconcile(const std::vector<mesos::TaskRef>& tasks) override;
  Status acknowledge(const mesos::TaskStatus& status) override;
  bool reconciled() const override;

  // Test controls. An ok Status clears an error.
  void set_reconciled(bool reconciled);
  void set_launch_error(Status error);
  void set_kill_error(Status error);

  // What was called. launches() holds accepted launches only; refused ones are counted.
  std::vector<LaunchCall> launches() const;
  std::vector<mesos::TaskLaunch> launched_tasks() const;  // every task of every accepted launch
  size_t refused_launches() const;
  std::vector<DeclineCall> declines() const;
  std::vector<KillCall> kills() const;
  std::vector<std::vector<mesos::TaskRef>> reconciles() const;
  std::vector<mesos::TaskStatus> acknowledgements() const;
  size_t revives() const;
  size_t suppresses() const;
  void clear_calls();

 private:
  EventStore* const store_;
  mutable std::mutex mu_;
  bool reconciled_ = true;
  Status launch_error_;
  Status kill_error_;
  std::vector<LaunchCall> launches_;
  size_t refused_launches_ = 0;
  std::vector<DeclineCall> declines_;
  std::vector<KillCall> kills_;
  std::vector<std::vector<mesos::TaskRef>> reconciles_;
  std::vector<mesos::TaskStatus> acknowledgements_;
  size_t revives_ = 0;
  size_t suppresses_ = 0;
};

}  // namespace scaleio::testing
