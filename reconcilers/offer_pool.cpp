#include "reconcilers/offer_pool.h"

namespace scaleio::reconcilers {

void OfferPool::add(const std::vector<mesos::Offer>& offers) {
  std::lock_guard lock(mu_);
  const Clock::TimePoint now = clock_.now();
  expire_locked(now);
  for (const auto& offer : offers) offers_[offer.id] = Held{offer, now};
}

void OfferPool::rescind(const std::string& offer_id) {
  std::lock_guard lock(mu_);
  offers_.erase(offer_id);
}

std::optional<mesos::Offer> OfferPool::take(const std::string& agent_id,
                                            const std::function<bool(const mesos::Offer&)>& fits) {
  std::lock_guard lock(mu_);
  expire_locked(clock_.now());
  auto best = offers_.end();
  for (auto it = offers_.begin(); it != offers_.end(); ++it) {
    if (it->second.offer.agent_id != agent_id || !fits(it->second.offer)) continue;
    if (best == offers_.end() || it->second.received > best->second.received) best = it;
  }
  if (best == offers_.end()) return std::nullopt;
  mesos::Offer offer = std::move(best->second.offer);
  offers_.erase(best);
  return offer;
}

std::vector<mesos::Offer> OfferPool::take_all() {
  std::lock_guard lock(mu_);
  std::vector<mesos::Offer> out;
  for (auto& [id, held] : offers_) out.push_back(std::move(held.offer));
  offers_.clear();
  return out;
}

size_t OfferPool::size() const {
  std::lock_guard lock(mu_);
  return offers_.size();
}

bool OfferPool::set_demand(const std::string& reconciler, bool wants_offers) {
  std::lock_guard lock(mu_);
  const bool before = !wanting_.empty();
  if (wants_offers) {
    wanting_.insert(reconciler);
  } else {
    wanting_.erase(reconciler);
  }
  return before != !wanting_.empty();
}

bool OfferPool::demand() const {
  std::lock_guard lock(mu_);
  return !wanting_.empty();
}

void OfferPool::expire_locked(Clock::TimePoint now) {
  for (auto it = offers_.begin(); it != offers_.end();) {
    it = now - it->second.received >= max_age_ ? offers_.erase(it) : std::next(it);
  }
}

}  // namespace scaleio::reconcilers
