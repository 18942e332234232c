#pragma once
// Mesos agent attributes: the `--attributes` string form, its typing rules (mesos-v1-api.md,
// "Agent attributes") and the JSON the master puts in offers and GET_AGENTS.
#include <nlohmann/json.hpp>
#include <string>
#include <utility>
#include <vector>

#include "core/status.h"

namespace scaleio::sim {

struct Attribute {
  enum class Type { kScalar, kRanges, kText };
  std::string name;
  Type type = Type::kText;
  std::string text;
  double scalar = 0;
  std::vector<std::pair<uint64_t, uint64_t>> ranges;

  nlohmann::json to_json() const;
  // The value as the agent flag spells it ("abc", "10", "[1000-1500]").
  std::string value_string() const;
};

// Parses 'rack:abc;zone:west;level:10;keys:[1000-1500]' (pairs split by ';' or newline, each at the
// first ':', spaces removed). Empty names or values and SET values are errors, as on a real agent.
Result<std::vector<Attribute>> parse_attributes(const std::string& flag);

// The same from a JSON object {"rack":"abc","level":10}: every value is turned into its string
// form and typed by the agent rules, so both spellings in a cluster file mean the same.
Result<std::vector<Attribute>> parse_attributes_object(const nlohmann::json& object);

// Back to the flag form (used by the control API and /world).
std::string attributes_to_flag(const std::vector<Attribute>& attributes);

}  // namespace scaleio::sim
