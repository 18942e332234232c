#pragma once
// Base64 (RFC 4648, with padding) for protobuf `bytes` fields in Mesos JSON, e.g. status uuids.
#include <optional>
#include <string>

namespace scaleio::sim {

std::string to_base64(const std::string& bytes);
// nullopt on characters outside the alphabet or bad padding.
std::optional<std::string> from_base64(const std::string& text);

}  // namespace scaleio::sim
