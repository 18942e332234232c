// Base64 for HTTP Basic credentials and for tokens shaped like a real gateway's.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace scaleio::sim {

std::string base64_encode(std::string_view in);
std::optional<std::string> base64_decode(std::string_view in);

}  // namespace scaleio::sim
