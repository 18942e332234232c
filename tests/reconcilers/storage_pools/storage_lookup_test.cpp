// The storage reconciler's lookups (find_sds, find_sds_named, find_device, observed_id) through
// the pass's ObservedIndex, on hand-built states: the first match in id order wins, as the scans
// they replaced gave it, when names or IPs collide or are missing.
#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "reconcilers/storage_pools/storage_lookup.h"

namespace scaleio::reconcilers::storage {

namespace {

using observed::ObservedIndex;
using observed::ObservedState;

struct World {
  plan::Plan plan;
  ObservedState state;

  void domain(const std::string& id, const std::string& name) {
    events::ProtectionDomainObserved pd;
    pd.set_id(id);
    pd.set_name(name);
    state.protection_domains[id] = {pd, 1};
  }
  void node(const std::string& host, const std::string& ip, const std::string& domain) {
    plan::PlannedNode n;
    n.hostname = host;
    n.ip = ip;
    n.pools = {{domain, "sp1", {"/dev/sdb"}}};
    plan.nodes[host] = n;
  }
  void sds(const std::string& id, const std::string& name, const std::string& pd_id,
           const std::vector<std::string>& ips, const std::vector<std::string>& paths = {}) {
    events::SdsObserved s;
    s.set_id(id);
    s.set_name(name);
    s.set_protection_domain_id(pd_id);
    for (const auto& ip : ips) s.add_ips()->set_ip(ip);
    for (const auto& path : paths) {
      auto* d = s.add_devices();
      d->set_id(id + ":" + path);
      d->set_path(path);
    }
    state.sdss[id] = {s, 2};
  }
};

std::string id_of(const events::SdsObserved* s) {
  return s == nullptr ? "none" : s->id();
}

}  // namespace

TEST_CASE("find_sds takes the planned IP first, the first SDS in id order at it") {
  World w;
  w.domain("pd-1", "pd1");
  w.domain("pd-2", "pd2");
  w.node("host1", "10.0.0.1", "pd1");
  w.sds("s9", "host1", "pd-1", {"10.0.0.9"});          // the right name, another IP
  w.sds("s3", "x", "pd-1", {"10.0.0.5", "10.0.0.1"});  // at the IP among several
  w.sds("s2", "y", "pd-1", {"10.0.0.1"});              // also at the IP, earlier id
  w.sds("s1", "z", "pd-2", {"10.0.0.1"});              // at the IP, other domain
  const ObservedIndex index(w.state);
  CHECK(id_of(find_sds(w.plan, index, "host1", "pd1")) == "s2");
  CHECK(id_of(find_sds(w.plan, index, "host1", "pd2")) == "s1");
  CHECK(id_of(find_sds(w.plan, index, "host1", "pd3")) == "none");  // no such domain
}

TEST_CASE("find_sds falls back to the reconciler's names when no SDS has the planned IP") {
  World w;
  w.domain("pd-1", "pd1");
  w.domain("pd-2", "pd2");
  w.node("host1", "", "pd1");  // a node whose IP is not known
  w.sds("s5", "host1-pd1", "pd-1", {"10.0.0.7"});
  w.sds("s4", "host1", "pd-2", {"10.0.0.7"});  // the name, in another domain
  w.sds("s6", "host1", "pd-1", {"10.0.0.7"});
  const ObservedIndex index(w.state);
  // Both names match in pd1: the first in id order, whichever name it has.
  CHECK(id_of(find_sds(w.plan, index, "host1", "pd1")) == "s5");
  // A host that left the plan: by its name, in the domain asked for.
  CHECK(id_of(find_sds(w.plan, index, "gone", "pd1")) == "none");
  w.sds("s0", "gone", "pd-1", {});
  const ObservedIndex again(w.state);
  CHECK(id_of(find_sds(w.plan, again, "gone", "pd1")) == "s0");
}

TEST_CASE("find_sds_named matches a name or an id, the first in id order") {
  World w;
  w.sds("b", "x", "pd-1", {});
  w.sds("a", "b", "pd-1", {});  // named like the other's id, earlier in id order
  w.sds("c", "x", "pd-1", {});  // a duplicate name
  const ObservedIndex index(w.state);
  CHECK(id_of(find_sds_named(index, "b")) == "a");
  CHECK(id_of(find_sds_named(index, "x")) == "b");
  CHECK(id_of(find_sds_named(index, "c")) == "c");
  CHECK(id_of(find_sds_named(index, "d")) == "none");
}

TEST_CASE("find_device looks on every SDS at the host's IP, and by name once it left the plan") {
  World w;
  w.domain("pd-1", "pd1");
  w.domain("pd-2", "pd2");
  w.node("host1", "10.0.0.1", "pd1");
  w.sds("s1", "host1", "pd-1", {"10.0.0.1"}, {"/dev/sdb"});
  w.sds("s2", "host1-pd2", "pd-2", {"10.0.0.2", "10.0.0.1"}, {"/dev/sdc"});
  w.sds("s3", "old", "pd-1", {"10.0.0.3"}, {"/dev/sdb"});
  w.sds("s4", "old-pd2", "pd-2", {"10.0.0.3"}, {"/dev/sdd"});
  const ObservedIndex index(w.state);
  CHECK(id_of(find_device(w.plan, index, "host1", "/dev/sdc").sds) == "s2");
  CHECK(id_of(find_device(w.plan, index, "host1", "/dev/sdb").sds) == "s1");
  CHECK(find_device(w.plan, index, "host1", "/dev/sdd").device == nullptr);
  CHECK(id_of(find_device(w.plan, index, "old", "/dev/sdd").sds) == "s4");
  CHECK(observed_id(w.plan, index, "device/host1/dev/sdc") == "s2:/dev/sdc");
  CHECK(observed_id(w.plan, index, "sds/host1/pd2") == "s2");
  CHECK(observed_id(w.plan, index, "sds/old-pd2") == "s4");
  CHECK(observed_id(w.plan, index, "domain/pd2") == "pd-2");
}

}  // namespace scaleio::reconcilers::storage
