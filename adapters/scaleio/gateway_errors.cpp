#include "adapters/scaleio/gateway_errors.h"

#include <algorithm>
#include <cctype>

#include <nlohmann/json.hpp>

namespace scaleio::gateway {

namespace {

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return s;
}

bool has(const std::string& text, const char* needle) {
  return text.find(needle) != std::string::npos;
}

// MDM error codes the fact sheet confirms.
constexpr int kMdmNotFound = 3;
constexpr int kVolumeNotFound = 79;
constexpr int kVolumeAlreadyMapped = 81;
constexpr int kVolumeNotMapped = 84;
constexpr int kProtectionDomainNotFound = 142;

StatusCode classify(const GatewayError& e) {
  switch (e.http_status) {
    case 400:
    case 405:
    case 406:
    case 415:
      return StatusCode::kInvalidArgument;
    case 401:
      return StatusCode::kUnauthenticated;
    case 403:
      return StatusCode::kPermissionDenied;
    case 404:
      return StatusCode::kNotFound;
    case 409:
      return StatusCode::kAlreadyExists;
    case 408:
    case 429:
    case 502:
    case 503:
    case 504:
      return StatusCode::kUnavailable;
    default:
      break;
  }
  const std::string m = lower(e.message);
  if (e.error_code == kVolumeAlreadyMapped || has(m, "already mapped to this")) {
    return StatusCode::kAlreadyExists;
  }
  if (has(m, "already in use") || has(m, "already exists")) return StatusCode::kAlreadyExists;
  if (e.error_code == kMdmNotFound || e.error_code == kVolumeNotFound ||
      e.error_code == kVolumeNotMapped || e.error_code == kProtectionDomainNotFound ||
      has(m, "could not find") || has(m, "not found") || has(m, "not mapped")) {
    return StatusCode::kNotFound;
  }
  if (has(m, "capacity") && (has(m, "not enough") || has(m, "insufficient"))) {
    return StatusCode::kResourceExhausted;
  }
  // The MDM answered that a node's SDS or SDC does not respond (its package is not installed or
  // not running yet): the world must change first, so the request is not repeated at once (that
  // cost three refused requests per SDS while hosts installed); the reconciler's backoff retries.
  if (has(m, "could not communicate with the sds") ||
      has(m, "could not communicate with the sdc")) {
    return StatusCode::kFailedPrecondition;
  }
  if (has(m, "could not connect") || has(m, "could not communicate") ||
      has(m, "temporarily unavailable")) {
    return StatusCode::kUnavailable;
  }
  // A bare 5xx without an MDM reason is the gateway itself failing: worth another try.
  if (e.http_status >= 500 &&
      (m.empty() || (e.error_code == 0 && has(m, "internal server error")))) {
    return StatusCode::kUnavailable;
  }
  if (e.http_status >= 500) return StatusCode::kFailedPrecondition;
  return StatusCode::kInvalidArgument;
}

}  // namespace

GatewayError parse_error_body(int http_status, const std::string& body) {
  GatewayError out;
  out.http_status = http_status;
  const auto parsed = nlohmann::json::parse(body, nullptr, /*allow_exceptions=*/false);
  if (!parsed.is_object()) return out;
  if (auto it = parsed.find("message"); it != parsed.end() && it->is_string()) {
    out.message = it->get<std::string>();
  }
  if (auto it = parsed.find("errorCode"); it != parsed.end()) {
    if (it->is_number_integer()) {
      out.error_code = it->get<int>();
    } else if (it->is_string()) {
      try {
        out.error_code = std::stoi(it->get<std::string>());
      } catch (...) {
        out.error_code = 0;
      }
    }
  }
  return out;
}

Status status_from_gateway_error(const GatewayError& error, const std::string& endpoint) {
  std::string message = endpoint + ": HTTP " + std::to_string(error.http_status);
  if (!error.message.empty()) {
    message += " (errorCode " + std::to_string(error.error_code) + "): " + error.message;
  }
  return Status(classify(error), std::move(message));
}

}  // namespace scaleio::gateway
