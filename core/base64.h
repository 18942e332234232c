// Standard base64 (RFC 4648, with padding): the JSON encoding of protobuf `bytes` (Mesos status
// uuids), HTTP basic credentials and gateway tokens.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace scaleio {

std::string base64_encode(std::string_view bytes);
// nullopt when `text` is not valid base64.
std::optional<std::string> base64_decode(std::string_view text);

}  // namespace scaleio
