// Where scaleioctl reads from. Both sources answer with the JSON documents the daemon's HTTP API
// serves (cli/operator/api_routes.cpp, built from core/views/json_views.h), so every command
// renders the same output whether it asked a running daemon or read the log itself.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "core/status.h"

namespace scaleio::ctl {

struct EventFilter {
  uint64_t from = 1;
  size_t limit = 100;
  std::string stream;                    // "" = every stream
  std::string type;                      // "" = every type
  std::optional<int64_t> since_unix_ms;  // only events at or after this time
};

// Called for each followed event; return false to stop following.
using EventCallback = std::function<bool(const nlohmann::json& event)>;

class Source {
 public:
  virtual ~Source() = default;

  // For messages: "http://127.0.0.1:9110" or "data dir /var/lib/scaleio".
  virtual std::string describe() const = 0;

  // {"contentHash", "asOfSequence", "plan"}  (GET /v1/plan)
  virtual Result<nlohmann::json> plan() = 0;
  // {"asOfSequence", "frameworkId", "agents", "tasks", "scaleio"}  (GET /v1/state)
  virtual Result<nlohmann::json> state() = 0;
  // {"converged", "asOfSequence", "reconcilers", "observed", ...}  (GET /v1/drift)
  virtual Result<nlohmann::json> drift() = 0;
  // {"reconcilers": [...]}  (GET /v1/reconcilers)
  virtual Result<nlohmann::json> reconcilers() = 0;
  // {"events", "next", "lastSequence"}  (GET /v1/events)
  virtual Result<nlohmann::json> events(const EventFilter& filter) = 0;
  // Prints matching events as they are appended, starting at filter.from; returns when `on_event`
  // says stop or the source ends.
  virtual Status follow(const EventFilter& filter, const EventCallback& on_event) = 0;
  // "pause" / "resume" a reconciler: {"reconciler", "command", "sequence"}.
  virtual Result<nlohmann::json> command(std::string_view command, const std::string& reconciler,
                                         const std::string& reason) = 0;

  // Every event about one resource, oldest first: {"resource", "events": [...]}.
  virtual Result<nlohmann::json> history(const std::string& resource) = 0;
  // Time travel: later calls answer as of the moment `when` (see time_spec.h). Returns the
  // sequence chosen.
  virtual Result<uint64_t> travel_to(const std::string& when) = 0;
};

}  // namespace scaleio::ctl
