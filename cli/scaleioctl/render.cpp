#include "cli/scaleioctl/render.h"

#include <cstdio>

#include "cli/scaleioctl/table.h"

namespace scaleio::ctl {

namespace {

using nlohmann::json;

// The field as text: strings as they are, numbers and booleans printed, missing/null as "-".
std::string text(const json& j, const std::string& key) {
  if (!j.is_object()) return "-";
  auto it = j.find(key);
  if (it == j.end() || it->is_null()) return "-";
  if (it->is_string()) return it->get<std::string>().empty() ? "-" : it->get<std::string>();
  if (it->is_boolean()) return it->get<bool>() ? "yes" : "no";
  return it->dump();
}

const json& field(const json& j, const std::string& key) {
  static const json kNull;
  if (!j.is_object()) return kNull;
  auto it = j.find(key);
  return it == j.end() ? kNull : *it;
}

int64_t number(const json& j, const std::string& key) {
  const json& v = field(j, key);
  if (v.is_number()) return v.get<int64_t>();
  // protobuf's JSON prints 64-bit integers as strings.
  if (v.is_string()) {
    try {
      return std::stoll(v.get<std::string>());
    } catch (...) {
      return 0;
    }
  }
  return 0;
}

std::string join(const json& list, const std::string& sep = ",") {
  if (!list.is_array() || list.empty()) return "-";
  std::string out;
  for (const auto& item : list) {
    if (!out.empty()) out += sep;
    out += item.is_string() ? item.get<std::string>() : item.dump();
  }
  return out;
}

std::string gib(int64_t kb) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f GiB", static_cast<double>(kb) / (1024.0 * 1024.0));
  return buf;
}

// "2026-11-25T03:12:00.123Z" -> "2026-11-25 03:12:00"
std::string short_time(const std::string& iso) {
  if (iso.size() < 19) return iso;
  std::string out = iso.substr(0, 19);
  out[10] = ' ';
  return out;
}

void heading(std::ostream& out, const std::string& title) {
  out << "\n" << title << "\n";
}

void event_rows(const json& events, Table& table) {
  if (!events.is_array()) return;
  for (const auto& e : events) {
    table.add({text(e, "sequence"), short_time(text(e, "time")), text(e, "stream"), text(e, "type"),
               summarize_payload(field(e, "payload"))});
  }
}

Colour state_colour(const std::string& value, const std::string& good) {
  if (value == "-" || value.empty()) return Colour::kNone;
  return value == good ? Colour::kGreen : Colour::kRed;
}

}  // namespace

std::string summarize_payload(const json& payload, size_t max_width) {
  if (!payload.is_object()) return payload.is_null() ? "-" : payload.dump();
  std::string out;
  for (const auto& [key, value] : payload.items()) {
    if (value.is_object() || value.is_array()) continue;
    if (!out.empty()) out += " ";
    out += key + "=" + (value.is_string() ? value.get<std::string>() : value.dump());
  }
  if (out.empty()) out = payload.dump();
  if (display_width(out) > max_width) out = out.substr(0, max_width - 3) + "...";
  return out;
}

void render_events(const json& page, std::ostream& out, const RenderOptions& o) {
  Table table({"SEQ", "TIME (UTC)", "STREAM", "TYPE", "PAYLOAD"});
  event_rows(field(page, "events"), table);
  if (table.empty()) {
    out << "no events match (the log ends at event " << text(page, "lastSequence") << ")\n";
    return;
  }
  table.print(out, o.colour);
}

void render_event_line(const json& e, std::ostream& out, const RenderOptions&) {
  char line[128];
  std::snprintf(line, sizeof line, "%-8s %-19s  %-24s %-24s ", text(e, "sequence").c_str(),
                short_time(text(e, "time")).c_str(), text(e, "stream").c_str(),
                text(e, "type").c_str());
  out << line << summarize_payload(field(e, "payload")) << "\n" << std::flush;
}

