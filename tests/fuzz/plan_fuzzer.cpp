// libFuzzer target for the attribute grammar: arbitrary bytes become agents and attributes, and
// build_plan must neither crash nor break its own invariants.
// Input layout: agents separated by '\n'; in each, attributes separated by ';', each split at the
// first ':' into name and value; a value starting with '#' is typed SCALAR, with '{' SET, else
// TEXT. Names get the "scaleio-" prefix unless they start with '!'.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include "core/plan/attribute_values.h"
#include "core/plan/plan_builder.h"

namespace {

std::vector<std::string_view> split(std::string_view s, char sep) {
  std::vector<std::string_view> out;
  size_t start = 0;
  while (start <= s.size()) {
    size_t at = s.find(sep, start);
    if (at == std::string_view::npos) at = s.size();
    out.push_back(s.substr(start, at - start));
    start = at + 1;
  }
  return out;
}

void check(bool ok) {
  if (!ok) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view input(reinterpret_cast<const char*>(data), size);
  std::vector<scaleio::events::AgentObserved> agents;
  int index = 0;
  for (auto line : split(input, '\n')) {
    scaleio::events::AgentObserved agent;
    agent.set_hostname("host-" + std::to_string(index++ % 7));  // duplicates on purpose
    agent.set_ip("10.0.0." + std::to_string(index));
    for (auto pair : split(line, ';')) {
      size_t colon = pair.find(':');
      if (colon == std::string_view::npos) continue;
      std::string_view name = pair.substr(0, colon);
      std::string_view value = pair.substr(colon + 1);
      auto* attr = agent.add_attributes();
      attr->set_name(!name.empty() && name[0] == '!' ? std::string(name.substr(1))
                                                     : "scaleio-" + std::string(name));
      attr->set_type(scaleio::events::Attribute::TEXT);
      if (!value.empty() && value[0] == '#') attr->set_type(scaleio::events::Attribute::SCALAR);
      if (!value.empty() && value[0] == '{') attr->set_type(scaleio::events::Attribute::SET);
      attr->set_text(std::string(value));
    }
    agents.push_back(std::move(agent));
  }
  scaleio::plan::ClusterSettings settings;
  scaleio::plan::Plan plan = scaleio::plan::build_plan(agents, settings);

  // Invariants the rest of the operator relies on.
  check(plan.content_hash() == scaleio::plan::build_plan(agents, settings).content_hash());
  for (const auto& [host, node] : plan.nodes) {
    check(host == node.hostname);
    for (const auto& pool : node.pools) {
      check(!pool.devices.empty());
      check(scaleio::plan::check_object_name("pool", pool.pool).ok());
      for (const auto& d : pool.devices) check(!d.empty() && d[0] == '/');
    }
    for (const auto& v : node.volumes) check(plan.volumes.count(v) == 1);
  }
  for (const auto& [name, v] : plan.volumes) {
    check(v.size_gb % 8 == 0 && v.size_gb >= v.requested_gb && !v.hosts.empty());
  }
  if (plan.mdm.valid && !plan.mdm.adopt) {
    check(plan.mdm.size == 1 || plan.mdm.size == 3 || plan.mdm.size == 5);
  }
  (void)plan.to_json().dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  return 0;
}
