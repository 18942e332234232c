// The action journal: a pure fold of intents, outcomes and operator commands, with snapshots that
// give the same answers as a full replay.
#include <algorithm>
#include <random>
#include <set>
#include <stdexcept>

#include <catch2/catch.hpp>

#include "core/action_journal.h"
#include "eventlog/rocks_event_log.h"
#include "tests/reconcilers/runtime/runtime_fakes.h"
#include "tests/support/temp_dir.h"

using scaleio::ActionJournal;
using scaleio::Envelope;
using scaleio::ExpectedVersion;
using scaleio::StatusCode;
using scaleio::eventlog::RocksEventLog;
using namespace scaleio::testing;

namespace {

// Applies events with consecutive sequences, as the log would give them.
struct Feeder {
  ActionJournal& journal;
  uint64_t next = 1;
  void operator()(Envelope e, int64_t timestamp_ms = 0) {
    e.set_sequence(next++);
    e.set_timestamp_unix_ms(timestamp_ms);
    journal.apply(e);
  }
};

Envelope command(const std::string& verb, const std::string& target) {
  Envelope e;
  e.mutable_operator_command()->set_command(verb);
  e.mutable_operator_command()->set_target(target);
  return e;
}

}  // namespace

TEST_CASE("the journal folds intents and outcomes per reconciler and target") {
  ActionJournal j;
  Feeder feed{j};
  feed(intent_event("storage_pools", "create_storage_pool", "pool/pd1/sp2"));  // 1
  feed(intent_event("storage_pools", "create_storage_pool", "pool/pd1/sp1"));  // 2
  feed(intent_event("nodes", "launch_task", "node/h1"));                       // 3

  auto pending = j.pending("storage_pools");
  REQUIRE(pending.size() == 2);
  CHECK(pending[0]->target == "pool/pd1/sp2");  // oldest intent first, not by name
  CHECK(pending[0]->pending_sequence == 1);
  CHECK(pending[1]->target == "pool/pd1/sp1");
  CHECK(j.pending("nodes").size() == 1);
  CHECK(j.pending("mdm_quorum").empty());

  feed(failure_event("storage_pools", "create_storage_pool", "pool/pd1/sp2", 3, 5'000), 1'000);
  const auto* failed = j.find("storage_pools", "pool/pd1/sp2");
  REQUIRE(failed != nullptr);
  CHECK_FALSE(failed->pending.has_value());
  CHECK(failed->consecutive_failures == 3);
  CHECK(failed->last_code == "Unavailable");
  CHECK(failed->last_error == "gateway down");
  CHECK(failed->last_outcome_sequence == 4);
  CHECK(failed->last_outcome_unix_ms == 1'000);
  CHECK(j.in_backoff("storage_pools", "pool/pd1/sp2", 4'999));
  CHECK_FALSE(j.in_backoff("storage_pools", "pool/pd1/sp2", 5'000));
  CHECK_FALSE(j.in_backoff("nodes", "pool/pd1/sp2", 4'999));  // backoff is per reconciler
  REQUIRE(j.failing("storage_pools").size() == 1);
  CHECK(j.pending("storage_pools").size() == 1);

  feed(success_event("storage_pools", "create_storage_pool", "pool/pd1/sp2", "id-2"));
  const auto* ok = j.find("storage_pools", "pool/pd1/sp2");
  CHECK(ok->consecutive_failures == 0);
  CHECK(ok->next_attempt_unix_ms == 0);
  CHECK(ok->last_code.empty());
  CHECK(j.failing("storage_pools").empty());
  CHECK(j.last_sequence() == 5);
  CHECK(j.find("storage_pools", "pool/none") == nullptr);
}

TEST_CASE("ownership: a successful create_ makes a target the operator's and remove_ forgets it") {
  ActionJournal j;
  Feeder feed{j};
  feed(failure_event("sdc_mappings", "create_volume", "volume/v1", 1, 10));
  CHECK_FALSE(j.created_by_operator("volume/v1"));  // a failed create created nothing

  feed(success_event("sdc_mappings", "create_volume", "volume/v1", "vol-id-1"));
  CHECK(j.created_by_operator("volume/v1"));
  CHECK(j.created_id("volume/v1") == "vol-id-1");

  feed(success_event("sdc_mappings", "map_volume", "volume/v1", "mapped"));  // not a create
  CHECK(j.created_id("volume/v1") == "vol-id-1");

  feed(failure_event("sdc_mappings", "remove_volume", "volume/v1", 1, 10));
  CHECK(j.created_by_operator("volume/v1"));  // a failed removal removed nothing

  feed(success_event("sdc_mappings", "remove_volume", "volume/v1"));
  CHECK_FALSE(j.created_by_operator("volume/v1"));
  CHECK(j.created_id("volume/v1").empty());
  CHECK_FALSE(j.created_by_operator("volume/never"));
}

TEST_CASE("pause and resume commands fold into the paused reconcilers") {
  ActionJournal j;
  Feeder feed{j};
  feed(command("pause", "nodes"));
  feed(command("pause", "storage_pools"));
  feed(command("pause", "nodes"));  // twice: still one pause
  CHECK(j.paused("nodes"));
  CHECK(j.paused_reconcilers().size() == 2);
  feed(command("resume", "nodes"));
  CHECK_FALSE(j.paused("nodes"));
  CHECK(j.paused("storage_pools"));
  feed(command("drain", "storage_pools"));  // a command the journal does not know: ignored
  CHECK(j.paused("storage_pools"));
}

TEST_CASE("a journal snapshot restores the same answers, including a pending intent") {
  ActionJournal j;
  Feeder feed{j};
  auto intent = intent_event("nodes", "launch_task", "node/h1");
  intent.mutable_action_started()->set_detail("launch on h1 \xc3\xa9");  // non-ASCII survives
  feed(intent);
  feed(failure_event("mdm_quorum", "add_standby", "mdm/h2", 2, 9'000), 7'000);
  feed(success_event("sdc_mappings", "create_volume", "volume/v1", "vid"));
  feed(command("pause", "storage_pools"));

  ActionJournal restored;
  REQUIRE(restored.restore(j.save()).ok());
  CHECK(restored.last_sequence() == 4);
  CHECK(restored.paused("storage_pools"));
  CHECK(restored.created_id("volume/v1") == "vid");
  auto pending = restored.pending("nodes");
  REQUIRE(pending.size() == 1);
  CHECK(pending[0]->pending_sequence == 1);
  CHECK(pending[0]->pending->idempotency_key() == "node/h1@1");
  CHECK(pending[0]->pending->detail() == "launch on h1 \xc3\xa9");
  const auto* f = restored.find("mdm_quorum", "mdm/h2");
  REQUIRE(f != nullptr);
  CHECK(f->consecutive_failures == 2);
  CHECK(f->next_attempt_unix_ms == 9'000);
  CHECK(f->last_outcome_unix_ms == 7'000);
  CHECK(restored.save() == j.save());

  // The fold goes on from the restored state as from the original.
  Envelope done = success_event("nodes", "launch_task", "node/h1", "task-1");
  done.set_sequence(5);
  j.apply(done);
  restored.apply(done);
  CHECK(restored.save() == j.save());
  CHECK(restored.pending("nodes").empty());
}

TEST_CASE("a damaged journal snapshot is refused as data loss and leaves the journal empty") {
  ActionJournal j;
  Feeder feed{j};
  feed(command("pause", "nodes"));
  CHECK(j.restore("not cbor at all").code() == StatusCode::kDataLoss);
  CHECK_FALSE(j.paused("nodes"));
  CHECK(j.last_sequence() == 0);
}

TEST_CASE("the journal loads from a snapshot plus the tail of the real log, like a full replay") {
  TempDir dir;
  auto log = std::move(RocksEventLog::open(dir.path())).value();
  auto append = [&](Envelope e) {
    REQUIRE(log->append("reconciler/x", ExpectedVersion::any(), one_event(std::move(e))).ok());
  };
  append(intent_event("nodes", "launch_task", "node/h1"));
  append(success_event("storage_pools", "create_storage_pool", "pool/pd1/sp1", "sp-id"));
  ActionJournal first;
  auto loaded = scaleio::load_projection(*log, first);
  REQUIRE(loaded.ok());
  REQUIRE(scaleio::save_projection_snapshot(*log, first, loaded->last_sequence).ok());
  append(failure_event("nodes", "launch_task", "node/h1", 1, 123));
  append(success_event("storage_pools", "remove_storage_pool", "pool/pd1/sp1"));

  ActionJournal from_snapshot;
  auto l = scaleio::load_projection(*log, from_snapshot);
  REQUIRE(l.ok());
  CHECK(l->from_snapshot);
  CHECK(l->events_applied == 2);
  ActionJournal replayed;
  replayed.reset();
  REQUIRE(scaleio::catch_up_projection(*log, replayed, 0).ok());
  CHECK(from_snapshot.save() == replayed.save());
  CHECK(from_snapshot.pending("nodes").empty());
  CHECK(from_snapshot.in_backoff("nodes", "node/h1", 122));
  CHECK_FALSE(from_snapshot.created_by_operator("pool/pd1/sp1"));
}

TEST_CASE("pending and failing answer as a scan of every target would, through random histories") {
  // The journal indexes the targets that are pending or failing per reconciler; this checks the
  // index against the records themselves after every event and after a snapshot round trip.
  const std::vector<std::string> reconcilers = {"nodes", "storage_pools", "sdc_mappings"};
  for (uint32_t seed = 1; seed <= 20; ++seed) {
    std::mt19937 rng(seed);
    ActionJournal j;
    Feeder feed{j};
    std::set<std::pair<std::string, std::string>> known;
    auto expect_consistent = [&](const ActionJournal& journal) {
      for (const auto& reconciler : reconcilers) {
        std::vector<std::string> want_pending, want_failing, got_pending, got_failing;
        std::vector<std::pair<uint64_t, std::string>> by_sequence;
        for (const auto& [r, target] : known) {
          const auto* record = journal.find(r, target);
          REQUIRE(record != nullptr);
          if (r != reconciler) continue;
          if (record->pending) by_sequence.emplace_back(record->pending_sequence, target);
          if (record->consecutive_failures > 0) want_failing.push_back(target);
        }
        std::sort(by_sequence.begin(), by_sequence.end());
        for (const auto& [_, target] : by_sequence) want_pending.push_back(target);
        for (const auto* r : journal.pending(reconciler)) got_pending.push_back(r->target);
        for (const auto* r : journal.failing(reconciler)) got_failing.push_back(r->target);
        CHECK(got_pending == want_pending);  // oldest intent first
        CHECK(got_failing == want_failing);  // target order
      }
    };
    for (int step = 0; step < 300; ++step) {
      const std::string& reconciler = reconcilers[rng() % reconcilers.size()];
      const std::string target = "sds/host-" + std::to_string(rng() % 12);
      known.insert({reconciler, target});
      switch (rng() % 3) {
        case 0:
          feed(intent_event(reconciler, "add_sds", target));
          break;
        case 1:
          feed(success_event(reconciler, "add_sds", target, "id"));
          break;
        default:
          feed(failure_event(reconciler, "add_sds", target, 1 + rng() % 4, 1'000));
          break;
      }
      expect_consistent(j);
    }
    ActionJournal restored;
    REQUIRE(restored.restore(j.save()).ok());
    expect_consistent(restored);
    j.reset();
    for (const auto& reconciler : reconcilers) {
      CHECK(j.pending(reconciler).empty());
      CHECK(j.failing(reconciler).empty());
    }
  }
}

TEST_CASE("a journal scoped to one reconciler answers for it as the whole journal does") {
  // A reconciler loop keeps only its own part of the journal; every question its passes ask must
  // get the whole journal's answer, after every event and after a restore from a whole snapshot.
  const std::vector<std::string> reconcilers = {"nodes", "storage_pools", "sdc_mappings"};
  const std::vector<std::string> actions = {"create_volume", "remove_volume", "add_sds"};
  auto same_record = [](const scaleio::TargetRecord* a, const scaleio::TargetRecord* b) {
    if (!a || !b) return a == b;
    return a->pending.has_value() == b->pending.has_value() &&
           a->pending_sequence == b->pending_sequence &&
           a->consecutive_failures == b->consecutive_failures &&
           a->next_attempt_unix_ms == b->next_attempt_unix_ms && a->last_action == b->last_action &&
           a->last_code == b->last_code && a->last_error == b->last_error &&
           a->last_outcome_sequence == b->last_outcome_sequence;
  };
  auto targets_of = [](const std::vector<const scaleio::TargetRecord*>& records) {
    std::vector<std::string> out;
    for (const auto* r : records) out.push_back(r->target);
    return out;
  };
  for (uint32_t seed = 1; seed <= 10; ++seed) {
    std::mt19937 rng(seed);
    ActionJournal whole;
    ActionJournal scoped("storage_pools");
    uint64_t sequence = 0;
    auto feed = [&](Envelope e) {
      e.set_sequence(++sequence);
      e.set_timestamp_unix_ms(static_cast<int64_t>(sequence) * 100);
      whole.apply(e);
      scoped.apply(e);
    };
    auto expect_same = [&](const ActionJournal& part) {
      for (int t = 0; t < 8; ++t) {
        const std::string target = "volume/v" + std::to_string(t);
        CHECK(same_record(part.find("storage_pools", target), whole.find("storage_pools", target)));
        CHECK(part.in_backoff("storage_pools", target, static_cast<int64_t>(sequence) * 100) ==
              whole.in_backoff("storage_pools", target, static_cast<int64_t>(sequence) * 100));
        // Ownership spans reconcilers: sdc_mappings maps volumes storage_pools may have created.
        CHECK(part.created_by_operator(target) == whole.created_by_operator(target));
        CHECK(part.created_id(target) == whole.created_id(target));
      }
      CHECK(targets_of(part.pending("storage_pools")) ==
            targets_of(whole.pending("storage_pools")));
      CHECK(targets_of(part.failing("storage_pools")) ==
            targets_of(whole.failing("storage_pools")));
      CHECK(part.paused_reconcilers() == whole.paused_reconcilers());
    };
    for (int step = 0; step < 200; ++step) {
      const std::string& reconciler = reconcilers[rng() % reconcilers.size()];
      const std::string& action = actions[rng() % actions.size()];
      const std::string target = "volume/v" + std::to_string(rng() % 8);
      switch (rng() % 5) {
        case 0:
          feed(intent_event(reconciler, action, target));
          break;
        case 1:
        case 2:
          feed(success_event(reconciler, action, target, "id-" + std::to_string(step)));
          break;
        case 3:
          feed(failure_event(reconciler, action, target, 1 + rng() % 4, 1'000));
          break;
        default:
          feed(command(rng() % 2 ? "pause" : "resume", reconciler));
          break;
      }
      expect_same(scoped);
    }
    ActionJournal restored("storage_pools");
    REQUIRE(restored.restore(whole.save()).ok());
    expect_same(restored);
    // It holds nothing of the others, and says so rather than answering "nothing there".
    CHECK_THROWS_AS(scoped.find("nodes", "volume/v0"), std::logic_error);
    CHECK_THROWS_AS(scoped.pending("sdc_mappings"), std::logic_error);
    CHECK_THROWS_AS(restored.failing("nodes"), std::logic_error);
    CHECK(scoped.save().size() < whole.save().size());
  }
}