void render_plan(const json& doc, std::ostream& out, const RenderOptions& o) {
  const json& plan = field(doc, "plan");
  out << "Plan " << text(doc, "contentHash") << " as of event " << text(doc, "asOfSequence")
      << "\n";
  const json& mdm = field(plan, "mdm_cluster");
  if (field(mdm, "valid").is_boolean() && field(mdm, "valid").get<bool>()) {
    out << "MDM cluster: " << text(mdm, "size") << " nodes, primary " << text(mdm, "primary")
        << ", secondaries " << join(field(mdm, "secondaries")) << ", tie-breakers "
        << join(field(mdm, "tiebreakers"))
        << (field(mdm, "adopt").is_boolean() && field(mdm, "adopt").get<bool>()
                ? " (adopted: " + join(field(mdm, "adopt_mdm_ips")) + ")"
                : "")
        << "\n";
  } else {
    out << "MDM cluster: " << paint("no valid plan (see the problems)", Colour::kRed, o.colour)
        << "\n";
  }

  heading(out, "NODES");
  Table nodes(
      {"HOST", "IP", "PERSONA", "ROLES", "FAULT-SET", "SDS POOLS (devices)", "SDC", "VOLUMES"});
  for (const auto& n : field(plan, "nodes")) {
    std::string pools;
    for (const auto& p : field(n, "sds_pools")) {
      if (!pools.empty()) pools += " ";
      pools += text(p, "domain") + "/" + text(p, "pool") + "(" + join(field(p, "devices")) + ")";
    }
    nodes.add({text(n, "hostname"), text(n, "ip"), text(n, "persona"), join(field(n, "roles")),
               text(n, "fault_set"), pools.empty() ? "-" : pools, join(field(n, "sdc_pools")),
               join(field(n, "volumes"))});
  }
  if (nodes.empty()) {
    out << "no agent declares scaleio-* attributes\n";
  } else {
    nodes.print(out, o.colour);
  }

  if (!field(plan, "volumes").empty()) {
    heading(out, "VOLUMES");
    Table volumes({"NAME", "SIZE", "POOL", "TYPE", "HOSTS"});
    for (const auto& v : field(plan, "volumes")) {
      volumes.add({text(v, "name"), text(v, "size_gb") + " GB",
                   text(v, "domain") + "/" + text(v, "pool"), text(v, "type"),
                   join(field(v, "hosts"))});
    }
    volumes.print(out, o.colour);
  }

  heading(out, "PLAN ERRORS");
  Table problems({"SEVERITY", "HOST", "ATTRIBUTE", "MESSAGE"});
  for (const auto& p : field(plan, "problems")) {
    const std::string severity = text(p, "severity");
    problems.add({Cell(severity, severity == "warning" ? Colour::kYellow : Colour::kRed),
                  text(p, "host"), text(p, "attribute"), text(p, "message")});
  }
  if (problems.empty()) {
    out << paint("none", Colour::kGreen, o.colour) << "\n";
  } else {
    problems.print(out, o.colour);
  }
}

