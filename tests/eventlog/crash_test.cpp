// A writer process is SIGKILLed at random moments while it appends from several threads. After
// each kill the log must hold every acknowledged event, with contiguous sequences, no duplicate
// and no torn (partial) append.
#include <signal.h>

#include <map>
#include <random>
#include <set>
#include <sstream>
#include <thread>

#include <catch2/catch.hpp>

#include "eventlog/rocks_event_log.h"
#include "tests/support/child_process.h"
#include "tests/support/temp_dir.h"

using scaleio::eventlog::RocksEventLog;
using scaleio::testing::ChildProcess;
using scaleio::testing::TempDir;
using namespace std::chrono_literals;

namespace {

struct Ack {
  uint64_t first = 0;
  uint64_t last = 0;
  std::string tag;  // "<pid>/<thread>/<n>"
};

std::optional<Ack> parse_ack(const std::string& line, pid_t pid) {
  std::istringstream in(line);
  std::string word;
  Ack a;
  int thread = 0;
  uint64_t n = 0;
  if (!(in >> word >> a.first >> a.last >> thread >> n) || word != "ack") return std::nullopt;
  a.tag = std::to_string(pid) + "/" + std::to_string(thread) + "/" + std::to_string(n);
  return a;
}

}  // namespace

TEST_CASE("SIGKILL at random moments loses no acknowledged event and tears no append") {
  TempDir dir;
  const uint64_t seed = std::random_device{}();
  INFO("seed " << seed);
  std::mt19937_64 rng(seed);
  constexpr int kRounds = 60;
  std::vector<Ack> all_acks;
  size_t rounds_with_acks = 0;

  for (int round = 0; round < kRounds; ++round) {
    INFO("round " << round);
    ChildProcess writer({EVENTLOG_TOOL_PATH, "write", dir.path(), "4"});
    std::vector<std::string> lines;
    // Kill either before it could acknowledge anything, or after a random number of acks.
    int acks_before_kill = static_cast<int>(rng() % 400);
    if (rng() % 8 != 0) {
      for (int i = 0; i < acks_before_kill; ++i) {
        auto line = writer.read_line(20s);
        REQUIRE(line);
        REQUIRE_FALSE(line->starts_with("error"));
        lines.push_back(*line);
      }
      std::this_thread::sleep_for(std::chrono::microseconds(rng() % 3000));
    } else {
      std::this_thread::sleep_for(std::chrono::microseconds(rng() % 20'000));
    }
    writer.kill(SIGKILL);
    for (auto& l : writer.drain_lines(20s)) lines.push_back(l);
    REQUIRE(writer.wait(20s) == 128 + SIGKILL);

    size_t acked_now = 0;
    for (const auto& l : lines) {
      auto a = parse_ack(l, writer.pid());
      if (a) {
        all_acks.push_back(*a);
        ++acked_now;
      }
    }
    if (acked_now > 0) ++rounds_with_acks;

    // Reopen and check the whole log.
    auto log = RocksEventLog::open(dir.path());
    INFO(log.status().to_string());
    REQUIRE(log.ok());
    std::map<uint64_t, std::string> target_at;
    std::map<std::string, std::vector<uint64_t>> sequences_of_append;
    std::map<std::string, uint64_t> stream_versions;
    uint64_t expected_seq = 1;
    auto s = (*log)->scan(1, UINT64_MAX, [&](const scaleio::Envelope& e) {
      REQUIRE(e.sequence() == expected_seq++);
      REQUIRE(e.stream_version() == ++stream_versions[e.stream_id()]);
      const std::string& target = e.operator_command().target();
      target_at[e.sequence()] = target;
      auto slash = target.rfind('/');
      REQUIRE(slash != std::string::npos);
      sequences_of_append[target.substr(0, slash)].push_back(e.sequence());
      return true;
    });
    REQUIRE(s.ok());
    REQUIRE((*log)->last_sequence() == expected_seq - 1);

    // No torn append: every append is 3 consecutive events k = 0, 1, 2.
    for (const auto& [tag, seqs] : sequences_of_append) {
      REQUIRE(seqs.size() == 3);
      for (size_t k = 0; k < 3; ++k) {
        REQUIRE(seqs[k] == seqs[0] + k);
        REQUIRE(target_at[seqs[k]] == tag + "/" + std::to_string(k));
      }
    }
    // Every acknowledged append is there, where the writer was told.
    for (const auto& a : all_acks) {
      REQUIRE(a.last == a.first + 2);
      REQUIRE(target_at.count(a.first) == 1);
      REQUIRE(target_at[a.first] == a.tag + "/0");
    }
  }
  // The schedule must actually have exercised kills mid-stream.
  CHECK(rounds_with_acks >= kRounds / 2);
  CHECK(all_acks.size() > 1000);
}
