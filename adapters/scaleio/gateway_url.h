// The gateway's address as configured: "https://host[:port][/api]" or "http://...".
#pragma once

#include <cstdint>
#include <string>

#include "core/status.h"

namespace scaleio::gateway {

struct GatewayUrl {
  bool tls = true;
  std::string host;
  uint16_t port = 443;
  // "/api" unless the URL names another prefix (a gateway behind a proxy path).
  std::string api_prefix = "/api";

  // "https://127.0.0.1:8443" — for messages; never carries credentials.
  std::string origin() const;
};

// Rejects anything but http/https, user-info in the URL (passwords never come from a URL),
// empty hosts and bad ports.
Result<GatewayUrl> parse_gateway_url(const std::string& url);

}  // namespace scaleio::gateway
