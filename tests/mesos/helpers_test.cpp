#include <catch2/catch.hpp>

#include "adapters/mesos/backoff.h"
#include "adapters/mesos/master_address.h"

using namespace scaleio::mesos;
using std::chrono::milliseconds;

TEST_CASE("master address: flags, URLs and scheme-less redirect locations", "[address]") {
  CHECK(parse_master_address("127.0.0.1:5050").value() == MasterAddress{"127.0.0.1", "5050"});
  CHECK(parse_master_address("http://m1:5050/").value() == MasterAddress{"m1", "5050"});
  CHECK(parse_master_address("//10.0.0.2:5050/api/v1/scheduler").value() ==
        MasterAddress{"10.0.0.2", "5050"});
  CHECK(parse_master_address("//[::1]:5050/api/v1").value() == MasterAddress{"::1", "5050"});
  for (const char* bad : {"m1", "m1:", ":5050", "https://m1:5050", "m1:50x0"}) {
    INFO(bad);
    auto r = parse_master_address(bad);
    REQUIRE_FALSE(r.ok());
    CHECK(r.status().code() == scaleio::StatusCode::kInvalidArgument);
  }
}

TEST_CASE("backoff: doubles from the initial delay, capped, with half of it jittered",
          "[backoff]") {
  BackoffPolicy policy{milliseconds(100), milliseconds(1000)};
  CHECK(backoff_delay(policy, 0, 1.0) == milliseconds(100));
  CHECK(backoff_delay(policy, 0, 0.0) == milliseconds(50));
  CHECK(backoff_delay(policy, 1, 1.0) == milliseconds(200));
  CHECK(backoff_delay(policy, 3, 1.0) == milliseconds(800));
  CHECK(backoff_delay(policy, 4, 1.0) == milliseconds(1000));
  CHECK(backoff_delay(policy, 1000, 0.5) == milliseconds(750));
}

