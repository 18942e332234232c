#include "tests/metrics/exposition_parser.h"

#include <cmath>
#include <cstdlib>
#include <set>
#include <sstream>

namespace scaleio::testing {
namespace {

bool is_name_start(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
}
bool is_name_char(char c) {
  return is_name_start(c) || (c >= '0' && c <= '9') || c == ':';
}

// Reads a metric or label name at `pos`; empty when there is none.
std::string read_name(const std::string& line, size_t& pos) {
  size_t start = pos;
  if (pos < line.size() && (is_name_start(line[pos]) || line[pos] == ':')) ++pos;
  while (pos < line.size() && is_name_char(line[pos])) ++pos;
  return line.substr(start, pos - start);
}

// Parses {a="x",b="y"} at `pos`; false on malformed input.
bool read_labels(const std::string& line, size_t& pos, std::map<std::string, std::string>& out) {
  if (pos >= line.size() || line[pos] != '{') return true;
  ++pos;
  while (pos < line.size() && line[pos] != '}') {
    std::string name = read_name(line, pos);
    if (name.empty() || pos + 1 >= line.size() || line[pos] != '=' || line[pos + 1] != '"') {
      return false;
    }
    pos += 2;
    std::string value;
    while (pos < line.size() && line[pos] != '"') {
      char c = line[pos++];
      if (c == '\\') {
        if (pos >= line.size()) return false;
        char e = line[pos++];
        if (e == 'n') {
          value += '\n';
        } else if (e == '\\' || e == '"') {
          value += e;
        } else {
          return false;
        }
      } else {
        value += c;
      }
    }
    if (pos >= line.size()) return false;
    ++pos;                                               // closing quote
    if (!out.emplace(name, value).second) return false;  // duplicate label
    if (pos < line.size() && line[pos] == ',') ++pos;
  }
  if (pos >= line.size()) return false;
  ++pos;  // '}'
  return true;
}

bool parse_value(const std::string& text, double& out) {
  if (text == "+Inf") {
    out = HUGE_VAL;
    return true;
  }
  if (text == "-Inf") {
    out = -HUGE_VAL;
    return true;
  }
  if (text == "NaN") {
    out = NAN;
    return true;
  }
  char* end = nullptr;
  out = std::strtod(text.c_str(), &end);
  return !text.empty() && end == text.c_str() + text.size();
}

bool belongs_to(const ExpositionFamily& family, const std::string& sample_name) {
  if (sample_name == family.name) return family.type != "histogram";
  if (family.type != "histogram" && family.type != "summary") return false;
  for (const char* suffix : {"_bucket", "_sum", "_count"}) {
    if (sample_name == family.name + suffix) return family.type == "histogram" || suffix[1] != 'b';
  }
  return false;
}

}  // namespace

const ExpositionSample* Exposition::find(const std::string& family, const std::string& sample_name,
                                         const std::map<std::string, std::string>& labels) const {
  auto it = families.find(family);
  if (it == families.end()) return nullptr;
  for (const auto& sample : it->second.samples) {
    if (sample.name == sample_name && sample.labels == labels) return &sample;
  }
  return nullptr;
}

std::vector<std::string> Exposition::sample_names() const {
  std::set<std::string> names;
  for (const auto& [_, family] : families) {
    names.insert(family.name);
    for (const auto& sample : family.samples) names.insert(sample.name);
  }
  return {names.begin(), names.end()};
}

Exposition parse_exposition(const std::string& text) {
  Exposition result;
  std::istringstream in(text);
  std::string line;
  ExpositionFamily* current = nullptr;
  int number = 0;
  auto fail = [&](const std::string& why) {
    result.error = "line " + std::to_string(number) + ": " + why + ": " + line;
    return result;
  };
  while (std::getline(in, line)) {
    ++number;
    if (line.empty()) continue;
    if (line.rfind("# HELP ", 0) == 0 || line.rfind("# TYPE ", 0) == 0) {
      size_t pos = 7;
      std::string name = read_name(line, pos);
      if (name.empty() || pos >= line.size() || line[pos] != ' ') return fail("bad comment");
      std::string rest = line.substr(pos + 1);
      auto& family = result.families[name];
      family.name = name;
      if (line[2] == 'H') {
        if (!family.help.empty()) return fail("second HELP");
        family.help = rest;
      } else {
        if (!family.type.empty()) return fail("second TYPE");
        static const std::set<std::string> kTypes = {"counter", "gauge", "histogram", "summary",
                                                     "untyped"};
        if (kTypes.count(rest) == 0) return fail("unknown type");
        family.type = rest;
        if (!family.samples.empty()) return fail("TYPE after samples");
      }
      current = &family;
      continue;
    }
    if (line[0] == '#') continue;  // other comments are allowed
    ExpositionSample sample;
    size_t pos = 0;
    sample.name = read_name(line, pos);
    if (sample.name.empty()) return fail("no metric name");
    if (!read_labels(line, pos, sample.labels)) return fail("bad labels");
    if (pos >= line.size() || line[pos] != ' ') return fail("no value");
    std::string value = line.substr(pos + 1);
    if (auto space = value.find(' '); space != std::string::npos) value.resize(space);  // timestamp
    if (!parse_value(value, sample.value)) return fail("bad value");
    if (current == nullptr || !belongs_to(*current, sample.name)) {
      return fail("sample outside its family");
    }
    current->samples.push_back(std::move(sample));
  }
  return result;
}

}  // namespace scaleio::testing
