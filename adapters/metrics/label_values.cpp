#include "adapters/metrics/label_values.h"

#include <algorithm>
#include <string>

namespace scaleio::metrics {
namespace {

// Returns the element of `known` equal to `value` (static storage), or "other".
template <size_t N>
std::string_view pick(const std::array<std::string_view, N>& known, std::string_view value) {
  auto it = std::find(known.begin(), known.end(), value);
  return it == known.end() ? kOther : *it;
}

bool equals_ignoring_case(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           auto lower = [](char c) { return c >= 'A' && c <= 'Z' ? char(c - 'A' + 'a') : c; };
           return lower(x) == lower(y);
         });
}

constexpr std::array<std::string_view, 14> kTaskStates = {
    "TASK_STAGING",          "TASK_STARTING",    "TASK_RUNNING",
    "TASK_KILLING",          "TASK_FINISHED",    "TASK_FAILED",
    "TASK_KILLED",           "TASK_ERROR",       "TASK_LOST",
    "TASK_DROPPED",          "TASK_UNREACHABLE", "TASK_GONE",
    "TASK_GONE_BY_OPERATOR", "TASK_UNKNOWN"};

constexpr std::array<std::string_view, 6> kHttpMethods = {"GET",    "POST", "PUT",
                                                          "DELETE", "HEAD", "PATCH"};

constexpr std::array<std::string_view, 4> kMdmRoles = {"master", "slave", "tiebreaker", "standby"};

// "0" and "100".."599", built once; views into it stay valid for the program's life.
const std::array<std::string, 600>& code_strings() {
  static const std::array<std::string, 600> codes = [] {
    std::array<std::string, 600> all;
    for (int i = 0; i < 600; ++i) all[i] = std::to_string(i);
    return all;
  }();
  return codes;
}

}  // namespace

std::string_view reconciler_label(std::string_view name) {
  return pick(kReconcilers, name);
}

std::string_view task_state_label(std::string_view mesos_name) {
  return pick(kTaskStates, mesos_name);
}

std::string_view http_method_label(std::string_view method) {
  return pick(kHttpMethods, method);
}

std::string_view http_code_label(int status) {
  if (status == 0 || (status >= 100 && status <= 599)) return code_strings()[status];
  return kOther;
}

std::string_view mdm_role_label(std::string_view role) {
  for (auto known : kMdmRoles) {
    if (equals_ignoring_case(known, role)) return known;
  }
  return kOther;
}

std::string_view mdm_state_label(std::string_view status) {
  if (equals_ignoring_case(status, "normal")) return kMdmStates[0];
  if (equals_ignoring_case(status, "disconnected")) return kMdmStates[1];
  return kOther;
}

std::string_view sds_state_label(std::string_view connection_state) {
  if (equals_ignoring_case(connection_state, "connected")) return kSdsStates[0];
  if (equals_ignoring_case(connection_state, "disconnected")) return kSdsStates[1];
  return kOther;
}

}  // namespace scaleio::metrics
