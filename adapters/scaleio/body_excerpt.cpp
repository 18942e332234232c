#include "adapters/scaleio/body_excerpt.h"

#include <cctype>

namespace scaleio::gateway {

std::string body_excerpt(std::string_view body) {
  constexpr size_t kMax = 60;
  std::string out;
  for (char c : body.substr(0, kMax)) {
    out += std::isprint(static_cast<unsigned char>(c)) ? c : '?';
  }
  if (body.size() > kMax) out += "...";
  return out;
}

}  // namespace scaleio::gateway
