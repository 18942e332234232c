#include "cli/scaleio_node/install_options.h"

#include <charconv>
#include <sstream>

namespace scaleio::node {

std::string_view role_name(Role role) {
  switch (role) {
    case Role::kMdm:
      return "mdm";
    case Role::kTb:
      return "tb";
    case Role::kSds:
      return "sds";
    case Role::kSdc:
      return "sdc";
    case Role::kLia:
      return "lia";
  }
  return "?";
}

Result<std::set<Role>> parse_roles(const std::string& comma_list) {
  std::set<Role> roles;
  std::stringstream in(comma_list);
  for (std::string word; std::getline(in, word, ',');) {
    if (word.empty()) continue;
    bool known = false;
    for (Role r : {Role::kMdm, Role::kTb, Role::kSds, Role::kSdc, Role::kLia}) {
      if (word == role_name(r)) {
        roles.insert(r);
        known = true;
      }
    }
    if (!known) {
      return invalid_argument("unknown role '" + word + "' (expected mdm, tb, sds, sdc, lia)");
    }
  }
  if (roles.empty()) return invalid_argument("no roles given (expected mdm, tb, sds, sdc, lia)");
  if (roles.count(Role::kMdm) && roles.count(Role::kTb)) {
    return invalid_argument("roles mdm and tb exclude each other: a node runs one MDM");
  }
  return roles;
}

Result<std::chrono::milliseconds> parse_duration(const std::string& text) {
  double number = 0;
  const char* begin = text.data();
  const char* end = text.data() + text.size();
  auto [rest, ec] = std::from_chars(begin, end, number);
  const std::string unit(rest, end);
  double per_unit_ms = 0;
  if (unit.empty() || unit == "s") {
    per_unit_ms = 1000;
  } else if (unit == "ms") {
    per_unit_ms = 1;
  } else if (unit == "m") {
    per_unit_ms = 60'000;
  } else if (unit == "h") {
    per_unit_ms = 3'600'000;
  }
  if (ec != std::errc() || rest == begin || per_unit_ms == 0 || !(number > 0) || number > 1e9) {
    return invalid_argument("bad duration '" + text + "' (expected e.g. 10s, 500ms, 2m)");
  }
  return std::chrono::milliseconds(static_cast<long long>(number * per_unit_ms + 0.5));
}

}  // namespace scaleio::node
