#include "adapters/scaleio/json_fields.h"

#include <algorithm>
#include <charconv>
#include <cmath>

namespace scaleio::gateway::fields {

const json* find(const json& object, const char* key) {
  if (!object.is_object()) return nullptr;
  auto it = object.find(key);
  if (it == object.end() || it->is_null()) return nullptr;
  return &*it;
}

std::string text(const json& object, const char* key) {
  const json* value = find(object, key);
  if (value == nullptr) return "";
  if (value->is_string()) return value->get<std::string>();
  if (value->is_number_integer()) return std::to_string(value->get<int64_t>());
  if (value->is_number()) return value->dump();
  if (value->is_boolean()) return value->get<bool>() ? "true" : "false";
  return "";
}

std::string text_any(const json& object, std::initializer_list<const char*> keys) {
  for (const char* key : keys) {
    if (find(object, key) != nullptr) return text(object, key);
  }
  return "";
}

bool is_unset_id(const std::string& id) {
  return id.empty() || std::all_of(id.begin(), id.end(), [](char c) { return c == '0'; });
}

std::string id(const json& object, const char* key) {
  std::string value = text(object, key);
  return is_unset_id(value) ? "" : value;
}

int64_t integer(const json& object, const char* key, int64_t fallback) {
  const json* value = find(object, key);
  if (value == nullptr) return fallback;
  if (value->is_number_integer()) return value->get<int64_t>();
  if (value->is_number_float()) {
    const double d = value->get<double>();
    // Outside int64's range the cast is undefined behaviour, not a large number (a gateway answer
    // of "sizeInKb": 3e68 reached it; found by tests/fuzz/gateway_json_fuzzer). NaN fails both.
    constexpr double kTwoTo63 = 9223372036854775808.0;
    return d >= -kTwoTo63 && d < kTwoTo63 ? static_cast<int64_t>(d) : fallback;
  }
  if (value->is_string()) {
    const std::string& s = value->get_ref<const std::string&>();
    int64_t out = 0;
    auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
    if (ec == std::errc() && end == s.data() + s.size()) return out;
  }
  return fallback;
}

bool boolean(const json& object, const char* key, bool fallback) {
  const json* value = find(object, key);
  if (value == nullptr) return fallback;
  if (value->is_boolean()) return value->get<bool>();
  if (value->is_string()) {
    std::string s = value->get<std::string>();
    std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return std::tolower(c); });
    if (s == "true") return true;
    if (s == "false") return false;
  }
  if (value->is_number_integer()) return value->get<int64_t>() != 0;
  return fallback;
}

std::vector<std::string> strings(const json& object, const char* key) {
  std::vector<std::string> out;
  const json* value = find(object, key);
  if (value == nullptr || !value->is_array()) return out;
  for (const auto& item : *value) {
    if (item.is_string()) out.push_back(item.get<std::string>());
  }
  return out;
}

}  // namespace scaleio::gateway::fields
