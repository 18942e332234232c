// Quorum arithmetic for one cluster-mode switch. ScaleIO keeps a cluster available while a strict
// majority of its voting members (master, slaves, tie-breakers) is good; standbys do not vote.
// A switch is judged twice: with its removals applied first (the members leaving stop voting
// before the new ones start) and with the whole change applied. Either falling below a quorum
// refuses it — so removing a healthy member of a 3-node cluster that already has one member down
// is refused even when a healthy replacement comes in by the same switch.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "reconcilers/mdm_quorum/membership.h"

namespace scaleio::reconcilers::mdm {

struct QuorumCount {
  int voting = 0;
  int good = 0;
  bool has_quorum() const { return good * 2 > voting; }
  int needed() const { return voting / 2 + 1; }
};

QuorumCount count_voting(const std::vector<const Member*>& voting);

// A switchClusterMode as decided (members by pointer into a Membership).
struct ModeSwitch {
  std::string mode;
  std::vector<const Member*> remove_slaves, remove_tie_breakers;
  std::vector<const Member*> add_slaves, add_tie_breakers;  // standbys
  size_t changed() const {
    return remove_slaves.size() + remove_tie_breakers.size() + add_slaves.size() +
           add_tie_breakers.size();
  }
  std::string describe() const;  // "ThreeNodes -slave n2 +slave n4"
};

// nullopt when `change` keeps a quorum of good members throughout; else the reason, for drift.
std::optional<std::string> quorum_refusal(const Membership& membership, const ModeSwitch& change);

}  // namespace scaleio::reconcilers::mdm
