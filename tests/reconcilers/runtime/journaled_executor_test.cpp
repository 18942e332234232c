// The journaled executor: intent before the action, outcome after it, backoff recorded in the
// failure so that it survives restarts.
#include <catch2/catch.hpp>

#include "core/action_journal.h"
#include "eventlog/rocks_event_log.h"
#include "reconcilers/runtime/backoff.h"
#include "reconcilers/runtime/journaled_executor.h"
#include "tests/reconcilers/runtime/runtime_fakes.h"
#include "tests/support/temp_dir.h"

using scaleio::ActionJournal;
using scaleio::Clock;
using scaleio::Envelope;
using scaleio::ManualClock;
using scaleio::Result;
using scaleio::StatusCode;
using scaleio::eventlog::RocksEventLog;
using scaleio::reconcilers::ActionRequest;
using scaleio::reconcilers::backoff_delay;
using scaleio::reconcilers::BackoffPolicy;
using scaleio::reconcilers::JournaledExecutor;
using namespace scaleio::testing;
using namespace std::chrono_literals;

namespace {

std::vector<Envelope> stream(RocksEventLog& log, const std::string& name) {
  auto events = log.read_stream(name, 1, 1000);
  REQUIRE(events.ok());
  return *events;
}

ActionRequest request(const std::string& target) {
  return ActionRequest{"create_storage_pool", target, target + "@plan1", "create " + target};
}

int64_t ms(Clock::Duration d) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(d).count();
}

}  // namespace

TEST_CASE("perform records the intent, runs the action, then records the outcome") {
  TempDir dir;
  auto log = std::move(RocksEventLog::open(dir.path())).value();
  ManualClock clock;
  ActionJournal journal;
  JournaledExecutor exec(
      *log, clock, [] { return 0.5; }, "storage_pools", journal);
  exec.begin_pass("storage_pools/1/1");

  bool intent_was_there = false;
  Result<std::string> r = exec.perform(request("pool/pd1/sp1"), [&]() -> Result<std::string> {
    // The intent is durable before the side effect starts.
    auto events = log->read_stream("reconciler/storage_pools", 1, 10);
    intent_was_there = events.ok() && events->size() == 1 && events->front().has_action_started();
    return std::string("sp-id-1");
  });
  REQUIRE(r.ok());
  CHECK(*r == "sp-id-1");
  CHECK(intent_was_there);
  CHECK(exec.actions_run() == 1);

  auto events = stream(*log, "reconciler/storage_pools");
  REQUIRE(events.size() == 2);
  const auto& intent = events[0];
  const auto& outcome = events[1];
  CHECK(intent.action_started().target() == "pool/pd1/sp1");
  CHECK(intent.action_started().idempotency_key() == "pool/pd1/sp1@plan1");
  CHECK(intent.action_started().detail() == "create pool/pd1/sp1");
  CHECK(intent.source() == scaleio::events::SOURCE_RECONCILER);
  CHECK(intent.correlation_id() == "storage_pools/1/1");
  CHECK(intent.timestamp_unix_ms() == clock.now_unix_ms());
  REQUIRE(outcome.has_action_succeeded());
  CHECK(outcome.action_succeeded().result() == "sp-id-1");
  CHECK(outcome.correlation_id() == "storage_pools/1/1");
  CHECK(outcome.causation_id() == std::to_string(intent.sequence()));

  REQUIRE(scaleio::catch_up_projection(*log, journal, 0).ok());
  CHECK(journal.created_id("pool/pd1/sp1") == "sp-id-1");
  CHECK(journal.pending("storage_pools").empty());
}

TEST_CASE("backoff doubles from base up to the cap, scaled by jitter within its bounds") {
  BackoffPolicy p;  // base 2 s, cap 5 min, jitter 0.5..1.5
  CHECK(backoff_delay(p, 1, 0.5) == 2s);
  CHECK(backoff_delay(p, 2, 0.5) == 4s);
  CHECK(backoff_delay(p, 3, 0.5) == 8s);
  CHECK(backoff_delay(p, 8, 0.5) == 256s);
  CHECK(backoff_delay(p, 9, 0.5) == 5min);          // 512 s capped
  CHECK(backoff_delay(p, 1'000'000, 0.5) == 5min);  // no overflow
  CHECK(backoff_delay(p, 1, 0.0) == 1s);
  CHECK(backoff_delay(p, 3, 0.0) == 4s);
  for (double u : {0.0, 0.1, 0.37, 0.5, 0.9, 0.999999}) {
    for (uint32_t attempt = 1; attempt < 12; ++attempt) {
      const auto nominal = std::min<Clock::Duration>(2s * (1LL << (attempt - 1)), 5min);
      const auto d = backoff_delay(p, attempt, u);
      CHECK(d >= nominal / 2);
      CHECK(d < nominal * 3 / 2);
    }
  }
}

