#include "core/action_journal.h"

#include <algorithm>
#include <stdexcept>

#include <nlohmann/json.hpp>

namespace scaleio {

namespace {

bool is_create(const std::string& action) {
  return action.starts_with("create_");
}
bool is_remove(const std::string& action) {
  return action.starts_with("remove_");
}

}  // namespace

std::string reconciler_stream(std::string_view reconciler) {
  return "reconciler/" + std::string(reconciler);
}

TargetRecord& ActionJournal::record(const std::string& reconciler, const std::string& target) {
  TargetRecord& r = targets_[{reconciler, target}];
  if (r.reconciler.empty()) {
    r.reconciler = reconciler;
    r.target = target;
  }
  return r;
}

void ActionJournal::check_covered(std::string_view reconciler) const {
  if (covers(reconciler)) return;
  throw std::logic_error("the action journal of " + *scope_ + " was asked about " +
                         std::string(reconciler) + "'s targets, which it does not hold");
}

void ActionJournal::reindex(const TargetRecord& r) {
  auto place = [&](std::map<std::string, TargetIndex, std::less<>>& index, bool member) {
    if (member) {
      index[r.reconciler][r.target] = &r;
      return;
    }
    auto it = index.find(r.reconciler);
    if (it == index.end()) return;
    it->second.erase(r.target);
    if (it->second.empty()) index.erase(it);
  };
  place(pending_, r.pending.has_value());
  place(failing_, r.consecutive_failures > 0);
}

void ActionJournal::apply(const Envelope& event) {
  last_sequence_ = std::max(last_sequence_, event.sequence());
  switch (event.payload_case()) {
    case Envelope::kActionStarted: {
      const auto& e = event.action_started();
      if (!covers(e.reconciler())) break;
      TargetRecord& r = record(e.reconciler(), e.target());
      r.pending = e;
      r.pending_sequence = event.sequence();
      r.last_action = e.action();
      reindex(r);
      break;
    }
    case Envelope::kActionSucceeded: {
      const auto& e = event.action_succeeded();
      if (is_create(e.action())) created_[e.target()] = e.result();
      if (is_remove(e.action())) created_.erase(e.target());
      if (!covers(e.reconciler())) break;
      TargetRecord& r = record(e.reconciler(), e.target());
      r.pending.reset();
      r.pending_sequence = 0;
      r.consecutive_failures = 0;
      r.next_attempt_unix_ms = 0;
      r.last_action = e.action();
      r.last_code.clear();
      r.last_error.clear();
      r.last_outcome_sequence = event.sequence();
      r.last_outcome_unix_ms = event.timestamp_unix_ms();
      reindex(r);
      break;
    }
    case Envelope::kActionFailed: {
      const auto& e = event.action_failed();
      if (!covers(e.reconciler())) break;
      TargetRecord& r = record(e.reconciler(), e.target());
      r.pending.reset();
      r.pending_sequence = 0;
      r.consecutive_failures = e.attempt();
      r.next_attempt_unix_ms = e.next_attempt_unix_ms();
      r.last_action = e.action();
      r.last_code = e.code();
      r.last_error = e.error();
      r.last_outcome_sequence = event.sequence();
      r.last_outcome_unix_ms = event.timestamp_unix_ms();
      reindex(r);
      break;
    }
    case Envelope::kOperatorCommand: {
      const auto& c = event.operator_command();
      if (c.command() == "pause") paused_.insert(c.target());
      if (c.command() == "resume") paused_.erase(c.target());
      break;
    }
    default:
      break;
  }
}

const TargetRecord* ActionJournal::find(std::string_view reconciler,
                                        std::string_view target) const {
  check_covered(reconciler);
  auto it = targets_.find({std::string(reconciler), std::string(target)});
  return it == targets_.end() ? nullptr : &it->second;
}

std::vector<const TargetRecord*> ActionJournal::pending(std::string_view reconciler) const {
  check_covered(reconciler);
  std::vector<const TargetRecord*> out;
  if (auto it = pending_.find(reconciler); it != pending_.end()) {
    for (const auto& [_, r] : it->second) out.push_back(r);
  }
  std::sort(out.begin(), out.end(), [](const TargetRecord* a, const TargetRecord* b) {
    return a->pending_sequence < b->pending_sequence;
  });
  return out;
}

std::vector<const TargetRecord*> ActionJournal::failing(std::string_view reconciler) const {
  check_covered(reconciler);
  std::vector<const TargetRecord*> out;
  if (auto it = failing_.find(reconciler); it != failing_.end()) {
    for (const auto& [_, r] : it->second) out.push_back(r);  // in target order, as before
  }
  return out;
}

bool ActionJournal::in_backoff(std::string_view reconciler, std::string_view target,
                               int64_t now_unix_ms) const {
  const TargetRecord* r = find(reconciler, target);
  return r && r->consecutive_failures > 0 && now_unix_ms < r->next_attempt_unix_ms;
}

bool ActionJournal::created_by_operator(std::string_view target) const {
  return created_.find(target) != created_.end();
}

std::string ActionJournal::created_id(std::string_view target) const {
  auto it = created_.find(target);
  return it == created_.end() ? std::string() : it->second;
}

void ActionJournal::reset() {
  pending_.clear();
  failing_.clear();
  targets_.clear();
  created_.clear();
  paused_.clear();
  last_sequence_ = 0;
}

std::string ActionJournal::save() const {
  nlohmann::json j;
  j["last_sequence"] = last_sequence_;
  j["paused"] = paused_;
  j["created"] = nlohmann::json::object();
  for (const auto& [target, id] : created_) j["created"][target] = id;
  j["targets"] = nlohmann::json::array();
  for (const auto& [key, r] : targets_) {
    nlohmann::json t = {{"reconciler", r.reconciler},
                        {"target", r.target},
                        {"pending_sequence", r.pending_sequence},
                        {"failures", r.consecutive_failures},
                        {"next_attempt_unix_ms", r.next_attempt_unix_ms},
                        {"last_action", r.last_action},
                        {"last_code", r.last_code},
                        {"last_error", r.last_error},
                        {"last_outcome_sequence", r.last_outcome_sequence},
                        {"last_outcome_unix_ms", r.last_outcome_unix_ms}};
    if (r.pending) t["pending"] = r.pending->SerializeAsString();
    j["targets"].push_back(std::move(t));
  }
  // Binary-safe: the pending intent is a serialized protobuf, so encode as CBOR, not JSON text.
  std::vector<uint8_t> cbor = nlohmann::json::to_cbor(j);
  return std::string(cbor.begin(), cbor.end());
}

Status ActionJournal::restore(std::string_view state) {
  reset();
  try {
    const nlohmann::json j = nlohmann::json::from_cbor(state.begin(), state.end());
    last_sequence_ = j.at("last_sequence").get<uint64_t>();
    paused_ = j.at("paused").get<std::set<std::string>>();
    for (const auto& [target, id] : j.at("created").items()) created_[target] = id;
    for (const auto& t : j.at("targets")) {
      const std::string reconciler = t.at("reconciler").get<std::string>();
      if (!covers(reconciler)) continue;
      TargetRecord& r = record(reconciler, t.at("target").get<std::string>());
      r.pending_sequence = t.at("pending_sequence").get<uint64_t>();
      r.consecutive_failures = t.at("failures").get<uint32_t>();
      r.next_attempt_unix_ms = t.at("next_attempt_unix_ms").get<int64_t>();
      r.last_action = t.at("last_action").get<std::string>();
      r.last_code = t.at("last_code").get<std::string>();
      r.last_error = t.at("last_error").get<std::string>();
      r.last_outcome_sequence = t.at("last_outcome_sequence").get<uint64_t>();
      r.last_outcome_unix_ms = t.at("last_outcome_unix_ms").get<int64_t>();
      if (t.contains("pending")) {
        events::ActionStarted intent;
        if (!intent.ParseFromString(t.at("pending").get<std::string>())) {
          reset();
          return data_loss("action journal snapshot: an intent does not parse");
        }
        r.pending = std::move(intent);
      }
      reindex(r);
    }
  } catch (const nlohmann::json::exception& e) {
    reset();
    return data_loss(std::string("action journal snapshot: ") + e.what());
  }
  return Status();
}

}  // namespace scaleio
