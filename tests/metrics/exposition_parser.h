// A small parser of the Prometheus text exposition format (0.0.4), written independently of
// prometheus-cpp so the tests read serialize() the way a Prometheus server would. Strict: any
// line it does not understand is an error, so malformed output fails the tests.
#pragma once

#include <map>
#include <string>
#include <vector>

namespace scaleio::testing {

struct ExpositionSample {
  std::string name;  // as written: family name, or with _bucket/_sum/_count for histograms
  std::map<std::string, std::string> labels;
  double value = 0;
};

struct ExpositionFamily {
  std::string name;
  std::string help;
  std::string type;  // counter, gauge, histogram, summary, untyped
  std::vector<ExpositionSample> samples;
};

struct Exposition {
  std::map<std::string, ExpositionFamily> families;
  std::string error;  // empty when the text parsed

  // The sample of `family` written as `sample_name` with exactly `labels`, or nullptr.
  const ExpositionSample* find(const std::string& family, const std::string& sample_name,
                               const std::map<std::string, std::string>& labels) const;
  // Every sample name written (families' names and their _bucket/_sum/_count).
  std::vector<std::string> sample_names() const;
};

Exposition parse_exposition(const std::string& text);

}  // namespace scaleio::testing