TEST_CASE("failures back off exponentially with jitter and a success resets the count") {
  TempDir dir;
  auto log = std::move(RocksEventLog::open(dir.path())).value();
  ManualClock clock;
  ActionJournal journal;
  double jitter = 0.0;
  JournaledExecutor exec(
      *log, clock, [&] { return jitter; }, "mdm_quorum", journal,
      BackoffPolicy{.base = 2s, .cap = 60s});
  auto fail = [] { return Result<std::string>(scaleio::unavailable("gateway down")); };

  std::vector<int64_t> waits;
  std::vector<uint32_t> attempts;
  for (int i = 0; i < 7; ++i) {
    exec.begin_pass("p" + std::to_string(i));
    jitter = i % 2 == 0 ? 0.0 : 0.75;  // factors 0.5 and 1.25 in turn (exact in binary)
    Result<std::string> r = exec.perform(request("mdm/h2"), fail);
    CHECK(r.status().code() == StatusCode::kUnavailable);
    // The next pass reads the journal caught up with this one's outcomes.
    REQUIRE(scaleio::catch_up_projection(*log, journal, journal.last_sequence()).ok());
    const auto* rec = journal.find("mdm_quorum", "mdm/h2");
    REQUIRE(rec != nullptr);
    attempts.push_back(rec->consecutive_failures);
    waits.push_back(rec->next_attempt_unix_ms - clock.now_unix_ms());
    CHECK(rec->last_code == "Unavailable");
    CHECK(journal.in_backoff("mdm_quorum", "mdm/h2", clock.now_unix_ms()));
    CHECK(exec.earliest_retry_unix_ms() == rec->next_attempt_unix_ms);
    clock.advance(10min);
  }
  CHECK(attempts == std::vector<uint32_t>{1, 2, 3, 4, 5, 6, 7});
  // nominal 2, 4, 8, 16, 32, 60, 60 s; factor 0.5 on even passes, 1.25 on odd ones
  CHECK(waits == std::vector<int64_t>{1'000, 5'000, 4'000, 20'000, 16'000, 75'000, 30'000});

  exec.begin_pass("ok");
  REQUIRE(exec.perform(request("mdm/h2"), [] { return Result<std::string>("done"); }).ok());
  exec.begin_pass("again");
  jitter = 0.5;
  (void)exec.perform(request("mdm/h2"), fail);
  REQUIRE(scaleio::catch_up_projection(*log, journal, journal.last_sequence()).ok());
  const auto* rec = journal.find("mdm_quorum", "mdm/h2");
  CHECK(rec->consecutive_failures == 1);  // the success started the count afresh
  CHECK(rec->next_attempt_unix_ms - clock.now_unix_ms() == ms(2s));
}

TEST_CASE("failures within one pass count up before the journal has folded them") {
  TempDir dir;
  auto log = std::move(RocksEventLog::open(dir.path())).value();
  ManualClock clock;
  ActionJournal journal;
  JournaledExecutor exec(
      *log, clock, [] { return 0.5; }, "nodes", journal);
  exec.begin_pass("p1");
  auto fail = [] { return Result<std::string>(scaleio::unavailable("no offer")); };
  (void)exec.perform(request("node/h1"), fail);
  (void)exec.perform(request("node/h1"), fail);
  auto events = stream(*log, "reconciler/nodes");
  REQUIRE(events.size() == 4);
  CHECK(events[1].action_failed().attempt() == 1);
  CHECK(events[3].action_failed().attempt() == 2);
  CHECK(events[3].action_failed().next_attempt_unix_ms() == clock.now_unix_ms() + 4'000);
}

TEST_CASE("when the intent cannot be recorded the action does not run") {
  TempDir dir;
  auto log = std::move(RocksEventLog::open(dir.path())).value();
  ManualClock clock;
  ActionJournal journal;
  JournaledExecutor exec(
      *log, clock, [] { return 0.5; }, "nodes", journal);
  log->close();  // every append now fails
  bool ran = false;
  Result<std::string> r = exec.perform(request("node/h1"), [&] {
    ran = true;
    return Result<std::string>("x");
  });
  CHECK_FALSE(r.ok());
  CHECK(r.status().code() == StatusCode::kUnavailable);
  CHECK_FALSE(ran);
  CHECK(exec.actions_run() == 0);
}

TEST_CASE("resolve records the outcome of an intent left pending by a restart") {
  TempDir dir;
  auto log = std::move(RocksEventLog::open(dir.path())).value();
  ManualClock clock;
  ActionJournal journal;
  REQUIRE(log->append("reconciler/storage_pools", scaleio::ExpectedVersion::any(),
                      one_event(intent_event("storage_pools", "create_storage_pool", "pool/a")))
              .ok());
  REQUIRE(log->append("reconciler/storage_pools", scaleio::ExpectedVersion::any(),
                      one_event(intent_event("storage_pools", "create_storage_pool", "pool/b")))
              .ok());
  REQUIRE(scaleio::catch_up_projection(*log, journal, 0).ok());
  JournaledExecutor exec(
      *log, clock, [] { return 0.5; }, "storage_pools", journal);
  exec.begin_pass("startup");
  auto pending = journal.pending("storage_pools");
  REQUIRE(pending.size() == 2);
  REQUIRE(exec.resolve(*pending[0]->pending, true, "found-id").ok());
  REQUIRE(exec.resolve(*pending[1]->pending, false, "").ok());

  auto events = stream(*log, "reconciler/storage_pools");
  REQUIRE(events.size() == 4);
  CHECK(events[2].action_succeeded().resolved_at_startup());
  CHECK(events[2].action_succeeded().result() == "found-id");
  CHECK(events[2].causation_id() == "1");
  CHECK(events[3].action_failed().resolved_at_startup());
  CHECK(events[3].action_failed().next_attempt_unix_ms() == 0);
  CHECK(exec.actions_run() == 0);  // resolving is not acting

  REQUIRE(scaleio::catch_up_projection(*log, journal, journal.last_sequence()).ok());
  CHECK(journal.pending("storage_pools").empty());
  CHECK(journal.created_id("pool/a") == "found-id");
  CHECK_FALSE(journal.created_by_operator("pool/b"));
  CHECK_FALSE(journal.in_backoff("storage_pools", "pool/b", clock.now_unix_ms()));  // retry now
}
