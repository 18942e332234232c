// The agents the operator has observed, keyed by hostname (an agent restarted with new
// attributes comes back with a new agent id; the plan keys nodes by hostname).
#pragma once

#include <map>
#include <string>

#include "core/projection.h"

namespace scaleio {

class AgentsProjection final : public Projection {
 public:
  std::string_view name() const override { return "agents"; }
  uint32_t format_version() const override { return 1; }
  void apply(const Envelope& event) override;
  // The events apply() folds; it ignores every other (SharedProjections copies a projection
  // handed out before an event changes it, so this must hold exactly).
  static bool folds(const Envelope& event);
  std::string save() const override;
  Status restore(std::string_view state) override;
  void reset() override { agents_.clear(); }

  const std::map<std::string, events::AgentObserved>& agents() const { return agents_; }

 private:
  std::map<std::string, events::AgentObserved> agents_;
};

}  // namespace scaleio
