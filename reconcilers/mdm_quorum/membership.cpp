#include "reconcilers/mdm_quorum/membership.h"

#include <algorithm>

namespace scaleio::reconcilers::mdm {

std::string_view kind_name(MemberKind kind) {
  return kind == MemberKind::kManager ? "manager" : "tie-breaker";
}

std::string Member::display() const {
  if (!host.empty()) return host;
  return name.empty() ? id : name;
}

std::string mode_for_size(int size) {
  switch (size) {
    case 1:
      return "OneNode";
    case 3:
      return "ThreeNodes";
    case 5:
      return "FiveNodes";
    default:
      return "";
  }
}

ModeShape shape_of(const std::string& mode) {
  if (mode == "ThreeNodes") return {1, 1};
  if (mode == "FiveNodes") return {2, 2};
  return {0, 0};
}

std::string mdm_name_for(const std::string& host) {
  std::string name = host.substr(0, host.find('.'));
  if (name.size() > 31) name.resize(31);
  return name;
}

Membership Membership::build(const plan::Plan& plan, const events::MdmClusterObserved& cluster) {
  Membership out;
  out.mode = cluster.mode();
  auto add_planned = [&](const std::string& host, MemberKind kind) {
    PlannedMdm p;
    p.host = host;
    p.kind = kind;
    if (auto it = plan.nodes.find(host); it != plan.nodes.end()) {
      p.ip = it->second.ip;
      p.agent_id = it->second.agent_id;
    }
    out.planned.push_back(std::move(p));
  };
  if (!plan.mdm.primary.empty()) add_planned(plan.mdm.primary, MemberKind::kManager);
  for (const auto& h : plan.mdm.secondaries) add_planned(h, MemberKind::kManager);
  for (const auto& h : plan.mdm.tiebreakers) add_planned(h, MemberKind::kTieBreaker);

  out.members.reserve(static_cast<size_t>(cluster.members_size()));
  for (const auto& m : cluster.members()) {
    Member member;
    member.id = m.id();
    member.name = m.name();
    member.ips.assign(m.ips().begin(), m.ips().end());
    member.role = m.role();
    member.kind = m.manager() ? MemberKind::kManager : MemberKind::kTieBreaker;
    member.status = m.status();
    member.healthy = m.status() == "Normal";
    for (const auto& p : out.planned) {
      if (!p.ip.empty() &&
          std::find(member.ips.begin(), member.ips.end(), p.ip) != member.ips.end())
        member.host = p.host;
    }
    out.members.push_back(std::move(member));
  }
  for (auto& p : out.planned) {
    for (const auto& m : out.members) {
      if (m.host == p.host) p.member = &m;
    }
  }
  return out;
}

const PlannedMdm* Membership::planned_for(const Member& member) const {
  if (member.host.empty()) return nullptr;
  for (const auto& p : planned) {
    if (p.host == member.host) return &p;
  }
  return nullptr;
}

bool Membership::planned_as_is(const Member& member) const {
  const PlannedMdm* p = planned_for(member);
  return p != nullptr && p->kind == member.kind;
}

const Member* Membership::master() const {
  for (const auto& m : members) {
    if (m.role == "master") return &m;
  }
  return nullptr;
}

}  // namespace scaleio::reconcilers::mdm
