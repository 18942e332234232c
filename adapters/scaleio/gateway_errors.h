// Gateway error bodies ({"message","httpStatusCode","errorCode"}) turned into Status codes
// that say what to do next. Real gateways answer most MDM refusals with HTTP 500 and tell them
// apart only by errorCode and message text, so the message decides (see the fact sheet).
#pragma once

#include <string>

#include "core/status.h"

namespace scaleio::gateway {

struct GatewayError {
  int http_status = 0;
  int error_code = 0;
  std::string message;  // empty when the body was not a gateway error body
};

// Tolerant: a body that is not JSON, or lacks the keys, still gives an error with the status.
GatewayError parse_error_body(int http_status, const std::string& body);

// `endpoint` ("POST /api/types/Volume/instances") prefixes the message.
Status status_from_gateway_error(const GatewayError& error, const std::string& endpoint);

// Whether a failed call may be repeated as is (the same request may succeed later).
inline bool is_transient(const Status& s) {
  return s.code() == StatusCode::kUnavailable || s.code() == StatusCode::kDeadlineExceeded;
}

}  // namespace scaleio::gateway
