// The journal of the reconcilers' actions, folded from ActionStarted / ActionSucceeded /
// ActionFailed and the operator's pause / resume commands. It answers the questions a reconciler
// asks before acting: is an earlier intent of mine still without an outcome (resolve it from fresh
// observation first), is this target in backoff, did this operator create that object, am I
// paused. Pure: the same events always give the same journal, so it survives restarts.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "core/projection.h"

namespace scaleio {

inline constexpr std::string_view kOperatorStream = "operator";
std::string reconciler_stream(std::string_view reconciler);  // "reconciler/<name>"

// What the journal knows of one (reconciler, target).
struct TargetRecord {
  std::string reconciler;
  std::string target;
  // An intent without an outcome: after a crash, resolve it before retrying.
  std::optional<events::ActionStarted> pending;
  uint64_t pending_sequence = 0;
  uint32_t consecutive_failures = 0;
  int64_t next_attempt_unix_ms = 0;  // backoff; 0 = no wait
  std::string last_action;
  std::string last_code;   // of the last failure, "" after a success
  std::string last_error;  // of the last failure
  uint64_t last_outcome_sequence = 0;
  int64_t last_outcome_unix_ms = 0;
};

class ActionJournal final : public Projection {
 public:
  ActionJournal() = default;
  // A journal of one reconciler's targets: what a reconciler loop holds, since its passes ask
  // only about their own targets (the daemon keeps a loop per reconciler, so a full journal in
  // each held every target four times over: 17 MB each at 5,000 agents). It still folds what any
  // pass may ask of all reconcilers: the objects the operator created and who is paused. Asking
  // it about another reconciler's targets throws std::logic_error (a bug: an empty answer could
  // make a reconciler act twice). It must never become the projection's snapshot (it lacks the
  // other reconcilers' targets): LiveState refuses to save one.
  explicit ActionJournal(std::string only_reconciler) : scope_(std::move(only_reconciler)) {}
  // The per-reconciler indexes point into targets_' nodes: a move keeps those nodes (the tree is
  // handed over whole), a copy would not.
  ActionJournal(const ActionJournal&) = delete;
  ActionJournal& operator=(const ActionJournal&) = delete;
  ActionJournal(ActionJournal&&) = default;
  ActionJournal& operator=(ActionJournal&&) = default;

  std::string_view name() const override { return "action_journal"; }
  uint32_t format_version() const override { return 1; }
  void apply(const Envelope& event) override;
  std::string save() const override;
  Status restore(std::string_view state) override;
  void reset() override;

  const TargetRecord* find(std::string_view reconciler, std::string_view target) const;
  // Intents of `reconciler` without an outcome, oldest first.
  std::vector<const TargetRecord*> pending(std::string_view reconciler) const;
  // Targets of `reconciler` whose last attempt failed (in backoff or not).
  std::vector<const TargetRecord*> failing(std::string_view reconciler) const;
  // True while `target`'s backoff has not expired at `now_unix_ms`.
  bool in_backoff(std::string_view reconciler, std::string_view target, int64_t now_unix_ms) const;

  // Ownership: `target` (e.g. "volume/data1") was created by a successful create_* action of
  // this operator (and not removed since by one of its remove_* actions).
  bool created_by_operator(std::string_view target) const;
  // The result (e.g. the object id) of the last successful create of `target`, "" when none.
  std::string created_id(std::string_view target) const;

  bool paused(std::string_view reconciler) const { return paused_.count(std::string(reconciler)); }
  const std::set<std::string>& paused_reconcilers() const { return paused_; }

  uint64_t last_sequence() const { return last_sequence_; }
  // The reconciler this journal is scoped to; nullopt for a whole journal.
  const std::optional<std::string>& scope() const { return scope_; }

 private:
  using Key = std::pair<std::string, std::string>;  // (reconciler, target)
  // Targets of one reconciler, by target name, pointing into targets_ (map nodes never move).
  using TargetIndex = std::map<std::string_view, const TargetRecord*>;

  TargetRecord& record(const std::string& reconciler, const std::string& target);
  bool covers(std::string_view reconciler) const { return !scope_ || *scope_ == reconciler; }
  // Throws std::logic_error when `reconciler` is outside the scope.
  void check_covered(std::string_view reconciler) const;
  // Puts `r` into (or out of) the pending and failing indexes after it changed.
  void reindex(const TargetRecord& r);

  std::optional<std::string> scope_;
  std::map<Key, TargetRecord> targets_;
  // Every pass asks for its own pending and failing targets (twice more when it schedules the
  // next one); scanning every target of every reconciler for them was a quarter of an idle pass at
  // 5,000 agents. These hold only the few that qualify.
  std::map<std::string, TargetIndex, std::less<>> pending_;
  std::map<std::string, TargetIndex, std::less<>> failing_;
  std::map<std::string, std::string, std::less<>> created_;  // target -> id/result
  std::set<std::string> paused_;
  uint64_t last_sequence_ = 0;
};

}  // namespace scaleio
