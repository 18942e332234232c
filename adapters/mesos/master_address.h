// Where a Mesos master listens. Accepts what operators write in flags ("host:port",
// "http://host:port", with or without a path) and what masters send in a 307 Location
// ("//host:port/api/v1/scheduler": protocol-relative, no scheme).
#pragma once

#include <string>
#include <string_view>

#include "core/status.h"

namespace scaleio::mesos {

struct MasterAddress {
  std::string host;
  std::string port;
  std::string to_string() const { return host + ":" + port; }
  bool operator==(const MasterAddress&) const = default;
};

// kInvalidArgument for "https://" (TLS to the master is not implemented), a missing port or host.
Result<MasterAddress> parse_master_address(std::string_view text);

}  // namespace scaleio::mesos
