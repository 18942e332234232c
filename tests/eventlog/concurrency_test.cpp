// Racing appenders and subscribers: every append gets its own contiguous sequences exactly once,
// stream versions stay consistent, and every subscriber sees the whole log in order.
#include <atomic>
#include <map>
#include <set>
#include <thread>

#include <catch2/catch.hpp>

#include "eventlog/rocks_event_log.h"
#include "tests/eventlog/events_for_tests.h"
#include "tests/support/temp_dir.h"

using scaleio::Envelope;
using scaleio::ExpectedVersion;
using scaleio::eventlog::RocksEventLog;
using scaleio::testing::command;
using scaleio::testing::TempDir;
using namespace std::chrono_literals;

TEST_CASE("racing appenders and subscribers: no gap, no duplicate, no lost append") {
  TempDir dir;
  auto log = std::move(RocksEventLog::open(dir.path())).value();
  constexpr int kWriters = 8;
  constexpr int kAppendsEach = 150;
  constexpr int kBatch = 2;
  constexpr uint64_t kTotal = uint64_t{kWriters} * kAppendsEach * kBatch;

  // Catch's assertions are not thread-safe: threads count what went wrong, the test checks after.
  std::atomic<int> conflicts{0};
  std::atomic<int> unexpected_errors{0};
  std::vector<std::vector<std::pair<uint64_t, uint64_t>>> acked(kWriters);
  auto write = [&](int w) {
    for (int i = 0; i < kAppendsEach; ++i) {
      // Half the writers share one stream with expected versions, retrying on conflict, like
      // reconcilers racing on one object.
      bool shared = w % 2 == 0;
      std::string stream = shared ? "shared" : "own/" + std::to_string(w);
      for (int attempt = 0; attempt < 10'000; ++attempt) {
        std::vector<Envelope> batch{command("w" + std::to_string(w), std::to_string(i) + "/0"),
                                    command("w" + std::to_string(w), std::to_string(i) + "/1")};
        auto expected = ExpectedVersion::any();
        if (shared) expected = ExpectedVersion::exactly(log->stream_version(stream).value());
        auto r = log->append(stream, expected, std::move(batch));
        if (r.ok()) {
          acked[w].push_back({r->first_sequence, r->last_sequence});
          break;
        }
        if (r.status().code() != scaleio::StatusCode::kAborted) {
          ++unexpected_errors;
          return;
        }
        ++conflicts;
      }
    }
  };
  std::vector<std::vector<uint64_t>> seen(3);
  auto follow = [&](int s) {
    auto sub = log->subscribe(1);
    for (int spins = 0; spins < 100'000 && seen[s].size() < kTotal; ++spins) {
      auto b = sub->next_batch(64, 50ms);
      if (!b.ok()) {
        ++unexpected_errors;
        return;
      }
      for (const auto& e : *b) seen[s].push_back(e.sequence());
    }
  };

  std::vector<std::thread> threads;
  for (int s = 0; s < 3; ++s) threads.emplace_back(follow, s);
  for (int w = 0; w < kWriters; ++w) threads.emplace_back(write, w);
  for (auto& t : threads) t.join();
  REQUIRE(unexpected_errors == 0);

  CHECK(log->last_sequence() == kTotal);
  std::set<uint64_t> all_acked;
  for (const auto& per_writer : acked) {
    REQUIRE(per_writer.size() == kAppendsEach);
    for (auto [first, last] : per_writer) {
      CHECK(last == first + kBatch - 1);
      for (uint64_t s = first; s <= last; ++s) CHECK(all_acked.insert(s).second);
    }
  }
  CHECK(all_acked.size() == kTotal);
  for (const auto& s : seen) {
    REQUIRE(s.size() == kTotal);
    for (uint64_t i = 0; i < kTotal; ++i) REQUIRE(s[i] == i + 1);
  }
  // Each event carries what its writer put in, at the sequence it was told.
  auto events = log->read(1, kTotal);
  REQUIRE(events->size() == kTotal);
  std::map<std::string, uint64_t> versions;
  for (const auto& e : *events) CHECK(e.stream_version() == ++versions[e.stream_id()]);
  CHECK(versions["shared"] == uint64_t{kWriters / 2} * kAppendsEach * kBatch);
  INFO("expected-version conflicts retried: " << conflicts.load());
}
