// Hand-built inputs for the pure decision: hosts with personas (and whether their node task
// runs), an observed cluster given member by member, outages, journal events, the clock.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "reconcilers/mdm_quorum/decision.h"

namespace scaleio::reconcilers::testing {

using mdm::Decision;

struct MemberSpec {
  std::string id;
  std::string host;  // its IP is the host's
  std::string role;  // "master", "slave", "tiebreaker", "standby"
  bool manager = true;
  bool healthy = true;
};

class DecisionFixture {
 public:
  DecisionFixture();

  // A host (persona "" = data) whose node task runs unless `node_task` is false. Hosts keep their
  // IP when their persona is dropped, so clusters may name hosts the plan no longer has.
  void host(const std::string& name, const std::string& persona, bool node_task = true);
  void drop_from_plan(const std::string& name);
  void persona(const std::string& name, const std::string& persona);
  void cluster(const std::string& mode, const std::vector<MemberSpec>& members);
  void gateway_down(const std::string& error);
  void adopt(const std::vector<std::string>& ips);
  void down_for(const std::string& member_id, Clock::Duration d);
  void journal(events::Envelope e);
  // An earlier successful action of the reconciler, `ago` before now.
  void succeeded(const std::string& action, const std::string& target, Clock::Duration ago,
                 const std::string& key = "k");
  void pending(const std::string& action, const std::string& target, const std::string& key);
  void task(const std::string& task_id, const std::string& host, const std::string& state);

  Decision decide();
  std::string ip(const std::string& host) const { return ips_.at(host); }

  MdmQuorumSettings settings;
  Clock::TimePoint now;
  plan::Plan plan;

 private:
  void rebuild();
  void apply(events::Envelope e);

  std::map<std::string, std::string> ips_;
  std::map<std::string, std::string> personas_;
  std::vector<std::string> adopt_ips_;
  observed::ObservedState observed_;
  MesosTasksProjection tasks_;
  ActionJournal journal_;
  std::map<std::string, Clock::TimePoint> down_since_;
  uint64_t sequence_ = 0;
};

// Helpers to read a decision.
bool has_drift(const Decision& d, const std::string& resource, const std::string& detail_part);
std::string drift_text(const Decision& d);  // every item, one a line (for failure messages)

}  // namespace scaleio::reconcilers::testing
