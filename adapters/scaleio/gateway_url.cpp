#include "adapters/scaleio/gateway_url.h"

#include <charconv>

namespace scaleio::gateway {

std::string GatewayUrl::origin() const {
  const bool default_port = (tls && port == 443) || (!tls && port == 80);
  std::string out = (tls ? "https://" : "http://") + host;
  if (host.find(':') != std::string::npos) out = (tls ? "https://[" : "http://[") + host + "]";
  if (!default_port) out += ":" + std::to_string(port);
  return out;
}

Result<GatewayUrl> parse_gateway_url(const std::string& url) {
  GatewayUrl out;
  std::string rest;
  if (url.rfind("https://", 0) == 0) {
    out.tls = true;
    out.port = 443;
    rest = url.substr(8);
  } else if (url.rfind("http://", 0) == 0) {
    out.tls = false;
    out.port = 80;
    rest = url.substr(7);
  } else {
    return invalid_argument("gateway URL must start with https:// or http://: " + url);
  }
  const auto slash = rest.find('/');
  std::string authority = rest.substr(0, slash);
  std::string path = slash == std::string::npos ? "" : rest.substr(slash);
  if (authority.find('@') != std::string::npos) {
    // Do not echo the URL: it may hold a password.
    return invalid_argument(
        "gateway URL must not contain credentials; give the user and a password file instead");
  }
  std::string port_text;
  if (!authority.empty() && authority.front() == '[') {
    const auto close = authority.find(']');
    if (close == std::string::npos) return invalid_argument("bad IPv6 host in gateway URL: " + url);
    out.host = authority.substr(1, close - 1);
    if (close + 1 < authority.size()) {
      if (authority[close + 1] != ':') return invalid_argument("bad gateway URL: " + url);
      port_text = authority.substr(close + 2);
    }
  } else {
    const auto colon = authority.find(':');
    out.host = authority.substr(0, colon);
    if (colon != std::string::npos) port_text = authority.substr(colon + 1);
  }
  if (out.host.empty()) return invalid_argument("gateway URL has no host: " + url);
  if (!port_text.empty()) {
    unsigned value = 0;
    auto [end, ec] = std::from_chars(port_text.data(), port_text.data() + port_text.size(), value);
    if (ec != std::errc() || end != port_text.data() + port_text.size() || value == 0 ||
        value > 65535) {
      return invalid_argument("bad port in gateway URL: " + url);
    }
    out.port = static_cast<uint16_t>(value);
  }
  while (!path.empty() && path.back() == '/') path.pop_back();
  if (!path.empty()) out.api_prefix = path;
  return out;
}

}  // namespace scaleio::gateway
