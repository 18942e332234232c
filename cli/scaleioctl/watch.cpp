#include "cli/scaleioctl/watch.h"

#include <cstdio>
#include <ctime>
#include <set>

#include "cli/scaleioctl/app.h"
#include "cli/scaleioctl/table.h"

namespace scaleio::ctl {

namespace {

using nlohmann::json;

const json& field(const json& j, const std::string& key) {
  static const json kNull;
  if (!j.is_object()) return kNull;
  auto it = j.find(key);
  return it == j.end() ? kNull : *it;
}

std::string str(const json& j, const std::string& key) {
  const json& v = field(j, key);
  return v.is_string() ? v.get<std::string>() : "";
}

bool flag(const json& j, const std::string& key) {
  const json& v = field(j, key);
  return v.is_boolean() && v.get<bool>();
}

size_t size_of(const json& j) {
  return j.is_array() ? j.size() : 0;
}

// protobuf's JSON leaves out zero values and may print numbers as strings.
int64_t number(const json& j, const std::string& key) {
  const json& v = field(j, key);
  if (v.is_number()) return v.get<int64_t>();
  if (v.is_string()) {
    try {
      return std::stoll(v.get<std::string>());
    } catch (...) {
    }
  }
  return 0;
}

std::string mdm_summary(const json& state_doc, bool& healthy) {
  const json& s = field(state_doc, "scaleio");
  healthy = flag(s, "mdmHealthy");
  const json& m = field(s, "mdmCluster");
  std::string gateway;
  if (!flag(s, "reachable")) {
    gateway = "; gateway unreachable";
  } else if (flag(s, "stale")) {
    gateway = "; view stale";
  }
  if (!m.is_object()) return "not observed yet" + gateway;
  if (!flag(m, "exists")) return "none yet (the gateway reports no MDM cluster)" + gateway;
  const std::string state = str(m, "state").empty() ? "state unknown" : str(m, "state");
  return state + " (" + (str(m, "mode").empty() ? "mode unknown" : str(m, "mode")) + ", " +
         std::to_string(number(m, "goodNodes")) + "/" +
         std::to_string(size_of(field(m, "members"))) + " good nodes)" + gateway;
}

std::string action_text(const LastAction& a) {
  if (a.action.empty()) return "-";
  return a.action + " " + a.target + ": " + a.outcome;
}

std::string clock_time(const Clock& clock) {
  const std::time_t seconds = clock.now_unix_ms() / 1000;
  std::tm tm{};
  gmtime_r(&seconds, &tm);
  char out[16];
  std::strftime(out, sizeof out, "%H:%M:%S", &tm);
  return out;
}

// Follows the log from where the last poll stopped and keeps each reconciler's latest action.
class ActionTracker {
 public:
  Status poll(Source& source) {
    EventFilter filter;
    if (next_ == 0) {
      // First poll: start a page before the end, not at the log's beginning.
      filter.from = 1;
      filter.limit = 1;
      auto head = source.events(filter);
      if (!head.ok()) return head.status();
      const auto last = static_cast<uint64_t>(number(*head, "lastSequence"));
      next_ = last > kPage ? last - kPage + 1 : 1;
    }
    filter.from = next_;
    filter.limit = kPage;
    auto page = source.events(filter);
    if (!page.ok()) return page.status();
    for (const auto& e : field(*page, "events")) apply(e);
    const auto next = static_cast<uint64_t>(number(*page, "next"));
    if (next > next_) next_ = next;
    return {};
  }
  const std::map<std::string, LastAction>& last() const { return last_; }

 private:
  static constexpr uint64_t kPage = 1000;

  void apply(const json& event) {
    const std::string type = str(event, "type");
    const json& p = field(event, "payload");
    std::string outcome;
    if (type == "ActionStarted") {
      outcome = "started";
    } else if (type == "ActionSucceeded") {
      outcome = "ok";
    } else if (type == "ActionFailed") {
      outcome = "failed" + (str(p, "code").empty() ? "" : " " + str(p, "code"));
    } else {
      return;
    }
    last_[str(p, "reconciler")] = {str(p, "action"), str(p, "target"), outcome};
  }

