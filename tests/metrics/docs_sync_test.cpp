// The alert rules, their tests and docs/metrics.md name metrics by string; these tests keep them
// from drifting away from OperatorMetrics (a renamed metric would silently never alert).
#include <catch2/catch.hpp>

#include <fstream>
#include <regex>
#include <set>
#include <sstream>
#include <string>

#include "adapters/metrics/operator_metrics.h"
#include "tests/metrics/exposition_parser.h"

namespace scaleio::metrics {
namespace {

std::string read(const std::string& relative) {
  std::ifstream in(std::string(SCALEIO_SOURCE_DIR) + "/" + relative);
  INFO(relative);
  REQUIRE(in.good());
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

// Names that look like ours (scaleio_...) in `text` but are not in `known`.
std::set<std::string> unknown_metric_names(const std::string& text,
                                           const std::set<std::string>& known) {
  static const std::regex name("scaleio_[A-Za-z0-9_:]*");
  std::set<std::string> unknown;
  for (std::sregex_iterator it(text.begin(), text.end(), name), end; it != end; ++it) {
    if (known.count(it->str()) == 0) unknown.insert(it->str());
  }
  return unknown;
}

// Every sample name a fully populated OperatorMetrics writes (incl. _bucket/_sum/_count).
std::set<std::string> exported_names() {
  OperatorMetrics metrics({"v", "c"});
  metrics.set_storage_pools({{"pd", "sp", 1, 1, 0}});
  metrics.gateway_request_done("GET", 200, 0.1);
  metrics.task_status_update("TASK_RUNNING");
  auto e = testing::parse_exposition(metrics.serialize());
  REQUIRE(e.error == "");
  auto names = e.sample_names();
  return {names.begin(), names.end()};
}

TEST_CASE("the name check catches a metric that does not exist") {
  const std::set<std::string> known = {"scaleio_operator_converged"};
  CHECK(unknown_metric_names("expr: scaleio_operator_converged == 0", known).empty());
  CHECK(unknown_metric_names("expr: scaleio_operator_convergd == 0 and up", known) ==
        std::set<std::string>{"scaleio_operator_convergd"});
}

TEST_CASE("every metric named in docs/alerts.yml and its tests is exported") {
  const auto known = exported_names();
  for (const char* file : {"docs/alerts.yml", "docs/alerts_test.yml"}) {
    INFO(file);
    const auto text = read(file);
    CHECK(text.find("scaleio_operator_") != std::string::npos);
    CHECK(unknown_metric_names(text, known).empty());
    for (const auto& name : unknown_metric_names(text, known)) UNSCOPED_INFO(name);
  }
}

TEST_CASE("docs/metrics.md describes every family and no other") {
  const auto text = read("docs/metrics.md");
  for (const auto& name : OperatorMetrics::family_names()) {
    INFO(name);
    CHECK(text.find("`" + name + "`") != std::string::npos);
  }
  CHECK(unknown_metric_names(text, exported_names()).empty());
}

}  // namespace
}  // namespace scaleio::metrics
