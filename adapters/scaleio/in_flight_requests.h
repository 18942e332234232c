// The gateway requests under way right now, so the daemon can say WHICH request hangs long before
// the client gives up on it (4 attempts of 10 s): "GET /api/instances in flight for 12 s".
//
// A request counts from the moment a caller asks for it until its final answer, retries, backoff
// and the wait behind other requests on the one connection included: that is the time the caller
// waits. Only the method and the path are kept — never the body, headers, credentials or tokens.
//
// Thread-safe and cheap (one short lock per request); time comes from the injected Clock.
#pragma once

#include <cstdint>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>

#include "core/clock.h"

namespace scaleio::gateway {

struct InFlightRequest {
  std::string method;  // "GET"
  std::string path;    // "/api/instances", as sent (the API prefix included)
  Clock::TimePoint started;
  Clock::Duration age{};  // how long it had been in flight when it was looked at
};

class InFlightRequests {
 public:
  explicit InFlightRequests(const Clock& clock) : clock_(clock) {}
  InFlightRequests(const InFlightRequests&) = delete;
  InFlightRequests& operator=(const InFlightRequests&) = delete;

  // Marks one request in flight until the ticket is destroyed.
  class Ticket {
   public:
    Ticket(Ticket&& other) noexcept : owner_(other.owner_), id_(other.id_) {
      other.owner_ = nullptr;
    }
    Ticket(const Ticket&) = delete;
    Ticket& operator=(const Ticket&) = delete;
    Ticket& operator=(Ticket&&) = delete;
    ~Ticket() {
      if (owner_) owner_->finish(id_);
    }

   private:
    friend class InFlightRequests;
    Ticket(InFlightRequests* owner, uint64_t id) : owner_(owner), id_(id) {}
    InFlightRequests* owner_;
    uint64_t id_;
  };

  [[nodiscard]] Ticket start(std::string_view method, std::string_view path);

  // The request in flight longest, with its age now; nullopt when none is.
  std::optional<InFlightRequest> oldest() const;
  size_t count() const;

 private:
  void finish(uint64_t id);

  const Clock& clock_;
  mutable std::mutex mu_;
  uint64_t next_id_ = 0;
  // By start order: ids are handed out under the lock together with the start time, so the first
  // entry is the oldest (a clock stepped backwards can only make it look younger, never hide it).
  std::map<uint64_t, InFlightRequest> requests_;
};

}  // namespace scaleio::gateway
