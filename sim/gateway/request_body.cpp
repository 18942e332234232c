#include "sim/gateway/request_body.h"

#include <algorithm>
#include <cctype>

namespace scaleio::sim {

using json = nlohmann::json;

namespace {
MdmError invalid_value(const std::string& key) {
  return bad_request("Request message is not valid. Invalid value for parameter: " + key);
}
}  // namespace

MdmResult<RequestBody> RequestBody::parse(const std::string& text) {
  const bool blank =
      std::all_of(text.begin(), text.end(), [](unsigned char c) { return std::isspace(c) != 0; });
  if (blank) return RequestBody(json::object());
  json parsed = json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (parsed.is_discarded() || !parsed.is_object()) {
    return bad_request("Request message is not valid. The body must be a JSON object");
  }
  return RequestBody(std::move(parsed));
}

bool RequestBody::has(const std::string& key) const {
  return json_.contains(key) && !json_.at(key).is_null();
}

MdmResult<std::string> RequestBody::as_string(const json& v, const std::string& key) {
  if (v.is_string()) return v.get<std::string>();
  if (v.is_number_integer()) return std::to_string(v.get<int64_t>());
  if (v.is_boolean()) return std::string(v.get<bool>() ? "true" : "false");
  return invalid_value(key);
}

MdmResult<int64_t> RequestBody::as_integer(const json& v, const std::string& key) {
  if (v.is_number_integer()) return v.get<int64_t>();
  if (v.is_string()) {
    const std::string s = v.get<std::string>();
    if (s.empty() || s.size() > 18) return invalid_value(key);
    size_t start = (s[0] == '-') ? 1 : 0;
    if (start == s.size()) return invalid_value(key);
    for (size_t i = start; i < s.size(); ++i) {
      if (!std::isdigit(static_cast<unsigned char>(s[i]))) return invalid_value(key);
    }
    return static_cast<int64_t>(std::stoll(s));
  }
  return invalid_value(key);
}

MdmResult<bool> RequestBody::as_boolean(const json& v, const std::string& key) {
  if (v.is_boolean()) return v.get<bool>();
  if (v.is_string()) {
    std::string s = v.get<std::string>();
    std::transform(s.begin(), s.end(), s.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    if (s == "true") return true;
    if (s == "false") return false;
  }
  return invalid_value(key);
}

MdmResult<std::string> RequestBody::string(const std::string& key) const {
  if (!has(key)) return missing_key(key);
  return as_string(json_.at(key), key);
}

MdmResult<std::string> RequestBody::string_or(const std::string& key,
                                              const std::string& fallback) const {
  if (!has(key)) return fallback;
  return as_string(json_.at(key), key);
}

MdmResult<int64_t> RequestBody::integer(const std::string& key) const {
  if (!has(key)) return missing_key(key);
  return as_integer(json_.at(key), key);
}

MdmResult<int64_t> RequestBody::integer_or(const std::string& key, int64_t fallback) const {
  if (!has(key)) return fallback;
  return as_integer(json_.at(key), key);
}

MdmResult<bool> RequestBody::boolean_or(const std::string& key, bool fallback) const {
  if (!has(key)) return fallback;
  return as_boolean(json_.at(key), key);
}

MdmResult<std::vector<std::string>> RequestBody::strings_or_empty(const std::string& key) const {
  std::vector<std::string> out;
  if (!has(key)) return out;
  const json& v = json_.at(key);
  if (!v.is_array()) return invalid_value(key);
  for (const auto& item : v) {
    auto s = as_string(item, key);
    if (!s.ok()) return s.error();
    out.push_back(s.value());
  }
  return out;
}

}  // namespace scaleio::sim