void render_status(const json& doc, std::ostream& out, const RenderOptions& o) {
  const json& s = field(doc, "scaleio");
  out << "Observed as of event " << text(doc, "asOfSequence");
  if (text(doc, "frameworkId") != "-") out << "; Mesos framework " << text(doc, "frameworkId");
  out << "\n";
  const bool reachable = field(s, "reachable").is_boolean() && field(s, "reachable").get<bool>();
  const bool stale = !field(s, "stale").is_boolean() || field(s, "stale").get<bool>();
  out << "Gateway: "
      << (reachable ? paint("reachable", Colour::kGreen, o.colour)
                    : paint("unreachable", Colour::kRed, o.colour))
      << (stale ? paint(" (observed state is stale)", Colour::kYellow, o.colour) : "")
      << (text(s, "gatewayVersion") != "-" ? ", version " + text(s, "gatewayVersion") : "")
      << (text(s, "lastError") != "-" ? ", last error: " + text(s, "lastError") : "") << "\n";

  heading(out, "MDM CLUSTER");
  const json& mdm = field(s, "mdmCluster");
  if (!mdm.is_object() ||
      !(field(mdm, "exists").is_boolean() && field(mdm, "exists").get<bool>())) {
    out << (mdm.is_object() ? "none: the gateway reports no MDM cluster" : "not observed yet")
        << "\n";
  } else {
    const bool healthy = field(s, "mdmHealthy").is_boolean() && field(s, "mdmHealthy").get<bool>();
    out << text(mdm, "name") << " " << text(mdm, "mode") << " "
        << paint(text(mdm, "state"), healthy ? Colour::kGreen : Colour::kRed, o.colour) << "\n";
    Table members({"MEMBER", "IPS", "ROLE", "MANAGER", "STATUS"});
    for (const auto& m : field(mdm, "members")) {
      members.add({text(m, "name") != "-" ? text(m, "name") : text(m, "id"), join(field(m, "ips")),
                   text(m, "role"), field(m, "manager") == true ? "yes" : "no",
                   Cell(text(m, "status"), state_colour(text(m, "status"), "Normal"))});
    }
    if (!members.empty()) members.print(out, o.colour);
  }

  heading(out, "PROTECTION DOMAINS");
  Table domains({"NAME", "ID", "STATE"});
  for (const auto& d : field(s, "protectionDomains")) {
    domains.add({text(d, "name"), text(d, "id"),
                 Cell(text(d, "state"), state_colour(text(d, "state"), "Active"))});
  }
  domains.empty() ? void(out << "none\n") : domains.print(out, o.colour);

  heading(out, "STORAGE POOLS");
  Table pools({"DOMAIN", "POOL", "ID", "MEDIA", "CAPACITY", "IN USE", "FREE", "SPARE", "FAILED"});
  for (const auto& p : field(s, "storagePools")) {
    const json& c = field(p, "capacity");
    const int64_t max = number(c, "maxKb"), used = number(c, "inUseKb");
    const int64_t failed = number(c, "failedKb");
    char used_pct[16] = "-";
    if (max > 0) std::snprintf(used_pct, sizeof used_pct, " (%.0f%%)", 100.0 * used / max);
    pools.add({text(p, "protectionDomainName"), text(p, "name"), text(p, "id"),
               text(p, "mediaType"), gib(max), gib(used) + (max > 0 ? used_pct : ""),
               gib(number(c, "unusedKb")), gib(number(c, "spareKb")),
               Cell(gib(failed), failed > 0 ? Colour::kRed : Colour::kNone)});
  }
  pools.empty() ? void(out << "none\n") : pools.print(out, o.colour);

  heading(out, "SDS");
  Table sdss({"NAME", "DOMAIN", "IPS", "STATE", "MEMBERSHIP", "CONNECTION", "DEVICES"});
  for (const auto& d : field(s, "sdss")) {
    std::string ips;
    for (const auto& ip : field(d, "ips")) ips += (ips.empty() ? "" : ",") + text(ip, "ip");
    std::string devices;
    for (const auto& dev : field(d, "devices")) {
      devices += (devices.empty() ? "" : ",") + text(dev, "path");
    }
    sdss.add(
        {text(d, "name"), text(d, "protectionDomainName"), ips.empty() ? "-" : ips,
         Cell(text(d, "state"), state_colour(text(d, "state"), "Normal")),
         text(d, "membershipState"),
         Cell(text(d, "connectionState"), state_colour(text(d, "connectionState"), "Connected")),
         devices.empty() ? "-" : devices});
  }
  sdss.empty() ? void(out << "none\n") : sdss.print(out, o.colour);

  heading(out, "SDC");
  Table sdcs({"NAME", "IP", "GUID", "APPROVED", "CONNECTION"});
  for (const auto& d : field(s, "sdcs")) {
    sdcs.add(
        {text(d, "name"), text(d, "ip"), text(d, "guid"), text(d, "approved"),
         Cell(text(d, "connectionState"), state_colour(text(d, "connectionState"), "Connected"))});
  }
  sdcs.empty() ? void(out << "none\n") : sdcs.print(out, o.colour);

  heading(out, "VOLUMES");
  Table volumes({"NAME", "ID", "SIZE", "POOL ID", "TYPE", "MAPPED SDCS"});
  for (const auto& v : field(s, "volumes")) {
    volumes.add({text(v, "name"), text(v, "id"), gib(number(v, "sizeKb")), text(v, "storagePoolId"),
                 text(v, "type"), join(field(v, "mappedSdcIds"))});
  }
  volumes.empty() ? void(out << "none\n") : volumes.print(out, o.colour);

  heading(out, "MESOS TASKS");
  Table tasks({"TASK", "AGENT", "STATE"});
  for (const auto& t : field(doc, "tasks")) {
    const std::string state = text(t, "state");
    tasks.add({text(t, "taskId"), text(t, "agentId"),
               Cell(state, state == "TASK_RUNNING" ? Colour::kGreen
                           : (field(t, "terminal").is_boolean() && field(t, "terminal").get<bool>())
                               ? Colour::kRed
                               : Colour::kYellow)});
  }
  tasks.empty() ? void(out << "none\n") : tasks.print(out, o.colour);
}

