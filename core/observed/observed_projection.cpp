#include "core/observed/observed_projection.h"

namespace scaleio::observed {

namespace {

template <typename T, typename Set>
void save_each(const std::map<std::string, Seen<T>>& objects, Set set,
               events::ScaleioObservedSnapshot& out) {
  for (const auto& [_, seen] : objects) {
    events::Envelope* e = out.add_events();
    e->set_sequence(seen.since);
    set(*e) = seen.value;
  }
}

}  // namespace

std::string ObservedProjection::save() const {
  events::ScaleioObservedSnapshot out;
  // Reachability first, so objects restored after it keep their own sequences.
  if (state_.ever_reached) {
    events::Envelope* e = out.add_events();
    e->set_sequence(0);
    e->mutable_gateway_reachable()->set_version(state_.gateway_version);
  }
  if (state_.stale && state_.stale_since != 0) {
    events::Envelope* e = out.add_events();
    e->set_sequence(state_.stale_since);
    e->mutable_gateway_unreachable()->set_error(state_.last_error);
  }
  if (state_.mdm) {
    events::Envelope* e = out.add_events();
    e->set_sequence(state_.mdm->since);
    *e->mutable_mdm_cluster_observed() = state_.mdm->value;
  }
  save_each(
      state_.protection_domains,
      [](events::Envelope & e) -> auto& { return *e.mutable_protection_domain_observed(); }, out);
  save_each(
      state_.fault_sets,
      [](events::Envelope & e) -> auto& { return *e.mutable_fault_set_observed(); }, out);
  save_each(
      state_.storage_pools,
      [](events::Envelope & e) -> auto& { return *e.mutable_storage_pool_observed(); }, out);
  save_each(
      state_.sdss, [](events::Envelope & e) -> auto& { return *e.mutable_sds_observed(); }, out);
  save_each(
      state_.sdcs, [](events::Envelope & e) -> auto& { return *e.mutable_sdc_observed(); }, out);
  save_each(
      state_.volumes, [](events::Envelope & e) -> auto& { return *e.mutable_volume_observed(); },
      out);
  events::Envelope* last = out.add_events();  // carries last_sequence only
  last->set_sequence(state_.last_sequence);
  return out.SerializeAsString();
}

Status ObservedProjection::restore(std::string_view data) {
  events::ScaleioObservedSnapshot in;
  if (!in.ParseFromArray(data.data(), static_cast<int>(data.size()))) {
    return data_loss("the scaleio-observed snapshot cannot be parsed");
  }
  reset();
  for (const auto& e : in.events()) state_.apply(e);
  if (!in.events().empty()) state_.last_sequence = in.events().rbegin()->sequence();
  return Status();
}

}  // namespace scaleio::observed
