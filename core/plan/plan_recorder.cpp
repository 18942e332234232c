#include "core/plan/plan_recorder.h"

namespace scaleio::plan {

namespace {

// Attribute text is whatever agents report; the log only takes valid UTF-8.
std::string valid_utf8(const std::string& text) {
  return nlohmann::json::parse(
             nlohmann::json(text).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace))
      .get<std::string>();
}

}  // namespace

Result<bool> record_plan_if_changed(EventStore& store, const Plan& plan) {
  Result<uint64_t> version = store.stream_version(kPlanStream);
  if (!version.ok()) return version.status();
  const std::string hash = plan.content_hash();
  if (*version > 0) {
    Result<std::vector<Envelope>> last = store.read_stream(kPlanStream, *version, 1);
    if (!last.ok()) return last.status();
    if (!last->empty() && last->front().plan_computed().content_hash() == hash) return false;
  }
  Envelope e;
  e.set_source(events::SOURCE_SYSTEM);
  auto* computed = e.mutable_plan_computed();
  computed->set_content_hash(hash);
  computed->set_plan_json(
      plan.to_json().dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
  computed->set_nodes(static_cast<uint32_t>(plan.nodes.size()));
  for (const auto& p : plan.problems) {
    auto* problem = computed->add_problems();
    problem->set_severity(std::string(severity_name(p.severity)));
    problem->set_host(valid_utf8(p.host));
    problem->set_attribute(valid_utf8(p.attribute));
    problem->set_message(valid_utf8(p.message));
  }
  std::vector<Envelope> events;
  events.push_back(std::move(e));
  Result<AppendResult> appended =
      store.append(kPlanStream, ExpectedVersion::exactly(*version), std::move(events));
  if (!appended.ok()) return appended.status();
  return true;
}

}  // namespace scaleio::plan
