// The observed state as a Projection: rebuilt from the log at start-up (or from a snapshot that
// holds the latest event of every object), kept current by the observer.
#pragma once

#include "core/observed/observed_state.h"
#include "core/projection.h"

namespace scaleio::observed {

class ObservedProjection final : public Projection {
 public:
  std::string_view name() const override { return "scaleio-observed"; }
  uint32_t format_version() const override { return 1; }
  void apply(const Envelope& event) override { state_.apply(event); }
  static bool folds(const Envelope& event) { return ObservedState::folds(event); }
  std::string save() const override;
  Status restore(std::string_view state) override;
  void reset() override { state_ = ObservedState(); }

  const ObservedState& state() const { return state_; }

 private:
  ObservedState state_;
};

}  // namespace scaleio::observed
