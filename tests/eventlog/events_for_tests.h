// Small event builders shared by the event-log tests.
#pragma once

#include <string>
#include <vector>

#include "core/event_store.h"

namespace scaleio::testing {

inline Envelope agent_seen(const std::string& host, const std::string& agent_id = "S0") {
  Envelope e;
  e.set_source(events::SOURCE_OBSERVER);
  auto* a = e.mutable_agent_observed();
  a->set_hostname(host);
  a->set_agent_id(agent_id);
  a->set_active(true);
  return e;
}

inline Envelope command(const std::string& verb, const std::string& target) {
  Envelope e;
  e.set_source(events::SOURCE_OPERATOR);
  e.mutable_operator_command()->set_command(verb);
  e.mutable_operator_command()->set_target(target);
  return e;
}

inline std::vector<Envelope> one(Envelope e) {
  std::vector<Envelope> v;
  v.push_back(std::move(e));
  return v;
}

}  // namespace scaleio::testing
