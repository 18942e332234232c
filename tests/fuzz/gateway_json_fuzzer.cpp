// libFuzzer target for the ScaleIO gateway JSON parsers: the gateway's answers are untrusted bytes
// (a proxy, a newer gateway, a broken one).
// The input is one answer body. Parsed as JSON, it goes into every parser: the list parsers,
// /api/instances, the statistics map, and each object parser on the value itself and on each of
// its members (so that the fuzzer need not nest an object in the right list to reach a parser).
// Invariants: no crash and no exception; failures are kInvalidArgument; what the list parsers
// accept has ids, and the promised orderings (mappings by SDC id, devices by path under their SDS).
// The streamed /api/instances parse (the client's) agrees with the tree parse on every body:
// both fail, or both give the same Inventory.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "adapters/scaleio/inventory_sax.h"
#include "adapters/scaleio/json_fields.h"
#include "adapters/scaleio/object_parsers.h"

namespace {

using nlohmann::json;
namespace gw = scaleio::gateway;
namespace sio = scaleio::sio;

void check(bool ok) {
  if (!ok) std::abort();
}

template <typename T>
void check_failure_is_invalid_argument(const scaleio::Result<T>& result) {
  if (!result.ok()) check(result.status().code() == scaleio::StatusCode::kInvalidArgument);
}

void check_volume(const sio::Volume& v) {
  for (const auto& m : v.mappings) check(!m.sdc_id.empty() && m.sdc_ip != "N/A");
  check(std::is_sorted(v.mappings.begin(), v.mappings.end(),
                       [](const auto& a, const auto& b) { return a.sdc_id < b.sdc_id; }));
}

void check_sds(const sio::Sds& s) {
  for (const auto& ip : s.ips) check(!ip.ip.empty());
  for (const auto& d : s.devices) check(d.sds_id == s.id);
  check(std::is_sorted(s.devices.begin(), s.devices.end(),
                       [](const auto& a, const auto& b) { return a.path < b.path; }));
}

template <typename T>
void list(const json& j, T (*parse)(const json&)) {
  auto parsed = gw::parse_list(j, parse, "GET /api/types/X/instances");
  check_failure_is_invalid_argument(parsed);
  if (!parsed.ok()) return;
  for (const auto& item : parsed.value()) check(!gw::fields::is_unset_id(item.id));
}

// Every object parser on one value; none may fail, whatever the value.
void each_parser(const json& j) {
  (void)gw::parse_mdm_member(j);
  (void)gw::parse_mdm_cluster(j);
  (void)gw::parse_system(j);
  (void)gw::parse_protection_domain(j);
  (void)gw::parse_fault_set(j);
  (void)gw::parse_storage_pool(j);
  check_sds(gw::parse_sds(j));
  (void)gw::parse_device(j);
  const sio::Sdc sdc = gw::parse_sdc(j);
  check(sdc.ip != "N/A");
  check_volume(gw::parse_volume(j));
  (void)gw::parse_pool_statistics(j);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view body(reinterpret_cast<const char*>(data), size);
  const json j = json::parse(body, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded()) return 0;

  list(j, &gw::parse_mdm_member);
  list(j, &gw::parse_protection_domain);
  list(j, &gw::parse_fault_set);
  list(j, &gw::parse_storage_pool);
  list(j, &gw::parse_sds);
  list(j, &gw::parse_device);
  list(j, &gw::parse_sdc);
  list(j, &gw::parse_volume);

  auto inventory = gw::parse_inventory(j, "GET /api/instances");
  check_failure_is_invalid_argument(inventory);
  if (inventory.ok()) {
    const sio::Inventory& inv = inventory.value();
    if (inv.system) check(!inv.system->id.empty());
    for (const auto& s : inv.sdss) check_sds(s);
    for (const auto& v : inv.volumes) check_volume(v);
  }
  auto streamed = gw::parse_inventory_stream(body, "GET /api/instances");
  check_failure_is_invalid_argument(streamed);
  check(streamed.ok() == inventory.ok());
  if (streamed.ok() && inventory.ok()) check(streamed.value() == inventory.value());

  auto statistics = gw::parse_pool_statistics_map(j, "POST querySelectedStatistics");
  check_failure_is_invalid_argument(statistics);

  each_parser(j);
  if (j.is_structured()) {
    for (const auto& member : j) each_parser(member);
  }
  return 0;
}
