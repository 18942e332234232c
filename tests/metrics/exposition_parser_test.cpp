#include <catch2/catch.hpp>

#include "tests/metrics/exposition_parser.h"

namespace scaleio::testing {
namespace {

TEST_CASE("the exposition parser reads families, labels and escapes") {
  auto e = parse_exposition(
      "# HELP a_total Things.\n"
      "# TYPE a_total counter\n"
      "a_total{x=\"1\",y=\"q\\\"\\\\\\n\"} 3\n"
      "# HELP h_seconds Time.\n"
      "# TYPE h_seconds histogram\n"
      "h_seconds_bucket{le=\"+Inf\"} 2 1700000000000\n"
      "h_seconds_sum 0.5\n"
      "h_seconds_count 2\n");
  REQUIRE(e.error == "");
  REQUIRE(e.families.size() == 2);
  CHECK(e.families.at("a_total").type == "counter");
  CHECK(e.families.at("a_total").help == "Things.");
  const auto* sample = e.find("a_total", "a_total", {{"x", "1"}, {"y", "q\"\\\n"}});
  REQUIRE(sample != nullptr);
  CHECK(sample->value == 3);
  CHECK(e.find("h_seconds", "h_seconds_count", {})->value == 2);
  CHECK(e.sample_names() == std::vector<std::string>{"a_total", "h_seconds", "h_seconds_bucket",
                                                     "h_seconds_count", "h_seconds_sum"});
}

TEST_CASE("the exposition parser rejects malformed text") {
  const char* bad[] = {
      "# TYPE a counter\na{x=\"1} 1\n",            // unterminated value
      "# TYPE a counter\na{x=\"1\",x=\"2\"} 1\n",  // duplicate label
      "# TYPE a counter\na 1x\n",                  // bad value
      "# TYPE a counter\nb 1\n",                   // sample of another family
      "# TYPE a gauge\na_bucket{le=\"1\"} 1\n",    // bucket of a gauge
      "# TYPE a wibble\n",                         // unknown type
      "# TYPE a counter\n# TYPE a counter\n",      // twice
      "a 1\n",                                     // no TYPE before
      "# TYPE a counter\na{x=\"\\t\"} 1\n",        // unknown escape
  };
  for (const char* text : bad) {
    INFO(text);
    CHECK_FALSE(parse_exposition(text).error.empty());
  }
}

}  // namespace
}  // namespace scaleio::testing
