// scaleioctl watch: polls the daemon (reconcilers, drift, state, plan and the new events) and
// shows per reconciler how far it has come. On a terminal the screen is redrawn; on a pipe only
// the lines that changed are printed, one per change, so logs and CI output stay readable.
#pragma once

#include <chrono>
#include <functional>
#include <map>
#include <ostream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "cli/scaleioctl/source.h"
#include "core/clock.h"

namespace scaleio::ctl {

struct WatchOptions {
  bool until_converged = false;
  std::chrono::milliseconds timeout{0};  // 0 = no end
  std::chrono::milliseconds interval{1000};
  bool terminal = false;  // redraw the screen (ANSI) instead of printing changed lines
  bool colour = false;
  // Consecutive failed polls that end the watch with an error; fewer are reported and retried.
  int max_failed_polls = 3;
};

// The last reconciler action seen in the log (ActionStarted / ActionSucceeded / ActionFailed).
struct LastAction {
  std::string action;
  std::string target;
  std::string outcome;  // "started", "ok", "failed CODE"
};

// One reconciler's progress. "planned" counts the plan's objects this reconciler is responsible
// for (see planned_objects); done = planned - drift items, never below 0. It is an estimate: a
// drift item can also be an unexpected object or a step that waits on another reconciler.
struct ReconcilerProgress {
  std::string name;
  size_t planned = 0;
  size_t drift_left = 0;
  size_t done() const { return planned > drift_left ? planned - drift_left : 0; }
  size_t total() const { return planned > drift_left ? planned : drift_left; }
  bool paused = false;
  size_t in_backoff = 0;
  std::string last_result;  // of the last pass: "success", "error", "paused", "" before any
  std::string last_error;
  LastAction last_action;
};

struct WatchSnapshot {
  bool converged = false;
  size_t observed_drift = 0;  // plan-vs-observed items
  std::string mdm;            // "ClusteredNormal (ThreeNodes, 3/3 good nodes)" or why there is none
  bool mdm_healthy = false;
  std::vector<ReconcilerProgress> reconcilers;
};

// Objects of the plan (GET /v1/plan's "plan") that reconciler `name` creates or keeps:
// nodes: one task per host; mdm_quorum: the cluster and its members; storage_pools: domains,
// fault sets, pools, SDSs (host x domain) and devices; sdc_mappings: SDCs, volumes and mappings.
// 0 for a reconciler this build does not know.
size_t planned_objects(const nlohmann::json& plan, const std::string& name);

WatchSnapshot summarize(const nlohmann::json& plan_doc, const nlohmann::json& state_doc,
                        const nlohmann::json& drift_doc, const nlohmann::json& reconcilers_doc,
                        const std::map<std::string, LastAction>& last_actions);

// "[########............]" of `width` cells; full when total is 0.
std::string progress_bar(size_t done, size_t total, size_t width = 20);

// The snapshot as keyed lines ("cluster", "mdm", then one per reconciler), without timestamps:
// what pipe mode compares to print only what changed.
std::vector<std::pair<std::string, std::string>> snapshot_lines(const WatchSnapshot& s);

// Polls until converged (with until_converged), the timeout, or persistent errors. Returns the
// exit code: 0 converged (or the timeout of a plain watch), 1 timeout before convergence, 2 when
// polls keep failing. `sleep` waits between polls (injected for tests).
int run_watch(Source& source, const WatchOptions& options, std::ostream& out, std::ostream& err,
              const Clock& clock, const std::function<void(std::chrono::milliseconds)>& sleep);

}  // namespace scaleio::ctl
