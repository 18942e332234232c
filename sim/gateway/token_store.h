// Gateway session tokens. A token dies after its lifetime, after an idle period, on logout, and
// when the gateway restarts (all of them at once), so clients must be ready to log in again.
#pragma once

#include <map>
#include <random>
#include <string>

#include "core/clock.h"

namespace scaleio::sim {

struct TokenPolicy {
  // UNVERIFIED for 2.x; later gateways document 8 hours absolute and 10 minutes idle.
  Clock::Duration lifetime = std::chrono::hours(8);
  Clock::Duration idle_timeout = std::chrono::minutes(10);
};

class TokenStore {
 public:
  TokenStore(const Clock& clock, std::mt19937_64& rng, TokenPolicy policy)
      : clock_(clock), rng_(rng), policy_(policy) {}

  // A fresh token shaped like a real one: base64("user:<unix ms>:<random hex>").
  std::string issue(const std::string& user);
  // True when the token is live; using it resets its idle timer.
  bool use(const std::string& token);
  void revoke(const std::string& token) { tokens_.erase(token); }
  void revoke_all() { tokens_.clear(); }
  void set_policy(TokenPolicy policy) { policy_ = policy; }

 private:
  struct Session {
    Clock::TimePoint issued;
    Clock::TimePoint last_used;
  };
  const Clock& clock_;
  std::mt19937_64& rng_;
  TokenPolicy policy_;
  std::map<std::string, Session> tokens_;
};

}  // namespace scaleio::sim
