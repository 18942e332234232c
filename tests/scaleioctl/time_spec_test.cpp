// Durations, RFC 3339 times, moments, and the binary search from a time to an event.
#include <catch2/catch.hpp>

#include "cli/scaleioctl/table.h"
#include "cli/scaleioctl/time_spec.h"

#include <sstream>

namespace scaleio::ctl {

TEST_CASE("durations") {
  CHECK(*parse_duration_ms("90s") == 90'000);
  CHECK(*parse_duration_ms("2h") == 7'200'000);
  CHECK(*parse_duration_ms("1h30m") == 5'400'000);
  CHECK(*parse_duration_ms("7d") == 7 * 86'400'000LL);
  CHECK(*parse_duration_ms("500ms") == 500);
  CHECK(*parse_duration_ms("30") == 30'000);
  for (const char* bad : {"", "h", "2x", "-5m", "1.5h", "2h!"}) {
    INFO(bad);
    auto d = parse_duration_ms(bad);
    REQUIRE_FALSE(d.ok());
    CHECK(d.status().code() == StatusCode::kInvalidArgument);
  }
}

TEST_CASE("RFC 3339 times") {
  const int64_t t = 1'795'576'320'000;  // 2026-11-25T03:12:00Z
  CHECK(*parse_rfc3339_ms("2026-11-25T03:12:00Z") == t);
  CHECK(*parse_rfc3339_ms("2026-11-25T03:12:00.250Z") == t + 250);
  CHECK(*parse_rfc3339_ms("2026-11-25T04:12:00+01:00") == t);
  CHECK(*parse_rfc3339_ms("2026-11-24T23:12:00-04:00") == t);
  for (const char* bad : {"2026-11-25", "2026-11-25T03:12:00", "2026-13-25T03:12:00Z",
                          "2026-11-25T03:12:00Zjunk", "2026-11-25T03:12:00+0100"}) {
    INFO(bad);
    CHECK_FALSE(parse_rfc3339_ms(bad).ok());
  }
}

TEST_CASE("a moment is a sequence, a time, or a duration ago") {
  const int64_t now = 1'795'580'000'000;
  CHECK(std::get<SequencePoint>(*parse_moment("412", now)).sequence == 412);
  CHECK(std::get<TimePoint>(*parse_moment("2026-11-25T03:12:00Z", now)).unix_ms ==
        1'795'576'320'000);
  CHECK(std::get<TimePoint>(*parse_moment("2h", now)).unix_ms == now - 7'200'000);
  auto bad = parse_moment("yesterday", now);
  REQUIRE_FALSE(bad.ok());
  CHECK_THAT(bad.status().message(), Catch::Contains("RFC 3339"));
}

TEST_CASE("binary search from a time to the event at or around it") {
  // Events 1..10 at 100, 200, ..., 1000 ms; 5 and 6 share a timestamp.
  std::vector<int64_t> ts = {100, 200, 300, 400, 500, 500, 700, 800, 900, 1000};
  int probes = 0;
  TimestampAt at = [&](uint64_t s) -> Result<int64_t> {
    ++probes;
    return ts.at(s - 1);
  };
  CHECK(*last_sequence_at_or_before(450, 10, at) == 4);
  CHECK(*last_sequence_at_or_before(500, 10, at) == 6);
  CHECK(*last_sequence_at_or_before(5000, 10, at) == 10);
  CHECK(last_sequence_at_or_before(99, 10, at).status().code() == StatusCode::kNotFound);
  CHECK(last_sequence_at_or_before(99, 0, at).status().code() == StatusCode::kNotFound);
  CHECK(*first_sequence_at_or_after(500, 10, at) == 5);
  CHECK(*first_sequence_at_or_after(501, 10, at) == 7);
  CHECK(*first_sequence_at_or_after(0, 10, at) == 1);
  CHECK(*first_sequence_at_or_after(2000, 10, at) == 11);
  probes = 0;
  (void)last_sequence_at_or_before(450, 10, at);
  CHECK(probes <= 4);
}

TEST_CASE("tables align columns by visible width, colour or not") {
  Table t({"NAME", "STATE"});
  t.add({"sp1", Cell("ok", Colour::kGreen)});
  t.add({"pool-long", Cell("degraded", Colour::kRed)});
  std::ostringstream plain, coloured;
  t.print(plain, false);
  t.print(coloured, true);
  CHECK(plain.str() == "NAME       STATE\nsp1        ok\npool-long  degraded\n");
  CHECK(coloured.str() ==
        "NAME       STATE\nsp1        \033[32mok\033[0m\npool-long  \033[31mdegraded\033[0m\n");
}

}  // namespace scaleio::ctl
