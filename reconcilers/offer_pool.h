// Offers from Mesos wait here for the reconcilers that launch tasks (nodes: node tasks;
// mdm_quorum: one-shot scli tasks). The Mesos listener adds and rescinds; a reconciler takes the
// offer of the agent it wants exclusively, so two reconcilers never launch on the same offer.
// The driver holds unused offers for a while and then declines them; the pool forgets an offer
// a little before that (`max_age`), so nobody launches on an offer already declined.
//
// Demand: a reconciler says whether it needs offers; the daemon revives when the first one does
// and suppresses when none does (an idle converged cluster receives no offers).
#pragma once

#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "core/clock.h"
#include "core/ports/mesos_types.h"

namespace scaleio::reconcilers {

class OfferPool {
 public:
  OfferPool(const Clock& clock, Clock::Duration max_age) : clock_(clock), max_age_(max_age) {}

  void add(const std::vector<mesos::Offer>& offers);
  void rescind(const std::string& offer_id);
  // Removes and returns the freshest offer for `agent_id` that satisfies `fits`.
  std::optional<mesos::Offer> take(const std::string& agent_id,
                                   const std::function<bool(const mesos::Offer&)>& fits);
  // Removes and returns every offer (e.g. to decline them).
  std::vector<mesos::Offer> take_all();
  size_t size() const;

  // Demand. Returns true when the pool's overall demand changed (someone to revive/suppress).
  bool set_demand(const std::string& reconciler, bool wants_offers);
  bool demand() const;

 private:
  void expire_locked(Clock::TimePoint now);

  struct Held {
    mesos::Offer offer;
    Clock::TimePoint received;
  };
  const Clock& clock_;
  const Clock::Duration max_age_;
  mutable std::mutex mu_;
  std::map<std::string, Held> offers_;  // by offer id
  std::set<std::string> wanting_;
};

}  // namespace scaleio::reconcilers
