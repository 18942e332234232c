// ObservedIndex answers exactly as ObservedState's scans do (the first match in id order), on
// states full of the collisions a gateway allows: duplicate names, shared and missing IPs, SDSs
// with several addresses. The scans stay in ObservedState and serve as the reference.
#include <catch2/catch.hpp>

#include <random>
#include <string>
#include <vector>

#include "core/observed/observed_index.h"

namespace scaleio::observed {

namespace {

using SeenSds = ObservedIndex::SeenSds;

events::SdsObserved sds(const std::string& id, const std::string& name, const std::string& pd,
                        const std::vector<std::string>& ips) {
  events::SdsObserved s;
  s.set_id(id);
  s.set_name(name);
  s.set_protection_domain_id(pd);
  for (const auto& ip : ips) s.add_ips()->set_ip(ip);
  return s;
}

std::vector<std::string> ids(const std::vector<const SeenSds*>& sdss) {
  std::vector<std::string> out;
  for (const auto* s : sdss) out.push_back(s->value.id());
  return out;
}

// A random state over small alphabets of names and IPs, so that most of them collide.
ObservedState colliding_state(std::mt19937& random) {
  const std::vector<std::string> names = {"", "a", "b", "c"};
  const std::vector<std::string> ips = {"", "10.0.0.1", "10.0.0.2", "10.0.0.3"};
  auto pick = [&random](const std::vector<std::string>& from) {
    return from[std::uniform_int_distribution<size_t>(0, from.size() - 1)(random)];
  };
  auto id = [&random](const std::string& prefix) {
    return prefix + std::to_string(std::uniform_int_distribution<int>(0, 40)(random));
  };
  ObservedState state;
  for (int i = 0; i < 4; ++i) {
    events::ProtectionDomainObserved pd;
    pd.set_id(id("pd"));
    pd.set_name(pick(names));
    state.protection_domains[pd.id()] = {pd, 1};
  }
  std::vector<std::string> domain_ids;
  for (const auto& [pd_id, _] : state.protection_domains) domain_ids.push_back(pd_id);
  for (int i = 0; i < 12; ++i) {
    events::StoragePoolObserved pool;
    pool.set_id(id("sp"));
    pool.set_name(pick(names));
    pool.set_protection_domain_id(pick(domain_ids));
    state.storage_pools[pool.id()] = {pool, 2};
    events::FaultSetObserved fs;
    fs.set_id(id("fs"));
    fs.set_name(pick(names));
    fs.set_protection_domain_id(pick(domain_ids));
    state.fault_sets[fs.id()] = {fs, 3};
    events::SdcObserved sdc;
    sdc.set_id(id("sdc"));
    sdc.set_ip(pick(ips));
    state.sdcs[sdc.id()] = {sdc, 4};
    events::VolumeObserved v;
    v.set_id(id("vol"));
    v.set_name(pick(names));
    state.volumes[v.id()] = {v, 5};
    const auto s = sds(id("sds"), pick(names), pick(domain_ids), {pick(ips), pick(ips)});
    state.sdss[s.id()] = {s, 6};
  }
  return state;
}

}  // namespace

TEST_CASE("index lookups give the same object as the state's scans, collisions included") {
  std::mt19937 random(11);  // fixed: the same states every run
  const std::vector<std::string> names = {"", "a", "b", "c", "absent"};
  const std::vector<std::string> ips = {"", "10.0.0.1", "10.0.0.2", "10.0.0.3", "10.9.9.9"};
  for (int round = 0; round < 200; ++round) {
    const ObservedState state = colliding_state(random);
    const ObservedIndex index(state);
    for (const auto& name : names) {
      CHECK(index.domain_named(name) == state.domain_named(name));
      CHECK(index.volume_named(name) == state.volume_named(name));
      for (const auto& inner : names) {
        CHECK(index.pool_named(name, inner) == state.pool_named(name, inner));
        CHECK(index.fault_set_named(name, inner) == state.fault_set_named(name, inner));
      }
    }
    for (const auto& ip : ips) CHECK(index.sdc_with_ip(ip) == state.sdc_with_ip(ip));
    // Every SDS listing an IP, in id order, each once: what a scan over the SDSs would meet.
    for (const auto& ip : ips) {
      std::vector<std::string> scanned;
      for (const auto& [id, s] : state.sdss) {
        for (const auto& address : s.value.ips()) {
          if (address.ip() == ip) {
            scanned.push_back(id);
            break;
          }
        }
      }
      CHECK(ids(index.sdss_with_ip(ip)) == scanned);
    }
  }
}

TEST_CASE("an SDS with several IPs is found at each of them, once at an IP it lists twice") {
  ObservedState state;
  const auto multi = sds("s1", "host1", "pd1", {"10.0.0.1", "10.0.0.2", "10.0.0.2"});
  state.sdss["s1"] = {multi, 7};
  const ObservedIndex index(state);
  REQUIRE(ids(index.sdss_with_ip("10.0.0.1")) == std::vector<std::string>{"s1"});
  REQUIRE(ids(index.sdss_with_ip("10.0.0.2")) == std::vector<std::string>{"s1"});
  CHECK(index.sdss_with_ip("10.0.0.2").front()->since == 7);
  CHECK(index.sdss_with_ip("10.0.0.3").empty());
  CHECK(index.sdss_with_ip("").empty());
}

TEST_CASE("SDSs sharing a name or an IP across domains are all listed, in id order") {
  ObservedState state;
  state.sdss["s2"] = {sds("s2", "host1", "pd2", {"10.0.0.1"}), 1};
  state.sdss["s1"] = {sds("s1", "host1", "pd1", {"10.0.0.1"}), 2};
  state.sdss["s3"] = {sds("s3", "", "pd1", {}), 3};  // no IP (yet) and no name
  const ObservedIndex index(state);
  CHECK(ids(index.sdss_named("host1")) == std::vector<std::string>{"s1", "s2"});
  CHECK(ids(index.sdss_with_ip("10.0.0.1")) == std::vector<std::string>{"s1", "s2"});
  CHECK(ids(index.sdss_named("")) == std::vector<std::string>{"s3"});
  CHECK(index.sdss_named("host2").empty());
}

TEST_CASE("an SDC without an address is found by the empty IP, as the scan finds it") {
  ObservedState state;
  events::SdcObserved a;
  a.set_id("sdc-b");
  state.sdcs[a.id()] = {a, 1};
  events::SdcObserved b;
  b.set_id("sdc-a");
  state.sdcs[b.id()] = {b, 2};
  const ObservedIndex index(state);
  REQUIRE(index.sdc_with_ip("") != nullptr);
  CHECK(index.sdc_with_ip("")->id() == "sdc-a");  // the first in id order
  CHECK(index.sdc_with_ip("10.0.0.1") == nullptr);
}

}  // namespace scaleio::observed
