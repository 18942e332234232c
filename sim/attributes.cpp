#include "sim/attributes.h"

#include <algorithm>
#include <cmath>
#include <sstream>

namespace scaleio::sim {

namespace {

std::string strip_spaces(std::string s) {
  s.erase(std::remove_if(s.begin(), s.end(), [](unsigned char c) { return std::isspace(c); }),
          s.end());
  return s;
}

// A finite, non-negative decimal number; "v1.0", "-3", "1e5x" are not.
bool parse_scalar(const std::string& value, double& out) {
  if (value.empty()) return false;
  for (char c : value) {
    if (!(std::isdigit(static_cast<unsigned char>(c)) || c == '.')) return false;
  }
  if (std::count(value.begin(), value.end(), '.') > 1) return false;
  try {
    std::size_t used = 0;
    out = std::stod(value, &used);
    return used == value.size() && std::isfinite(out) && out >= 0;
  } catch (const std::exception&) {
    return false;
  }
}

Result<std::vector<std::pair<uint64_t, uint64_t>>> parse_ranges(const std::string& name,
                                                                const std::string& value) {
  std::vector<std::pair<uint64_t, uint64_t>> ranges;
  std::string inner = value.substr(1, value.size() - 2);
  std::stringstream parts(inner);
  std::string part;
  while (std::getline(parts, part, ',')) {
    auto dash = part.find('-');
    if (dash == std::string::npos) {
      return invalid_argument("attribute '" + name + "': bad range '" + part + "'");
    }
    try {
      uint64_t begin = std::stoull(part.substr(0, dash));
      uint64_t end = std::stoull(part.substr(dash + 1));
      if (end < begin) return invalid_argument("attribute '" + name + "': empty range " + part);
      ranges.emplace_back(begin, end);
    } catch (const std::exception&) {
      return invalid_argument("attribute '" + name + "': bad range '" + part + "'");
    }
  }
  if (ranges.empty()) return invalid_argument("attribute '" + name + "': no ranges");
  return ranges;
}

Result<Attribute> make_attribute(const std::string& name, const std::string& value) {
  if (name.empty()) return invalid_argument("attribute with an empty name");
  if (value.empty()) return invalid_argument("attribute '" + name + "' has an empty value");
  Attribute attribute;
  attribute.name = name;
  if (value.front() == '[' && value.back() == ']') {
    auto ranges = parse_ranges(name, value);
    if (!ranges.ok()) return ranges.status();
    attribute.type = Attribute::Type::kRanges;
    attribute.ranges = std::move(ranges.value());
  } else if (value.front() == '{' && value.back() == '}') {
    return invalid_argument("attribute '" + name + "': SET values are not allowed for attributes");
  } else if (parse_scalar(value, attribute.scalar)) {
    attribute.type = Attribute::Type::kScalar;
  } else {
    attribute.type = Attribute::Type::kText;
    attribute.text = value;
  }
  return attribute;
}

std::string format_scalar(double value) {
  std::ostringstream out;
  out << value;
  return out.str();
}

}  // namespace

nlohmann::json Attribute::to_json() const {
  switch (type) {
    case Type::kScalar:
      return {{"name", name}, {"type", "SCALAR"}, {"scalar", {{"value", scalar}}}};
    case Type::kRanges: {
      auto list = nlohmann::json::array();
      for (const auto& [b, e] : ranges) list.push_back({{"begin", b}, {"end", e}});
      return {{"name", name}, {"type", "RANGES"}, {"ranges", {{"range", list}}}};
    }
    case Type::kText:
      break;
  }
  return {{"name", name}, {"type", "TEXT"}, {"text", {{"value", text}}}};
}

std::string Attribute::value_string() const {
  switch (type) {
    case Type::kScalar:
      return format_scalar(scalar);
    case Type::kRanges: {
      std::string out = "[";
      for (std::size_t i = 0; i < ranges.size(); ++i) {
        if (i) out += ",";
        out += std::to_string(ranges[i].first) + "-" + std::to_string(ranges[i].second);
      }
      return out + "]";
    }
    case Type::kText:
      break;
  }
  return text;
}

Result<std::vector<Attribute>> parse_attributes(const std::string& flag) {
  std::vector<Attribute> attributes;
  std::string normalized = flag;
  std::replace(normalized.begin(), normalized.end(), '\n', ';');
  std::stringstream pairs(normalized);
  std::string pair;
  while (std::getline(pairs, pair, ';')) {
    pair = strip_spaces(pair);
    if (pair.empty()) continue;
    auto colon = pair.find(':');
    if (colon == std::string::npos) {
      return invalid_argument("attribute '" + pair + "' has no ':' between name and value");
    }
    auto attribute = make_attribute(pair.substr(0, colon), pair.substr(colon + 1));
    if (!attribute.ok()) return attribute.status();
    attributes.push_back(std::move(attribute.value()));
  }
  return attributes;
}

Result<std::vector<Attribute>> parse_attributes_object(const nlohmann::json& object) {
  if (!object.is_object()) return invalid_argument("attributes must be a string or an object");
  std::vector<Attribute> attributes;
  for (const auto& [name, value] : object.items()) {
    std::string text;
    if (value.is_string()) {
      text = value.get<std::string>();
    } else if (value.is_number()) {
      text = format_scalar(value.get<double>());
    } else {
      return invalid_argument("attribute '" + name + "' must be a string or a number");
    }
    auto attribute = make_attribute(strip_spaces(name), strip_spaces(text));
    if (!attribute.ok()) return attribute.status();
    attributes.push_back(std::move(attribute.value()));
  }
  return attributes;
}

std::string attributes_to_flag(const std::vector<Attribute>& attributes) {
  std::string out;
  for (const auto& attribute : attributes) {
    if (!out.empty()) out += ";";
    out += attribute.name + ":" + attribute.value_string();
  }
  return out;
}

}  // namespace scaleio::sim
