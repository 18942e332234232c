#include "sim/dst/fault_schedule.h"

#include <algorithm>
#include <array>
#include <utility>

namespace scaleio::dst {

namespace {

constexpr std::array<std::pair<FaultKind, const char*>, 15> kNames = {{
    {FaultKind::kOperatorRestart, "operator_restart"},
    {FaultKind::kOperatorCrashMidIo, "operator_crash_mid_io"},
    {FaultKind::kStreamBreak, "stream_break"},
    {FaultKind::kMasterFailover, "master_failover"},
    {FaultKind::kLostUpdates, "lost_updates"},
    {FaultKind::kDuplicatedUpdates, "duplicated_updates"},
    {FaultKind::kAgentLoss, "agent_loss"},
    {FaultKind::kAgentPartition, "agent_partition"},
    {FaultKind::kAttributeChange, "attribute_change"},
    {FaultKind::kGatewayErrors, "gateway_errors"},
    {FaultKind::kGatewayTimeouts, "gateway_timeouts"},
    {FaultKind::kRequestFaults, "request_faults"},
    {FaultKind::kTokenExpiry, "token_expiry"},
    {FaultKind::kComponentFailure, "component_failure"},
    {FaultKind::kSlowWorld, "slow_world"},
}};

Clock::Duration seconds_between(std::mt19937_64& rng, int low, int high) {
  return std::chrono::seconds(low +
                              static_cast<int>(rng() % static_cast<uint64_t>(high - low + 1)));
}

std::string seconds_text(Clock::Duration d) {
  return std::to_string(std::chrono::duration_cast<std::chrono::seconds>(d).count()) + "s";
}

}  // namespace

const char* fault_kind_name(FaultKind kind) {
  for (const auto& [k, name] : kNames) {
    if (k == kind) return name;
  }
  return "unknown";
}

std::optional<FaultKind> parse_fault_kind(const std::string& name) {
  for (const auto& [k, n] : kNames) {
    if (name == n) return k;
  }
  return std::nullopt;
}

const std::vector<FaultKind>& all_fault_kinds() {
  static const std::vector<FaultKind> kinds = [] {
    std::vector<FaultKind> out;
    for (const auto& [k, _] : kNames) out.push_back(k);
    return out;
  }();
  return kinds;
}

Result<std::set<FaultKind>> parse_fault_mix(const std::string& text) {
  if (text == "all") return std::set<FaultKind>(all_fault_kinds().begin(), all_fault_kinds().end());
  std::set<FaultKind> out;
  if (text == "none" || text.empty()) return out;
  size_t start = 0;
  while (start <= text.size()) {
    size_t end = text.find(',', start);
    if (end == std::string::npos) end = text.size();
    const std::string name = text.substr(start, end - start);
    auto kind = parse_fault_kind(name);
    if (!kind) {
      std::string known;
      for (const auto& [_, n] : kNames) known += (known.empty() ? "" : ", ") + std::string(n);
      return invalid_argument("unknown fault '" + name + "'; known: all, none, " + known);
    }
    out.insert(*kind);
    start = end + 1;
  }
  return out;
}

std::string Fault::describe() const {
  std::string out = fault_kind_name(kind);
  if (!host.empty()) out += " host=" + host;
  if (!component.empty()) out += " component=" + component;
  if (duration.count() > 0) out += " for=" + seconds_text(duration);
  if (kind == FaultKind::kOperatorCrashMidIo) out += " at_io=" + std::to_string(count);
  if (kind == FaultKind::kAttributeChange) out += count == 0 ? " adds=volume" : " adds=device";
  return out;
}

std::vector<Fault> draw_fault_schedule(std::mt19937_64& rng, const FaultScheduleOptions& options,
                                       const std::vector<std::string>& hosts) {
  std::vector<FaultKind> kinds;
  for (FaultKind k : all_fault_kinds()) {
    if (options.kinds.count(k) && k != FaultKind::kSlowWorld) kinds.push_back(k);
  }
  std::vector<Fault> out;
  if (kinds.empty() || hosts.empty()) return out;
  const int span = std::max(0, options.max_faults - options.min_faults);
  const int count = options.min_faults + static_cast<int>(rng() % static_cast<uint64_t>(span + 1));
  const auto window_ms = std::max<int64_t>(
      1, std::chrono::duration_cast<std::chrono::milliseconds>(options.window).count());
  static const char* const kComponents[] = {"mdm", "tb", "sds", "sdc"};
  for (int i = 0; i < count; ++i) {
    Fault f;
    f.at =
        std::chrono::milliseconds(static_cast<int64_t>(rng() % static_cast<uint64_t>(window_ms)));
    f.kind = kinds[rng() % kinds.size()];
    const std::string host = hosts[rng() % hosts.size()];
    switch (f.kind) {
      case FaultKind::kOperatorRestart:
      case FaultKind::kStreamBreak:
      case FaultKind::kMasterFailover:
      case FaultKind::kTokenExpiry:
        break;
      case FaultKind::kOperatorCrashMidIo:
        f.count = 1 + rng() % 40;
        break;
      case FaultKind::kLostUpdates:
      case FaultKind::kDuplicatedUpdates:
      case FaultKind::kRequestFaults:
        f.duration = seconds_between(rng, 30, 600);
        break;
      case FaultKind::kAgentLoss:
      case FaultKind::kAgentPartition:
        f.host = host;
        f.duration = seconds_between(rng, 5, 900);
        break;
      case FaultKind::kAttributeChange:
        f.host = host;
        f.count = rng() % 2;  // 0: a new volume for its SDC, 1: a new device for its SDS
        break;
      case FaultKind::kGatewayErrors:
      case FaultKind::kGatewayTimeouts:
        f.duration = seconds_between(rng, 5, 300);
        break;
      case FaultKind::kComponentFailure:
        f.host = host;
        f.component = kComponents[rng() % 4];
        f.duration = seconds_between(rng, 5, 900);
        break;
      case FaultKind::kSlowWorld:
        break;
    }
    out.push_back(std::move(f));
  }
  std::stable_sort(out.begin(), out.end(),
                   [](const Fault& a, const Fault& b) { return a.at < b.at; });
  return out;
}

}  // namespace scaleio::dst
