#include "adapters/scaleio/in_flight_requests.h"

#include <algorithm>

namespace scaleio::gateway {

InFlightRequests::Ticket InFlightRequests::start(std::string_view method, std::string_view path) {
  std::lock_guard lock(mu_);
  const uint64_t id = next_id_++;
  requests_.emplace(id, InFlightRequest{std::string(method), std::string(path), clock_.now()});
  return Ticket(this, id);
}

void InFlightRequests::finish(uint64_t id) {
  std::lock_guard lock(mu_);
  requests_.erase(id);
}

std::optional<InFlightRequest> InFlightRequests::oldest() const {
  std::lock_guard lock(mu_);
  if (requests_.empty()) return std::nullopt;
  InFlightRequest out = requests_.begin()->second;
  out.age = std::max(Clock::Duration::zero(), clock_.now() - out.started);
  return out;
}

size_t InFlightRequests::count() const {
  std::lock_guard lock(mu_);
  return requests_.size();
}

}  // namespace scaleio::gateway
