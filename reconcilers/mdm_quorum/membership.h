// The observed MDM cluster seen through the plan: every member with the planned host it runs on
// (matched by IP) and every planned MDM host with its member, if any. Pure.
#pragma once

#include <string>
#include <vector>

#include "core/events.pb.h"
#include "core/plan/plan.h"

namespace scaleio::reconcilers::mdm {

enum class MemberKind { kManager, kTieBreaker };
std::string_view kind_name(MemberKind kind);  // "manager" / "tie-breaker"

struct Member {
  std::string id;
  std::string name;
  std::vector<std::string> ips;
  std::string role;  // "master", "slave", "tiebreaker", "standby"
  MemberKind kind = MemberKind::kManager;
  bool healthy = false;  // status "Normal"
  std::string status;
  std::string host;  // the planned host at one of its IPs; "" when none
  bool voting() const { return role != "standby"; }
  std::string display() const;  // host, else name, else id
};

struct PlannedMdm {
  std::string host;
  std::string ip;
  std::string agent_id;
  MemberKind kind = MemberKind::kManager;
  const Member* member = nullptr;  // into Membership::members; null when not in the cluster
};

struct Membership {
  std::vector<Member> members;      // in the cluster's order (sorted by id)
  std::vector<PlannedMdm> planned;  // primary, then secondaries, then tie-breakers
  std::string mode;                 // "OneNode", "ThreeNodes", "FiveNodes"

  Membership() = default;
  // `planned[i].member` points into `members`: moving keeps it valid, copying would not.
  Membership(const Membership&) = delete;
  Membership& operator=(const Membership&) = delete;
  Membership(Membership&&) = default;
  Membership& operator=(Membership&&) = default;

  // `plan.mdm` must be valid. Members are matched by any of their IPs.
  static Membership build(const plan::Plan& plan, const events::MdmClusterObserved& cluster);

  const PlannedMdm* planned_for(const Member& member) const;  // null when unplanned
  // Planned, and as the kind it runs as.
  bool planned_as_is(const Member& member) const;
  const Member* master() const;
};

// "OneNode", "ThreeNodes", "FiveNodes" for 1, 3, 5; "" otherwise.
std::string mode_for_size(int size);
struct ModeShape {
  int slaves = 0;
  int tie_breakers = 0;
};
ModeShape shape_of(const std::string& mode);
// The MDM name the operator gives a host: its first DNS label, at most 31 characters (ScaleIO's
// limit), so "node-01.dc1.example.com" is "node-01".
std::string mdm_name_for(const std::string& host);

}  // namespace scaleio::reconcilers::mdm
