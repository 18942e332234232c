#include <catch2/catch.hpp>

#include "core/base64.h"

using scaleio::base64_decode;
using scaleio::base64_encode;

TEST_CASE("base64: round trip of every length, padding, bad input", "[base64]") {
  std::string bytes;
  for (int i = 0; i < 40; ++i) {
    CHECK(base64_decode(base64_encode(bytes)) == bytes);
    bytes += static_cast<char>(i * 37);
  }
  CHECK(base64_encode("user:secret") == "dXNlcjpzZWNyZXQ=");
  CHECK_FALSE(base64_decode("a!bc").has_value());
  CHECK_FALSE(base64_decode("abcde").has_value());
}
