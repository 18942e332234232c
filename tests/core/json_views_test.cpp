#include "core/views/json_views.h"

#include <catch2/catch.hpp>

using namespace scaleio;

TEST_CASE("an event becomes JSON with its envelope and its payload") {
  events::Envelope e;
  e.set_sequence(42);
  e.set_stream_id("reconciler/storage_pools");
  e.set_stream_version(3);
  e.set_event_type("ActionFailed");
  e.set_timestamp_unix_ms(1'764'040'320'123);
  e.set_source(events::SOURCE_RECONCILER);
  auto* failed = e.mutable_action_failed();
  failed->set_target("pool/pd1/sp1");
  failed->set_attempt(2);
  failed->set_code("UNAVAILABLE");
  const auto j = views::event_json(e);
  CHECK(j["sequence"] == 42);
  CHECK(j["type"] == "ActionFailed");
  CHECK(j["time"] == "2025-11-25T03:12:00.123Z");
  CHECK(j["source"] == "reconciler");
  CHECK(j["payload"]["target"] == "pool/pd1/sp1");
  CHECK(j["payload"]["attempt"] == 2);
}

TEST_CASE("an event of a type this build does not know keeps its envelope") {
  events::Envelope e;
  e.set_sequence(7);
  e.set_event_type("SomethingNewer");
  const auto j = views::event_json(e);
  CHECK(j["type"] == "SomethingNewer");
  CHECK(j["payload"].is_null());
}

TEST_CASE("the observed state names pools by their domain") {
  observed::ObservedState state;
  events::Envelope pd;
  pd.set_sequence(1);
  pd.mutable_protection_domain_observed()->set_id("pd-1");
  pd.mutable_protection_domain_observed()->set_name("pd1");
  state.apply(pd);
  events::Envelope sp;
  sp.set_sequence(2);
  sp.mutable_storage_pool_observed()->set_id("sp-1");
  sp.mutable_storage_pool_observed()->set_name("sp1");
  sp.mutable_storage_pool_observed()->set_protection_domain_id("pd-1");
  state.apply(sp);
  const auto j = views::observed_json(state);
  REQUIRE(j["storagePools"].size() == 1);
  CHECK(j["storagePools"][0]["name"] == "sp1");
  CHECK(j["storagePools"][0]["protectionDomainName"] == "pd1");
  CHECK(j["storagePools"][0]["sinceSequence"] == 2);
  CHECK(j["mdmCluster"].is_null());
}
