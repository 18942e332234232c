#include "tests/reconcilers/nodes/fake_mesos_driver.h"

namespace scaleio::testing {

Status FakeMesosDriver::launch(const std::vector<std::string>& offer_ids,
                               const std::vector<mesos::TaskLaunch>& tasks, double refuse_seconds) {
  std::lock_guard lock(mu_);
  if (offer_ids.empty()) return invalid_argument("launch needs at least one offer");
  if (!reconciled_) {
    ++refused_launches_;
    return failed_precondition("task reconciliation has not finished; launching is unsafe");
  }
  if (!launch_error_.ok()) {
    ++refused_launches_;
    return launch_error_;
  }
  if (store_ != nullptr) {
    for (const auto& task : tasks) {
      Envelope e;
      e.set_source(events::SOURCE_OBSERVER);
      auto* intent = e.mutable_task_launch_requested();
      intent->set_task_id(task.task_id);
      intent->set_agent_id(task.agent_id);
      intent->set_name(task.name);
      intent->set_offer_id(offer_ids.front());
      auto appended = store_->append("task/" + task.task_id, ExpectedVersion::any(), {e});
      if (!appended.ok()) return appended.status();
    }
  }
  launches_.push_back({offer_ids, tasks, refuse_seconds});
  return Status();
}

Status FakeMesosDriver::decline(const std::vector<std::string>& offer_ids, double refuse_seconds) {
  std::lock_guard lock(mu_);
  declines_.push_back({offer_ids, refuse_seconds});
  return Status();
}

Status FakeMesosDriver::revive() {
  std::lock_guard lock(mu_);
  ++revives_;
  return Status();
}

Status FakeMesosDriver::suppress() {
  std::lock_guard lock(mu_);
  ++suppresses_;
  return Status();
}

Status FakeMesosDriver::kill(const std::string& task_id, const std::string& agent_id) {
  std::lock_guard lock(mu_);
  if (!kill_error_.ok()) return kill_error_;
  kills_.push_back({task_id, agent_id});
  return Status();
}

Status FakeMesosDriver::reconcile(const std::vector<mesos::TaskRef>& tasks) {
  std::lock_guard lock(mu_);
  reconciles_.push_back(tasks);
  return Status();
}

Status FakeMesosDriver::acknowledge(const mesos::TaskStatus& status) {
  std::lock_guard lock(mu_);
  if (!status.uuid.empty()) acknowledgements_.push_back(status);
  return Status();
}

bool FakeMesosDriver::reconciled() const {
  std::lock_guard lock(mu_);
  return reconciled_;
}

void FakeMesosDriver::set_reconciled(bool reconciled) {
  std::lock_guard lock(mu_);
  reconciled_ = reconciled;
}

void FakeMesosDriver::set_launch_error(Status error) {
  std::lock_guard lock(mu_);
  launch_error_ = std::move(error);
}

void FakeMesosDriver::set_kill_error(Status error) {
  std::lock_guard lock(mu_);
  kill_error_ = std::move(error);
}

std::vector<FakeMesosDriver::LaunchCall> FakeMesosDriver::launches() const {
  std::lock_guard lock(mu_);
  return launches_;
}

std::vector<mesos::TaskLaunch> FakeMesosDriver::launched_tasks() const {
  std::lock_guard lock(mu_);
  std::vector<mesos::TaskLaunch> out;
  for (const auto& call : launches_) out.insert(out.end(), call.tasks.begin(), call.tasks.end());
  return out;
}

size_t FakeMesosDriver::refused_launches() const {
  std::lock_guard lock(mu_);
  return refused_launches_;
}

std::vector<FakeMesosDriver::DeclineCall> FakeMesosDriver::declines() const {
  std::lock_guard lock(mu_);
  return declines_;
}

std::vector<FakeMesosDriver::KillCall> FakeMesosDriver::kills() const {
  std::lock_guard lock(mu_);
  return kills_;
}

std::vector<std::vector<mesos::TaskRef>> FakeMesosDriver::reconciles() const {
  std::lock_guard lock(mu_);
  return reconciles_;
}

std::vector<mesos::TaskStatus> FakeMesosDriver::acknowledgements() const {
  std::lock_guard lock(mu_);
  return acknowledgements_;
}

size_t FakeMesosDriver::revives() const {
  std::lock_guard lock(mu_);
  return revives_;
}

size_t FakeMesosDriver::suppresses() const {
  std::lock_guard lock(mu_);
  return suppresses_;
}

void FakeMesosDriver::clear_calls() {
  std::lock_guard lock(mu_);
  launches_.clear();
  refused_launches_ = 0;
  declines_.clear();
  kills_.clear();
  reconciles_.clear();
  acknowledgements_.clear();
  revives_ = 0;
  suppresses_ = 0;
}

}  // namespace scaleio::testing