  uint64_t next_ = 0;
  std::map<std::string, LastAction> last_;
};

struct Documents {
  json plan, state, drift, reconcilers;
};

Result<Documents> fetch(Source& source) {
  Documents d;
  auto reconcilers = source.reconcilers();
  if (!reconcilers.ok()) return reconcilers.status();
  auto drift = source.drift();
  if (!drift.ok()) return drift.status();
  auto state = source.state();
  if (!state.ok()) return state.status();
  auto plan = source.plan();
  if (!plan.ok()) return plan.status();
  d.reconcilers = std::move(*reconcilers);
  d.drift = std::move(*drift);
  d.state = std::move(*state);
  d.plan = std::move(*plan);
  return d;
}

std::string observed_drift_text(const WatchSnapshot& s) {
  return std::to_string(s.observed_drift) + " plan-vs-observed drift item" +
         (s.observed_drift == 1 ? "" : "s");
}

void draw_screen(const WatchSnapshot& s, const std::string& header, std::ostream& out,
                 bool colour) {
  out << "\033[H\033[2J" << header << "\n";
  out << "MDM cluster: " << paint(s.mdm, s.mdm_healthy ? Colour::kGreen : Colour::kYellow, colour)
      << "\n";
  out << "Cluster:     "
      << (s.converged ? paint("converged", Colour::kGreen, colour)
                      : paint("not converged", Colour::kYellow, colour) + " (" +
                            observed_drift_text(s) + ")")
      << "\n\n";
  Table table({"RECONCILER", "PROGRESS", "DONE", "DRIFT", "LAST PASS", "LAST ACTION", "FLAGS"});
  for (const auto& r : s.reconcilers) {
    std::string flags;
    if (r.paused) flags += "paused ";
    if (r.in_backoff) flags += "backoff " + std::to_string(r.in_backoff);
    const bool finished = r.drift_left == 0 && !r.last_result.empty();
    table.add(
        {r.name, Cell(progress_bar(r.done(), r.total()), finished ? Colour::kGreen : Colour::kNone),
         std::to_string(r.done()) + "/" + std::to_string(r.total()), std::to_string(r.drift_left),
         Cell(r.last_result.empty() ? "-" : r.last_result,
              r.last_result == "error" ? Colour::kRed : Colour::kNone),
         action_text(r.last_action),
         Cell(flags.empty() ? "-" : flags, flags.empty() ? Colour::kNone : Colour::kYellow)});
  }
  table.print(out, colour);
  out << std::flush;
}

}  // namespace

size_t planned_objects(const json& plan, const std::string& name) {
  const json& nodes = field(plan, "nodes");
  if (name == "nodes") return size_of(nodes);
  if (name == "mdm_quorum") {
    const json& mdm = field(plan, "mdm_cluster");
    if (!flag(mdm, "valid")) return 0;
    return 1 + static_cast<size_t>(std::max<int64_t>(number(mdm, "size"), 0));
  }
  if (name == "storage_pools") {
    std::set<std::string> domains, fault_sets, pools;
    size_t sds = 0, devices = 0;
    for (const auto& n : nodes.is_array() ? nodes : json::array()) {
      std::set<std::string> node_domains;
      for (const auto& p : field(n, "sds_pools")) {
        node_domains.insert(str(p, "domain"));
        pools.insert(str(p, "domain") + "/" + str(p, "pool"));
        devices += size_of(field(p, "devices"));
      }
      for (const auto& d : node_domains) {
        domains.insert(d);
        if (!str(n, "fault_set").empty()) fault_sets.insert(d + "/" + str(n, "fault_set"));
      }
      sds += node_domains.size();
    }
    return domains.size() + fault_sets.size() + pools.size() + sds + devices;
  }
  if (name == "sdc_mappings") {
    size_t count = 0;
    for (const auto& n : nodes.is_array() ? nodes : json::array()) {
      for (const auto& role : field(n, "roles")) {
        if (role == "sdc") ++count;
      }
    }
    for (const auto& v : field(plan, "volumes")) count += 1 + size_of(field(v, "hosts"));
    return count;
  }
  return 0;
}

WatchSnapshot summarize(const json& plan_doc, const json& state_doc, const json& drift_doc,
                        const json& reconcilers_doc,
                        const std::map<std::string, LastAction>& last_actions) {
  WatchSnapshot s;
  s.converged = flag(drift_doc, "converged");
  s.observed_drift = size_of(field(drift_doc, "observed"));
  s.mdm = mdm_summary(state_doc, s.mdm_healthy);
  const json& plan = field(plan_doc, "plan");
  const json& drift_by_reconciler = field(drift_doc, "reconcilers");
  for (const auto& r : field(reconcilers_doc, "reconcilers")) {
    ReconcilerProgress p;
    p.name = str(r, "name");
    p.planned = planned_objects(plan, p.name);
    const json& items = field(drift_by_reconciler, p.name);
    // /v1/drift as of now; the reconciler's own count (of its last pass) when drift lacks it.
    p.drift_left = items.is_array() ? items.size() : static_cast<size_t>(number(r, "driftItems"));
    p.paused = flag(r, "paused");
    p.in_backoff = size_of(field(r, "backoff"));
    p.last_result = str(r, "lastResult");
    p.last_error = str(r, "lastError");
    if (auto it = last_actions.find(p.name); it != last_actions.end()) p.last_action = it->second;
    s.reconcilers.push_back(std::move(p));
  }
  return s;
}

std::string progress_bar(size_t done, size_t total, size_t width) {
  const size_t filled = total == 0 ? width : std::min(width, done * width / total);
  return "[" + std::string(filled, '#') + std::string(width - filled, '.') + "]";
}

std::vector<std::pair<std::string, std::string>> snapshot_lines(const WatchSnapshot& s) {
  std::vector<std::pair<std::string, std::string>> lines;
  lines.emplace_back("cluster",
                     s.converged ? "converged" : "not converged (" + observed_drift_text(s) + ")");
  lines.emplace_back("mdm", s.mdm);
  for (const auto& r : s.reconcilers) {
    std::string line = progress_bar(r.done(), r.total()) + " " + std::to_string(r.done()) + "/" +
                       std::to_string(r.total()) + " done, " + std::to_string(r.drift_left) +
                       " drift left, last pass " + (r.last_result.empty() ? "-" : r.last_result) +
                       ", last action " + action_text(r.last_action);
    if (r.paused) line += " [paused]";
    if (r.in_backoff) line += " [backoff " + std::to_string(r.in_backoff) + "]";
    lines.emplace_back(r.name, line);
  }
  return lines;
}

int run_watch(Source& source, const WatchOptions& o, std::ostream& out, std::ostream& err,
              const Clock& clock, const std::function<void(std::chrono::milliseconds)>& sleep) {
  const auto start = clock.now();
  const auto expired = [&] { return o.timeout.count() > 0 && clock.now() - start >= o.timeout; };
  ActionTracker actions;
  std::map<std::string, std::string> printed;  // pipe mode: the last line printed per key
  int failed_polls = 0;
  while (true) {
    auto docs = fetch(source);
    Status tracked = docs.ok() ? actions.poll(source) : docs.status();
    if (!tracked.ok()) {
      if (++failed_polls >= o.max_failed_polls) {
        err << "scaleioctl: watch: " << tracked.message() << " (" << failed_polls
            << " polls in a row failed)\n";
        return kExitError;
      }
      err << "scaleioctl: watch: " << tracked.message() << " (retrying)\n";
    } else {
      failed_polls = 0;
      const auto snapshot =
          summarize(docs->plan, docs->state, docs->drift, docs->reconcilers, actions.last());
      if (o.terminal) {
        std::string header = "scaleioctl watch " + source.describe() + "   " + clock_time(clock) +
                             " UTC, every " + std::to_string(o.interval.count()) + " ms";
        if (o.until_converged) header += ", until converged";
        draw_screen(snapshot, header, out, o.colour);
      } else {
        const std::string now = clock_time(clock);
        for (const auto& [key, line] : snapshot_lines(snapshot)) {
          auto& last = printed[key];
          if (last == line) continue;
          last = line;
          out << now << " " << key << ": " << line << "\n";
        }
        out << std::flush;
      }
      if (o.until_converged && snapshot.converged) {
        err << "scaleioctl: converged\n";
        return kExitOk;
      }
    }
    if (expired()) {
      if (!o.until_converged) return kExitOk;
      err << "scaleioctl: watch: not converged after " << o.timeout.count() / 1000.0 << " s\n";
      return kExitDrift;
    }
    auto wait = o.interval;
    if (o.timeout.count() > 0) {
      const auto left =
          std::chrono::duration_cast<std::chrono::milliseconds>(o.timeout - (clock.now() - start));
      wait = std::max(std::chrono::milliseconds(0), std::min(wait, left));
    }
    sleep(wait);
  }
}

}  // namespace scaleio::ctl
