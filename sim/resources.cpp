#include "sim/resources.h"

#include <algorithm>
#include <cmath>

namespace scaleio::sim {

namespace {

// Floating point sums of scalars (0.1 + 0.2) must not make a fitting launch look too big.
constexpr double kEpsilon = 1e-6;

PortRanges normalize(PortRanges ranges) {
  std::sort(ranges.begin(), ranges.end());
  PortRanges out;
  for (const auto& r : ranges) {
    if (!out.empty() && r.first <= out.back().second + 1) {
      out.back().second = std::max(out.back().second, r.second);
    } else {
      out.push_back(r);
    }
  }
  return out;
}

bool ranges_contain(const PortRanges& outer, const std::pair<uint64_t, uint64_t>& r) {
  return std::any_of(outer.begin(), outer.end(),
                     [&](const auto& o) { return o.first <= r.first && r.second <= o.second; });
}

PortRanges subtract(const PortRanges& from, const PortRanges& remove) {
  PortRanges out = from;
  for (const auto& r : remove) {
    PortRanges next;
    for (const auto& o : out) {
      if (r.second < o.first || r.first > o.second) {
        next.push_back(o);
        continue;
      }
      if (o.first < r.first) next.emplace_back(o.first, r.first - 1);
      if (r.second < o.second) next.emplace_back(r.second + 1, o.second);
    }
    out = std::move(next);
  }
  return out;
}

Result<PortRanges> parse_ranges_text(const std::string& text) {
  std::string inner = text;
  if (inner.size() >= 2 && inner.front() == '[' && inner.back() == ']') {
    inner = inner.substr(1, inner.size() - 2);
  }
  PortRanges ranges;
  std::size_t start = 0;
  while (start <= inner.size()) {
    auto comma = inner.find(',', start);
    std::string part =
        inner.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
    auto dash = part.find('-');
    try {
      if (dash == std::string::npos) throw std::invalid_argument("no dash");
      ranges.emplace_back(std::stoull(part.substr(0, dash)), std::stoull(part.substr(dash + 1)));
    } catch (const std::exception&) {
      return invalid_argument("bad port range '" + part + "'");
    }
    if (comma == std::string::npos) break;
    start = comma + 1;
  }
  return normalize(std::move(ranges));
}

}  // namespace

bool Resources::empty() const {
  return ports.empty() && std::all_of(scalars.begin(), scalars.end(),
                                      [](const auto& s) { return s.second <= kEpsilon; });
}

bool Resources::contains(const Resources& other) const {
  for (const auto& [name, value] : other.scalars) {
    auto it = scalars.find(name);
    double have = it == scalars.end() ? 0 : it->second;
    if (value > have + kEpsilon) return false;
  }
  return std::all_of(other.ports.begin(), other.ports.end(),
                     [&](const auto& r) { return ranges_contain(ports, r); });
}

Resources& Resources::operator+=(const Resources& other) {
  for (const auto& [name, value] : other.scalars) scalars[name] += value;
  PortRanges merged = ports;
  merged.insert(merged.end(), other.ports.begin(), other.ports.end());
  ports = normalize(std::move(merged));
  return *this;
}

Resources& Resources::operator-=(const Resources& other) {
  for (const auto& [name, value] : other.scalars) {
    double& have = scalars[name];
    have = std::max(0.0, have - value);
    if (have < kEpsilon) have = 0;
  }
  ports = subtract(ports, other.ports);
  return *this;
}

nlohmann::json Resources::to_json(const std::string& allocation_role) const {
  auto list = nlohmann::json::array();
  auto decorate = [&](nlohmann::json resource) {
    resource["role"] = "*";
    if (!allocation_role.empty()) resource["allocation_info"] = {{"role", allocation_role}};
    return resource;
  };
  for (const auto& [name, value] : scalars) {
    if (value <= kEpsilon) continue;
    // Mesos keeps scalars at three decimals; round so 0.1+0.2 prints as 0.3.
    double rounded = std::round(value * 1000.0) / 1000.0;
    list.push_back(
        decorate({{"name", name}, {"type", "SCALAR"}, {"scalar", {{"value", rounded}}}}));
  }
  if (!ports.empty()) {
    auto ranges = nlohmann::json::array();
    for (const auto& [b, e] : ports) ranges.push_back({{"begin", b}, {"end", e}});
    list.push_back(
        decorate({{"name", "ports"}, {"type", "RANGES"}, {"ranges", {{"range", ranges}}}}));
  }
  return list;
}

Result<Resources> Resources::from_json(const nlohmann::json& list) {
  if (!list.is_array()) return invalid_argument("resources must be a list");
  Resources out;
  for (const auto& resource : list) {
    if (!resource.is_object() || !resource.contains("name") || !resource["name"].is_string()) {
      return invalid_argument("resource without a name");
    }
    const std::string name = resource["name"].get<std::string>();
    const std::string type = resource.value("type", std::string("SCALAR"));
    if (type == "SCALAR") {
      const auto& scalar = resource.value("scalar", nlohmann::json());
      if (!scalar.is_object() || !scalar.contains("value") || !scalar["value"].is_number()) {
        return invalid_argument("resource '" + name + "': SCALAR without scalar.value");
      }
      double value = scalar["value"].get<double>();
      if (!std::isfinite(value) || value < 0) {
        return invalid_argument("resource '" + name + "': negative or non-finite value");
      }
      out.scalars[name] += value;
    } else if (type == "RANGES") {
      if (name != "ports")
        return invalid_argument("resource '" + name + "': only ports are ranges");
      const auto ranges =
          resource.value("ranges", nlohmann::json()).value("range", nlohmann::json());
      if (!ranges.is_array())
        return invalid_argument("resource 'ports': RANGES without ranges.range");
      for (const auto& r : ranges) {
        if (!r.contains("begin") || !r.contains("end") || !r["begin"].is_number_unsigned() ||
            !r["end"].is_number_unsigned() || r["end"] < r["begin"]) {
          return invalid_argument("resource 'ports': bad range");
        }
        out.ports.emplace_back(r["begin"].get<uint64_t>(), r["end"].get<uint64_t>());
      }
      out.ports = normalize(std::move(out.ports));
    } else {
      return invalid_argument("resource '" + name + "': unsupported type " + type);
    }
  }
  return out;
}

Result<Resources> Resources::from_spec(const nlohmann::json& object) {
  if (!object.is_object()) return invalid_argument("resources must be an object");
  Resources out;
  for (const auto& [name, value] : object.items()) {
    if (name == "ports") {
      if (!value.is_string())
        return invalid_argument("resources.ports must be a string like [31000-32000]");
      auto ranges = parse_ranges_text(value.get<std::string>());
      if (!ranges.ok()) return ranges.status();
      out.ports = std::move(ranges.value());
    } else if (value.is_number() && value.get<double>() >= 0) {
      out.scalars[name] = value.get<double>();
    } else {
      return invalid_argument("resources." + name + " must be a non-negative number");
    }
  }
  return out;
}

}  // namespace scaleio::sim
