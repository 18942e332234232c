#include "sim/gateway/id_generator.h"

#include <cctype>
#include <cstdio>

namespace scaleio::sim {

std::string IdGenerator::to_hex16(uint64_t value) {
  char buf[17];
  std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(value));
  return buf;
}

std::string IdGenerator::next() {
  for (;;) {
    const uint64_t value = rng_();
    if (value == 0) continue;  // "0000000000000000" means "unset" to clients
    std::string id = to_hex16(value);
    if (issued_.insert(id).second) return id;
  }
}

std::string IdGenerator::guid() {
  const std::string hex = to_hex16(rng_()) + to_hex16(rng_());
  std::string out;
  for (size_t i = 0; i < hex.size(); ++i) {
    if (i == 8 || i == 12 || i == 16 || i == 20) out += '-';
    out += static_cast<char>(std::toupper(static_cast<unsigned char>(hex[i])));
  }
  return out;
}

}  // namespace scaleio::sim
