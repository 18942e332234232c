#include "adapters/mesos/json_codec.h"

#include <set>
#include <sstream>

#include "core/base64.h"

namespace scaleio::mesos {

using nlohmann::json;

namespace {

json id(const std::string& value) {
  return {{"value", value}};
}

json scalar_resource(const char* name, double value) {
  return {{"name", name}, {"type", "SCALAR"}, {"scalar", {{"value", value}}}};
}

json base_call(const char* type, const std::string& framework_id) {
  return {{"type", type}, {"framework_id", id(framework_id)}};
}

json filters(double refuse_seconds) {
  return {{"refuse_seconds", refuse_seconds}};
}

json offer_ids_json(const std::vector<std::string>& offer_ids) {
  json out = json::array();
  for (const auto& o : offer_ids) out.push_back(id(o));
  return out;
}

json task_info(const TaskLaunch& task) {
  json resources = json::array();
  if (task.cpus > 0) resources.push_back(scalar_resource("cpus", task.cpus));
  if (task.mem_mb > 0) resources.push_back(scalar_resource("mem", task.mem_mb));
  if (task.disk_mb > 0) resources.push_back(scalar_resource("disk", task.disk_mb));
  json command = {{"shell", false}, {"value", task.command}, {"arguments", task.arguments}};
  if (!task.uris.empty()) {
    json uris = json::array();
    for (const auto& u : task.uris) {
      uris.push_back({{"value", u.value},
                      {"executable", u.executable},
                      {"extract", u.extract},
                      {"cache", u.cache}});
    }
    command["uris"] = uris;
  }
  if (!task.environment.empty()) {
    json variables = json::array();
    for (const auto& [name, value] : task.environment) {
      variables.push_back({{"name", name}, {"type", "VALUE"}, {"value", value}});
    }
    command["environment"] = {{"variables", variables}};
  }
  json info = {{"name", task.name},
               {"task_id", id(task.task_id)},
               {"agent_id", id(task.agent_id)},
               {"resources", resources},
               {"command", command}};
  if (!task.labels.empty()) {
    json labels = json::array();
    for (const auto& [key, value] : task.labels) labels.push_back({{"key", key}, {"value", value}});
    info["labels"] = {{"labels", labels}};
  }
  return info;
}

// Values of a typed field, throwing nlohmann's type_error on a wrong shape (caught by decoders).
std::string id_value(const json& object, const char* key) {
  if (!object.contains(key) || object[key].is_null()) return {};
  return object.at(key).at("value").get<std::string>();
}

// A range bound. nlohmann turns a float into uint64_t with a plain cast, which is undefined
// behaviour outside uint64's range ("begin": 1e300, "end": -2.5); such a bound is a wrong shape
// like any other (found with tests/fuzz/mesos_event_fuzzer).
uint64_t range_bound(const json& range, const char* key) {
  const json& bound = range.at(key);
  if (bound.is_number_float()) {
    const double d = bound.get<double>();
    if (!(d >= 0 && d < 18446744073709551616.0)) {
      throw json::type_error::create(302, std::string("range ") + key + " is out of range", &bound);
    }
  }
  return bound.get<uint64_t>();
}

// `object[key]`, or an empty array when the key is absent, by reference: json::value(key, default)
// returns a copy, and for an OFFERS event that copy was the whole event a second time (half the
// decoding time, measured with bench_offers). Throws type_error on a non-object, as value() does.
const json& array_member(const json& object, const char* key) {
  static const json kEmpty = json::array();
  if (!object.is_object()) return object.at(key);
  auto it = object.find(key);
  return it == object.end() ? kEmpty : *it;
}

std::string format_scalar(double value) {
  std::ostringstream out;
  out << value;
  return out.str();
}

std::string format_ranges(const json& ranges) {
  std::string out = "[";
  bool first = true;
  for (const auto& r : array_member(ranges, "range")) {
    if (!first) out += ",";
    first = false;
    out += std::to_string(range_bound(r, "begin")) + "-" + std::to_string(range_bound(r, "end"));
  }
  return out + "]";
}

template <typename F>
auto guarded(const char* what, F f) -> decltype(f()) {
  try {
    return f();
  } catch (const json::exception& e) {
    return data_loss(std::string("Mesos ") + what + " has an unexpected shape: " + e.what());
  }
}

}  // namespace

// --- calls ------------------------------------------------------------------------------------

json encode_subscribe(const FrameworkSettings& settings,
                      const std::optional<std::string>& framework_id) {
  json info = {
      {"user", settings.user},
      {"name", settings.name},
      {"roles", settings.roles},
      // PARTITION_AWARE: a task on a partitioned agent is UNREACHABLE (it may come back)
      // rather than LOST (terminal), so the operator never starts a second node task
      // beside one that still runs behind a partition.
      {"capabilities", json::array({{{"type", "MULTI_ROLE"}}, {{"type", "PARTITION_AWARE"}}})},
      {"failover_timeout", settings.failover_timeout_seconds},
      {"checkpoint", settings.checkpoint}};
  if (!settings.principal.empty()) info["principal"] = settings.principal;
  if (!settings.webui_url.empty()) info["webui_url"] = settings.webui_url;
  if (!settings.hostname.empty()) info["hostname"] = settings.hostname;
  json call = {{"type", "SUBSCRIBE"}, {"subscribe", {{"framework_info", info}}}};
  if (framework_id && !framework_id->empty()) {
    // Both must be set, to the same value, or the master answers 400.
    call["framework_id"] = id(*framework_id);
    call["subscribe"]["framework_info"]["id"] = id(*framework_id);
  }
  return call;
}

json encode_accept(const std::string& framework_id, const std::vector<std::string>& offer_ids,
                   const std::vector<TaskLaunch>& tasks, double refuse_seconds) {
  json task_infos = json::array();
  for (const auto& t : tasks) task_infos.push_back(task_info(t));
  json call = base_call("ACCEPT", framework_id);
  call["accept"] = {
      {"offer_ids", offer_ids_json(offer_ids)},
      {"operations", json::array({{{"type", "LAUNCH"}, {"launch", {{"task_infos", task_infos}}}}})},
      {"filters", filters(refuse_seconds)}};
  return call;
}

json encode_decline(const std::string& framework_id, const std::vector<std::string>& offer_ids,
                    double refuse_seconds) {
  json call = base_call("DECLINE", framework_id);
  call["decline"] = {{"offer_ids", offer_ids_json(offer_ids)},
                     {"filters", filters(refuse_seconds)}};
  return call;
}

json encode_revive(const std::string& framework_id, const std::vector<std::string>& roles) {
  json call = base_call("REVIVE", framework_id);
  call["revive"] = {{"roles", roles}};
  return call;
}

json encode_suppress(const std::string& framework_id, const std::vector<std::string>& roles) {
  json call = base_call("SUPPRESS", framework_id);
  call["suppress"] = {{"roles", roles}};
  return call;
}

json encode_kill(const std::string& framework_id, const std::string& task_id,
                 const std::string& agent_id) {
  json call = base_call("KILL", framework_id);
  call["kill"] = {{"task_id", id(task_id)}};
  if (!agent_id.empty()) call["kill"]["agent_id"] = id(agent_id);
  return call;
}

json encode_acknowledge(const std::string& framework_id, const TaskStatus& status) {
  json call = base_call("ACKNOWLEDGE", framework_id);
  call["acknowledge"] = {{"agent_id", id(status.agent_id)},
                         {"task_id", id(status.task_id)},
                         {"uuid", base64_encode(status.uuid)}};
  return call;
}

json encode_reconcile(const std::string& framework_id, const std::vector<TaskRef>& tasks) {
  json list = json::array();
  for (const auto& t : tasks) {
    json entry = {{"task_id", id(t.task_id)}};
    if (!t.agent_id.empty()) entry["agent_id"] = id(t.agent_id);
    list.push_back(entry);
  }
  json call = base_call("RECONCILE", framework_id);
  call["reconcile"] = {{"tasks", list}};
  return call;
}

json encode_teardown(const std::string& framework_id) {
  return base_call("TEARDOWN", framework_id);
}

json encode_get_agents() {
  return {{"type", "GET_AGENTS"}};
}

// --- events -----------------------------------------------------------------------------------

Result<std::vector<events::Attribute>> decode_attributes(const json& attributes) {
  return guarded("attributes", [&]() -> Result<std::vector<events::Attribute>> {
    std::vector<events::Attribute> out;
    if (attributes.is_null()) return out;
    for (const auto& a : attributes) {
      events::Attribute attribute;
      attribute.set_name(a.at("name").get<std::string>());
      const std::string type = a.value("type", "TEXT");
      if (type == "SCALAR") {
        attribute.set_type(events::Attribute::SCALAR);
        attribute.set_text(format_scalar(a.at("scalar").at("value").get<double>()));
      } else if (type == "RANGES") {
        attribute.set_type(events::Attribute::RANGES);
        attribute.set_text(format_ranges(a.at("ranges")));
      } else if (type == "SET") {
        attribute.set_type(events::Attribute::SET);
        std::string text = "{";
        bool first = true;
        for (const auto& item : array_member(a.at("set"), "item")) {
          if (!first) text += ",";
          first = false;
          text += item.get<std::string>();
        }
        attribute.set_text(text + "}");
      } else if (type == "TEXT") {
        attribute.set_type(events::Attribute::TEXT);
        attribute.set_text(a.at("text").at("value").get<std::string>());
      } else {
        return data_loss("attribute '" + attribute.name() + "' has unknown type '" + type + "'");
      }
      out.push_back(std::move(attribute));
    }
    return out;
  });
}

Result<Offer> decode_offer(const json& o) {
  return guarded("offer", [&]() -> Result<Offer> {
    Offer offer;
    offer.id = id_value(o, "id");
    offer.agent_id = id_value(o, "agent_id");
    offer.hostname = o.at("hostname").get<std::string>();
    if (offer.id.empty() || offer.agent_id.empty())
      return data_loss("offer without id or agent id");
    auto attributes = decode_attributes(array_member(o, "attributes"));
    if (!attributes.ok()) return attributes.status();
    offer.attributes = std::move(attributes.value());
    for (const auto& r : array_member(o, "resources")) {
      const std::string name = r.at("name").get<std::string>();
      const std::string type = r.value("type", "SCALAR");
      if (type == "SCALAR") {
        const double v = r.at("scalar").at("value").get<double>();
        if (name == "cpus") offer.cpus += v;
        if (name == "mem") offer.mem_mb += v;
        if (name == "disk") offer.disk_mb += v;
      } else if (type == "RANGES" && name == "ports") {
        for (const auto& range : array_member(r.at("ranges"), "range")) {
          offer.ports.push_back({range_bound(range, "begin"), range_bound(range, "end")});
        }
      }
    }
    return offer;
  });
}

Result<TaskStatus> decode_task_status(const json& s) {
  return guarded("task status", [&]() -> Result<TaskStatus> {
    TaskStatus status;
    status.task_id = id_value(s, "task_id");
    status.agent_id = id_value(s, "agent_id");
    const std::string state = s.at("state").get<std::string>();
    auto parsed = parse_task_state(state);
    // An unknown state from a newer master: UNKNOWN is the honest reading (not terminal).
    status.state = parsed ? *parsed : TaskState::kUnknown;
    status.reason = s.value("reason", "");
    status.message = s.value("message", "");
    const std::string source = s.value("source", "SOURCE_MASTER");
    status.source = source == "SOURCE_AGENT"      ? StatusSource::kAgent
                    : source == "SOURCE_EXECUTOR" ? StatusSource::kExecutor
                                                  : StatusSource::kMaster;
    if (s.contains("uuid") && !s["uuid"].is_null()) {
      auto uuid = base64_decode(s["uuid"].get<std::string>());
      if (!uuid) return data_loss("task status uuid is not base64");
      status.uuid = std::move(*uuid);
    }
    if (s.contains("healthy") && s["healthy"].is_boolean())
      status.healthy = s["healthy"].get<bool>();
    status.timestamp = s.value("timestamp", 0.0);
    if (status.task_id.empty()) return data_loss("task status without task_id");
    return status;
  });
}

Result<Event> decode_event(std::string_view record) {
  json j = json::parse(record, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded() || !j.is_object()) return data_loss("Mesos event is not a JSON object");
  return guarded("event", [&]() -> Result<Event> {
    Event event;
    event.type_name = j.value("type", "");
    const std::string& t = event.type_name;
    if (t == "SUBSCRIBED") {
      event.type = Event::Type::kSubscribed;
      const json& s = j.at("subscribed");
      event.framework_id = id_value(s, "framework_id");
      event.heartbeat_interval_seconds = s.value("heartbeat_interval_seconds", 15.0);
      if (s.contains("master_info")) event.master_id = s["master_info"].value("id", "");
      if (event.framework_id.empty()) return data_loss("SUBSCRIBED without framework_id");
    } else if (t == "OFFERS") {
      event.type = Event::Type::kOffers;
      for (const auto& o : array_member(j.at("offers"), "offers")) {
        auto offer = decode_offer(o);
        if (!offer.ok()) return offer.status();
        event.offers.push_back(std::move(offer.value()));
      }
    } else if (t == "RESCIND") {
      event.type = Event::Type::kRescind;
      event.offer_id = id_value(j.at("rescind"), "offer_id");
    } else if (t == "UPDATE") {
      event.type = Event::Type::kUpdate;
      auto status = decode_task_status(j.at("update").at("status"));
      if (!status.ok()) return status.status();
      event.status = std::move(status.value());
    } else if (t == "ERROR") {
      event.type = Event::Type::kError;
      // Real masters nest the message; the docs show it at the top level. Accept both.
      if (j.contains("error")) {
        event.message = j["error"].value("message", "");
      } else {
        event.message = j.value("message", "");
      }
    } else if (t == "HEARTBEAT") {
      event.type = Event::Type::kHeartbeat;
    } else if (t == "FAILURE") {
      event.type = Event::Type::kFailure;
      const json& f = j.at("failure");
      event.agent_id = id_value(f, "agent_id");
      event.executor_id = id_value(f, "executor_id");
    }
    return event;
  });
}

// --- operator API -----------------------------------------------------------------------------

std::string ip_from_pid(std::string_view pid) {
  const size_t at = pid.find('@');
  if (at == std::string_view::npos) return {};
  std::string_view rest = pid.substr(at + 1);
  return std::string(rest.substr(0, rest.rfind(':')));
}

namespace {

// GET_AGENTS lists every agent with its total, allocated, offered and reserved resources,
// capabilities and more: at 5,000 agents its JSON tree took 68 MB at the daemon's peak (heaptrack),
// for the few fields read below. Keys outside this list are dropped with their values while
// parsing, so the tree holds only those. (Mesos Attribute values: scalar / ranges.range[begin,
// end] / set.item / text.value; resources, under keys not listed, never reach the tree.)
bool keep_agents_field(int /*depth*/, json::parse_event_t event, json& parsed) {
  if (event != json::parse_event_t::key || !parsed.is_string()) return true;
  static const std::set<std::string, std::less<>> kKept = {
      "type",       "get_agents", "agents",     "recovered_agents",
      "agent_info", "pid",        "active",     "hostname",
      "id",         "value",      "attributes", "name",
      "scalar",     "ranges",     "range",      "begin",
      "end",        "set",        "item",       "text"};
  return kKept.count(parsed.get_ref<const std::string&>()) > 0;
}

}  // namespace

Result<AgentsView> decode_get_agents(std::string_view body) {
  json j = json::parse(body, keep_agents_field, /*allow_exceptions=*/false);
  if (j.is_discarded() || !j.is_object()) return data_loss("GET_AGENTS answer is not JSON");
  return guarded("GET_AGENTS answer", [&]() -> Result<AgentsView> {
    AgentsView view;
    const json& g = j.at("get_agents");
    for (const auto& a : array_member(g, "agents")) {
      const json& info = a.at("agent_info");
      AgentInfo agent;
      agent.hostname = info.at("hostname").get<std::string>();
      agent.agent_id = id_value(info, "id");
      agent.ip = ip_from_pid(a.value("pid", ""));
      agent.active = a.value("active", true);
      auto attributes = decode_attributes(array_member(info, "attributes"));
      if (!attributes.ok()) return attributes.status();
      agent.attributes = std::move(attributes.value());
      view.agents.push_back(std::move(agent));
    }
    for (const auto& r : array_member(g, "recovered_agents")) {
      view.recovered_hostnames.push_back(r.value("hostname", ""));
    }
    return view;
  });
}

}  // namespace scaleio::mesos
