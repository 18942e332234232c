// A REST request body with the gateway's lenient value forms: numbers may come as strings ("8")
// and booleans as strings in any case ("TRUE"). Missing required keys give the gateway's 400.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "sim/gateway/mdm_error.h"

namespace scaleio::sim {

class RequestBody {
 public:
  // An empty body counts as {}; anything but a JSON object is a 400.
  static MdmResult<RequestBody> parse(const std::string& text);

  bool has(const std::string& key) const;
  MdmResult<std::string> string(const std::string& key) const;  // required
  MdmResult<std::string> string_or(const std::string& key, const std::string& fallback) const;
  MdmResult<int64_t> integer(const std::string& key) const;  // required
  MdmResult<int64_t> integer_or(const std::string& key, int64_t fallback) const;
  MdmResult<bool> boolean_or(const std::string& key, bool fallback) const;
  // A list of strings; a missing key gives an empty list.
  MdmResult<std::vector<std::string>> strings_or_empty(const std::string& key) const;
  const nlohmann::json& raw() const { return json_; }

  static MdmResult<std::string> as_string(const nlohmann::json& v, const std::string& key);
  static MdmResult<int64_t> as_integer(const nlohmann::json& v, const std::string& key);
  static MdmResult<bool> as_boolean(const nlohmann::json& v, const std::string& key);

 private:
  explicit RequestBody(nlohmann::json json) : json_(std::move(json)) {}
  nlohmann::json json_;
};

}  // namespace scaleio::sim
