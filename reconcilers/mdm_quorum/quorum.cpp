#include "reconcilers/mdm_quorum/quorum.h"

#include <algorithm>

namespace scaleio::reconcilers::mdm {

namespace {

bool listed(const std::vector<const Member*>& list, const Member& m) {
  return std::find(list.begin(), list.end(), &m) != list.end();
}

std::string below(const char* when, const QuorumCount& c) {
  return std::string(when) + " " + std::to_string(c.good) + " of " + std::to_string(c.voting) +
         " voting MDMs would be good, below a quorum of " + std::to_string(c.needed());
}

}  // namespace

QuorumCount count_voting(const std::vector<const Member*>& voting) {
  QuorumCount c;
  for (const Member* m : voting) {
    ++c.voting;
    if (m->healthy) ++c.good;
  }
  return c;
}

std::string ModeSwitch::describe() const {
  std::string out = mode;
  auto list = [&](const char* sign, const std::vector<const Member*>& members) {
    for (const Member* m : members) out += std::string(" ") + sign + " " + m->display();
  };
  list("-slave", remove_slaves);
  list("-tb", remove_tie_breakers);
  list("+slave", add_slaves);
  list("+tb", add_tie_breakers);
  return out;
}

std::optional<std::string> quorum_refusal(const Membership& membership, const ModeSwitch& change) {
  std::vector<const Member*> before, mid;
  for (const auto& m : membership.members) {
    if (!m.voting()) continue;
    before.push_back(&m);
    if (!listed(change.remove_slaves, m) && !listed(change.remove_tie_breakers, m)) {
      mid.push_back(&m);
    }
  }
  if (!count_voting(before).has_quorum()) {
    return below("the cluster has no quorum now:", count_voting(before));
  }
  for (const auto* list : {&change.add_slaves, &change.add_tie_breakers}) {
    for (const Member* m : *list) {
      if (!m->healthy) return "new member " + m->display() + " is " + m->status + ", not Normal";
    }
  }
  if (const QuorumCount c = count_voting(mid); !c.has_quorum()) {
    return below("with the removals applied first", c);
  }
  std::vector<const Member*> after = mid;
  after.insert(after.end(), change.add_slaves.begin(), change.add_slaves.end());
  after.insert(after.end(), change.add_tie_breakers.begin(), change.add_tie_breakers.end());
  if (const QuorumCount c = count_voting(after); !c.has_quorum()) {
    return below("after the switch", c);
  }
  return std::nullopt;
}

}  // namespace scaleio::reconcilers::mdm
