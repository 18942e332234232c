// Base64 for HTTP Basic authentication headers.
#pragma once

#include <string>
#include <string_view>

namespace scaleio::gateway {

std::string base64_encode(std::string_view data);

}  // namespace scaleio::gateway
