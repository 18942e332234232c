#include "adapters/mesos/master_address.h"

#include <algorithm>
#include <cctype>

namespace scaleio::mesos {

Result<MasterAddress> parse_master_address(std::string_view text) {
  std::string_view rest = text;
  if (rest.rfind("https://", 0) == 0) {
    return invalid_argument("master '" + std::string(text) +
                            "': https is not supported by this client; use http://");
  }
  if (rest.rfind("http://", 0) == 0) {
    rest.remove_prefix(7);
  } else if (rest.rfind("//", 0) == 0) {
    rest.remove_prefix(2);
  }
  rest = rest.substr(0, rest.find('/'));
  const size_t colon = rest.rfind(':');
  if (colon == std::string_view::npos || colon == 0 || colon + 1 == rest.size()) {
    return invalid_argument("master '" + std::string(text) + "' must be host:port");
  }
  MasterAddress address{std::string(rest.substr(0, colon)), std::string(rest.substr(colon + 1))};
  if (!std::all_of(address.port.begin(), address.port.end(),
                   [](unsigned char c) { return std::isdigit(c); })) {
    return invalid_argument("master '" + std::string(text) + "' has a non-numeric port");
  }
  // "[::1]" → "::1" for the resolver.
  if (address.host.size() > 2 && address.host.front() == '[' && address.host.back() == ']') {
    address.host = address.host.substr(1, address.host.size() - 2);
  }
  return address;
}

}  // namespace scaleio::mesos
