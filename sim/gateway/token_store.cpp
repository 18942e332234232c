#include "sim/gateway/token_store.h"

#include "core/base64.h"
#include "sim/gateway/id_generator.h"

namespace scaleio::sim {

std::string TokenStore::issue(const std::string& user) {
  const auto now = clock_.now();
  std::string token = base64_encode(user + ":" + std::to_string(clock_.now_unix_ms()) + ":" +
                                    IdGenerator::to_hex16(rng_()));
  tokens_[token] = Session{now, now};
  return token;
}

bool TokenStore::use(const std::string& token) {
  auto it = tokens_.find(token);
  if (it == tokens_.end()) return false;
  const auto now = clock_.now();
  if (now - it->second.issued >= policy_.lifetime ||
      now - it->second.last_used >= policy_.idle_timeout) {
    tokens_.erase(it);
    return false;
  }
  it->second.last_used = now;
  return true;
}

}  // namespace scaleio::sim
