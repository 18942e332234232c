// Defensive reads of gateway JSON: a field may be missing, null, a number sent as a string or a
// boolean sent as "TRUE". None of these helpers throws.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace scaleio::gateway::fields {

using nlohmann::json;

const json* find(const json& object, const char* key);
// Strings as they are, numbers printed, anything else "".
std::string text(const json& object, const char* key);
// The first key present (for fields whose spelling varies between gateway versions).
std::string text_any(const json& object, std::initializer_list<const char*> keys);
// An id: "" for null, missing, "" and "0000000000000000".
std::string id(const json& object, const char* key);
bool is_unset_id(const std::string& id);
// Numbers, or strings holding a number.
int64_t integer(const json& object, const char* key, int64_t fallback = 0);
// Booleans, or "true"/"TRUE"/"false" strings.
bool boolean(const json& object, const char* key, bool fallback = false);
// An array of strings; non-strings are skipped.
std::vector<std::string> strings(const json& object, const char* key);

}  // namespace scaleio::gateway::fields
