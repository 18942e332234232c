// The error a ScaleIO MDM (or the gateway in front of it) reports. World operations return these
// instead of scaleio::Status because clients key their idempotency on the exact ScaleIO errorCode
// and message (e.g. 81 "already mapped" counts as success), which a generic Status cannot carry.
#pragma once

#include <string>
#include <utility>
#include <variant>

#include "core/status.h"

namespace scaleio::sim {

// ScaleIO errorCode values. The ones the fact sheet confirms are marked; the rest are UNVERIFIED
// guesses kept in this one table so they can be corrected in one place.
namespace mdm_code {
inline constexpr int kValidation = 0;                  // confirmed: 400 request validation
inline constexpr int kNotFound = 3;                    // confirmed: "Not found"
inline constexpr int kVolumeNotFound = 79;             // confirmed
inline constexpr int kVolumeAlreadyMapped = 81;        // confirmed
inline constexpr int kVolumeNotMapped = 84;            // confirmed
inline constexpr int kProtectionDomainNotFound = 142;  // confirmed
inline constexpr int kSdcNotFound = 76;                // UNVERIFIED
inline constexpr int kNameInUse = 6;                   // UNVERIFIED (one code for every name clash)
inline constexpr int kSdsIpInUse = 7;                  // UNVERIFIED
inline constexpr int kInvalidName = 8;                 // UNVERIFIED
inline constexpr int kMdmUnavailable = 9;              // UNVERIFIED: gateway cannot reach an MDM
inline constexpr int kComponentUnreachable = 10;  // UNVERIFIED: SDS/MDM node not installed/running
inline constexpr int kNotEmpty = 11;              // UNVERIFIED: remove of an object still in use
inline constexpr int kInsufficientCapacity = 12;  // UNVERIFIED
inline constexpr int kInvalidOperation = 13;      // UNVERIFIED: wrong state for the operation
}  // namespace mdm_code

struct MdmError {
  int http_status = 500;
  int error_code = 0;
  std::string message;
};

inline MdmError mdm_error(int code, std::string message) {
  return {500, code, std::move(message)};
}
// A gateway-side request validation failure (HTTP 400, errorCode 0).
inline MdmError bad_request(std::string message) {
  return {400, mdm_code::kValidation, std::move(message)};
}
inline MdmError missing_key(const std::string& key) {
  return bad_request(
      "Request message is not valid. The following parameter must be part of the "
      "request body: " +
      key);
}

// A value or the MdmError that explains why there is none.
template <typename T>
class [[nodiscard]] MdmResult {
 public:
  MdmResult(T value) : state_(std::move(value)) {}         // NOLINT: implicit by design
  MdmResult(MdmError error) : state_(std::move(error)) {}  // NOLINT: implicit by design

  bool ok() const { return std::holds_alternative<T>(state_); }
  const MdmError& error() const { return std::get<MdmError>(state_); }
  T& value() & { return std::get<T>(state_); }
  const T& value() const& { return std::get<T>(state_); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }

 private:
  std::variant<T, MdmError> state_;
};

struct Done {};
using MdmStatus = MdmResult<Done>;
inline MdmStatus mdm_ok() {
  return Done{};
}

// Unwraps an MdmResult into `lhs` or returns its error from the enclosing function.
#define SIM_CONCAT_INNER(a, b) a##b
#define SIM_CONCAT(a, b) SIM_CONCAT_INNER(a, b)
#define SIM_ASSIGN_OR_RETURN(lhs, expr)               \
  auto SIM_CONCAT(sim_result_, __LINE__) = (expr);    \
  if (!SIM_CONCAT(sim_result_, __LINE__).ok()) {      \
    return SIM_CONCAT(sim_result_, __LINE__).error(); \
  }                                                   \
  lhs = std::move(SIM_CONCAT(sim_result_, __LINE__).value())

// scli prints MDM errors in this exact form (two spaces after the period).
inline Status scli_failure(const MdmError& e) {
  return failed_precondition("Error: MDM failed command.  Status: " + e.message);
}

}  // namespace scaleio::sim
