#include <catch2/catch.hpp>

#include "core/mesos_tasks_projection.h"

using namespace scaleio;

namespace {
Envelope launched(const std::string& task, const std::string& agent) {
  Envelope e;
  e.mutable_task_launch_requested()->set_task_id(task);
  e.mutable_task_launch_requested()->set_agent_id(agent);
  return e;
}
Envelope status(const std::string& task, const std::string& state) {
  Envelope e;
  e.mutable_task_status_observed()->set_task_id(task);
  e.mutable_task_status_observed()->set_state(state);
  return e;
}
}  // namespace

TEST_CASE("tasks projection: launched and running tasks are reconciled, terminal ones not",
          "[projection]") {
  MesosTasksProjection tasks;
  tasks.apply(launched("a", "S1"));
  tasks.apply(launched("b", "S1"));
  tasks.apply(launched("c", "S2"));
  tasks.apply(status("a", "TASK_RUNNING"));
  tasks.apply(status("b", "TASK_FINISHED"));
  tasks.apply(status("c", "TASK_UNREACHABLE"));
  auto pending = tasks.non_terminal();
  REQUIRE(pending.size() == 2);
  CHECK(pending[0].task_id == "a");
  CHECK(pending[0].agent_id == "S1");
  CHECK(pending[1].task_id == "c");
  // LOST can come back to RUNNING when a partitioned agent returns.
  tasks.apply(status("b", "TASK_LOST"));
  tasks.apply(status("b", "TASK_RUNNING"));
  CHECK(tasks.non_terminal().size() == 3);
}
