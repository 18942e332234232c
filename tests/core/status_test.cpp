#include <catch2/catch.hpp>

#include "core/status.h"

using scaleio::Result;
using scaleio::Status;
using scaleio::StatusCode;

TEST_CASE("Status and Result carry a code that says what to do next") {
  Status ok;
  CHECK(ok.ok());
  CHECK(ok.to_string() == "OK");
  Status conflict = scaleio::aborted("stream mdm moved on");
  CHECK_FALSE(conflict.ok());
  CHECK(conflict.code() == StatusCode::kAborted);
  CHECK(conflict.to_string() == "Aborted: stream mdm moved on");

  Result<int> value = 7;
  REQUIRE(value.ok());
  CHECK(*value == 7);
  CHECK(value.status().ok());
  Result<int> error = scaleio::unavailable("gateway down");
  CHECK_FALSE(error.ok());
  CHECK(error.status().code() == StatusCode::kUnavailable);
}