void render_drift(const json& doc, std::ostream& out, const RenderOptions& o) {
  Table table({"FROM", "RESOURCE", "KIND", "DETAIL", "SINCE"});
  const auto add = [&](const std::string& from, const json& items) {
    if (!items.is_array()) return;
    for (const auto& item : items) {
      table.add({from, text(item, "resource"), Cell(text(item, "kind"), Colour::kRed),
                 text(item, "detail"),
                 number(item, "sinceSequence") > 0 ? text(item, "sinceSequence") : "-"});
    }
  };
  add("observed", field(doc, "observed"));
  if (field(doc, "reconcilers").is_object()) {
    for (const auto& [name, items] : field(doc, "reconcilers").items()) add(name, items);
  }
  const bool converged =
      field(doc, "converged").is_boolean() && field(doc, "converged").get<bool>();
  if (converged) {
    out << paint("converged", Colour::kGreen, o.colour) << " as of event "
        << text(doc, "asOfSequence") << "\n";
  } else {
    out << paint("drift", Colour::kRed, o.colour) << " as of event " << text(doc, "asOfSequence")
        << (table.empty() ? ": the reconcilers have not finished a pass yet" : "") << "\n";
  }
  if (!table.empty()) table.print(out, o.colour);
}

void render_reconcilers(const json& doc, std::ostream& out, const RenderOptions& o) {
  Table table({"NAME", "STATE", "PASSES", "LAST RESULT", "LAST ERROR", "BACKOFF", "NEXT DUE"});
  Table backoff({"RECONCILER", "TARGET", "ACTION", "FAILURES", "CODE", "ERROR", "NEXT ATTEMPT"});
  for (const auto& r : field(doc, "reconcilers")) {
    const bool paused = field(r, "paused").is_boolean() && field(r, "paused").get<bool>();
    const json& b = field(r, "backoff");
    table.add(
        {text(r, "name"),
         Cell(paused ? "paused" : "running", paused ? Colour::kYellow : Colour::kGreen),
         text(r, "passes"), text(r, "lastResult"),
         Cell(text(r, "lastError"), text(r, "lastError") == "-" ? Colour::kNone : Colour::kRed),
         std::to_string(b.is_array() ? b.size() : 0), short_time(text(r, "nextDue"))});
    if (!b.is_array()) continue;
    for (const auto& t : b) {
      backoff.add({text(r, "name"), text(t, "target"), text(t, "action"), text(t, "failures"),
                   Cell(text(t, "code"), Colour::kRed), text(t, "error"),
                   short_time(text(t, "nextAttempt"))});
    }
  }
  table.print(out, o.colour);
  if (!backoff.empty()) {
    heading(out, "TARGETS IN BACKOFF");
    backoff.print(out, o.colour);
  }
}

void render_history(const json& doc, std::ostream& out, const RenderOptions& o) {
  Table table({"SEQ", "TIME (UTC)", "STREAM", "TYPE", "PAYLOAD"});
  event_rows(field(doc, "events"), table);
  if (table.empty()) {
    out << "no event is about " << text(doc, "resource") << " (up to event "
        << text(doc, "asOfSequence") << ")\n";
    return;
  }
  table.print(out, o.colour);
}

void render_command(const json& answer, std::ostream& out, const RenderOptions&) {
  out << text(answer, "command") << " of reconciler " << text(answer, "reconciler")
      << " requested (event " << text(answer, "sequence")
      << "); it takes effect at the reconciler's next pass\n";
}

}  // namespace scaleio::ctl
