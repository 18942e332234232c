// `scaleioctl history RESOURCE`: which events are about one resource. Resources are named as
// drift names them ("pool/pd1/sp1", "sds/host-1/pd1", "volume/data1", "node/host-1", ...), or a
// bare hostname for everything about that host. An event is about the resource when
//   1. its stream is the resource or below it ("node/host-1" holds that agent's events);
//   2. it is a reconciler action (ActionStarted/Succeeded/Failed) whose target is the resource
//      or below it ("node/host-1/task"); for a bare host, any target with the host as one of its
//      '/'-separated parts ("sds/host-1/pd1", "mapping/data1/host-1"); for "volume/V", also the
//      mappings "mapping/V/...";
//   3. it is an observation that names the object: the gateway's object of that kind and name
//      (the pool "sp1" in the domain named "pd1", the volume "data1"), an SDS/SDC at one of the
//      host's addresses (its agent IP or scaleio-ip) or named after the host, an MDM cluster
//      with a member there, the host's agent, its tasks and their status updates; and the
//      ScaleioObjectGone of an object that matched before.
// The matcher folds agents and the observed state as it goes, so names resolve as they were at
// each event (an id the gateway reused later does not pull in the older object's events).
#pragma once

#include <map>
#include <set>
#include <string>
#include <vector>

#include "core/events.pb.h"
#include "core/observed/observed_state.h"
#include "core/status.h"

namespace scaleio::ctl {

class HistoryMatcher {
 public:
  // InvalidArgument for an empty resource or one of an unknown kind (the message lists them).
  static Result<HistoryMatcher> create(const std::string& resource);

  // Decides for one event, in sequence order, then folds it.
  bool matches(const events::Envelope& event);

 private:
  explicit HistoryMatcher(std::string resource) : resource_(std::move(resource)) {}

  bool decide(const events::Envelope& event);
  void fold(const events::Envelope& event);
  bool is_host_address(const std::string& ip) const;
  bool names_host(const std::string& name, const std::string& ip) const;
  bool target_matches(const std::string& target) const;

  std::string resource_;
  std::string kind_;                // "pool", "sds", ...; "host" for a bare hostname
  std::vector<std::string> parts_;  // after the kind: {"pd1", "sp1"}
  std::string host_;                // the host the resource is about, when it is about one

  // What the log said so far.
  observed::ObservedState observed_;
  std::set<std::string> host_ips_;
  std::set<std::string> host_agent_ids_;
  std::set<std::string> host_task_ids_;
  std::set<std::pair<std::string, std::string>> matched_objects_;  // (gone kind, id)
};

}  // namespace scaleio::ctl
