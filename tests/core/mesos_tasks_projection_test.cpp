// The mesos_tasks projection keeps snapshots like the others (a restart no longer replays the
// whole log for it); a snapshot it cannot use is ignored and the state rebuilt from the log.
#include <catch2/catch.hpp>

#include "core/mesos_tasks_projection.h"
#include "eventlog/rocks_event_log.h"
#include "tests/support/temp_dir.h"

using scaleio::Envelope;
using scaleio::ExpectedVersion;
using scaleio::MesosTasksProjection;
using scaleio::eventlog::RocksEventLog;
using scaleio::testing::TempDir;

namespace {

Envelope launched(const std::string& task, const std::string& agent) {
  Envelope e;
  auto* l = e.mutable_task_launch_requested();
  l->set_task_id(task);
  l->set_agent_id(agent);
  l->set_hostname("host-of-" + agent);
  return e;
}

Envelope status(const std::string& task, const std::string& state, const std::string& agent = "") {
  Envelope e;
  auto* s = e.mutable_task_status_observed();
  s->set_task_id(task);
  s->set_agent_id(agent);
  s->set_state(state);
  return e;
}

Envelope unrelated() {
  Envelope e;
  e.mutable_agent_observed()->set_hostname("h1");
  return e;
}

void append(RocksEventLog& log, Envelope e) {
  std::vector<Envelope> one;
  one.push_back(std::move(e));
  REQUIRE(log.append("task/x", ExpectedVersion::any(), std::move(one)).ok());
}

// Launches, running, one finished, one relaunched on another agent, and unrelated events.
void write_history(RocksEventLog& log) {
  append(log, launched("t1", "A1"));
  append(log, launched("t2", "A2"));
  append(log, unrelated());
  append(log, status("t1", "TASK_RUNNING"));
  append(log, status("t2", "TASK_FAILED", "A2"));
  append(log, launched("t2", "A3"));
  append(log, status("t3", "TASK_LOST", "A9"));  // a status for a task never launched by us
}

// Everything the projection holds, so two states compare whole.
std::string dump(const MesosTasksProjection& p) {
  std::string out;
  for (const auto& [id, t] : p.tasks()) {
    out += id + "|" + t.task_id + "|" + t.agent_id + "|" + t.state + "|" +
           (t.terminal ? "terminal" : "live") + "\n";
  }
  return out;
}

}  // namespace

TEST_CASE("a mesos_tasks snapshot restores exactly the folded state") {
  TempDir dir;
  auto log = std::move(RocksEventLog::open(dir.path())).value();
  write_history(*log);
  MesosTasksProjection folded;
  REQUIRE(scaleio::load_projection(*log, folded).ok());
  REQUIRE(folded.tasks().size() == 3);
  CHECK(folded.tasks().at("t1").state == "TASK_RUNNING");
  CHECK(folded.tasks().at("t2").agent_id == "A3");
  CHECK(folded.tasks().at("t2").state == "TASK_STAGING");
  CHECK(folded.tasks().at("t3").terminal);

  MesosTasksProjection restored;
  REQUIRE(restored.restore(folded.save()).ok());
  CHECK(dump(restored) == dump(folded));
  CHECK(restored.non_terminal().size() == 2);

  SECTION("loaded from the snapshot plus the tail, equal to a full replay") {
    REQUIRE(scaleio::save_projection_snapshot(*log, folded, log->last_sequence()).ok());
    append(*log, status("t2", "TASK_RUNNING", "A3"));
    append(*log, status("t1", "TASK_FINISHED"));
    append(*log, launched("t4", "A1"));

    MesosTasksProjection from_snapshot;
    auto load = scaleio::load_projection(*log, from_snapshot);
    REQUIRE(load.ok());
    CHECK(load->from_snapshot);
    CHECK(load->snapshot_problem.empty());
    CHECK(load->snapshot_sequence == 7);
    CHECK(load->events_applied == 3);

    MesosTasksProjection full;
    REQUIRE(scaleio::catch_up_projection(*log, full, 0).ok());
    CHECK(dump(from_snapshot) == dump(full));
    CHECK(from_snapshot.tasks().at("t1").terminal);
    CHECK(from_snapshot.tasks().size() == 4);
  }
}

TEST_CASE(
    "a damaged or other-version mesos_tasks snapshot is ignored, the state rebuilt from the log") {
  TempDir dir;
  auto log = std::move(RocksEventLog::open(dir.path())).value();
  write_history(*log);
  MesosTasksProjection expected;
  REQUIRE(scaleio::catch_up_projection(*log, expected, 0).ok());
  const uint64_t at = log->last_sequence();

  scaleio::Snapshot bad;
  bad.sequence = at;
  std::string why;
  SECTION("bytes that do not decode") {
    bad.format_version = expected.format_version();
    bad.state = "\xff\xff\xff not protobuf";
    why = "cannot be decoded";
  }
  SECTION("version 1, from the builds that kept no snapshot: empty would mean no tasks") {
    bad.format_version = 1;
    bad.state = "";
    why = "format 1";
  }
  SECTION("a newer build's encoding") {
    bad.format_version = expected.format_version() + 1;
    bad.state = expected.save();
    why = "format " + std::to_string(expected.format_version() + 1);
  }
  REQUIRE(log->save_snapshot("mesos_tasks", bad).ok());

  MesosTasksProjection p;
  p.apply(launched("stale", "Z"));  // what the projection held before must not survive the load
  auto load = scaleio::load_projection(*log, p);
  REQUIRE(load.ok());
  CHECK_FALSE(load->from_snapshot);
  CHECK_THAT(load->snapshot_problem, Catch::Contains(why));
  CHECK(load->events_applied == at);
  CHECK(dump(p) == dump(expected));
}
