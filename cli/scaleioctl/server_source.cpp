#include "cli/scaleioctl/server_source.h"

#include <boost/beast/http/status.hpp>

#include "cli/scaleioctl/time_spec.h"

namespace scaleio::ctl {

namespace {

// Query values here are stream names, event types and reconciler names: escape all but the
// unreserved characters.
std::string escape(const std::string& text) {
  static const char* kHex = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : text) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 0xf];
    }
  }
  return out;
}

std::string events_target(const EventFilter& filter, uint64_t from, size_t limit, bool follow) {
  std::string target = "/v1/events?from=" + std::to_string(from);
  if (!follow) target += "&limit=" + std::to_string(limit);
  if (!filter.stream.empty()) target += "&stream=" + escape(filter.stream);
  if (!filter.type.empty()) target += "&type=" + escape(filter.type);
  if (follow) target += "&follow=true";
  return target;
}

bool after_since(const EventFilter& filter, const nlohmann::json& event) {
  return !filter.since_unix_ms ||
         event.value("timestampUnixMs", int64_t{0}) >= *filter.since_unix_ms;
}

constexpr char kOfflineOnly[] =
    " reads the log itself, which the daemon's API does not serve: run it with --data-dir DIR "
    "(the daemon's data directory; read-only, safe while the daemon runs)";

}  // namespace

Status ServerSource::answer_error(const HttpAnswer& answer, const std::string& what) const {
  std::string code, message;
  const auto body = nlohmann::json::parse(answer.body, nullptr, false);
  if (!body.is_discarded() && body.is_object() && body.contains("error") &&
      body["error"].is_object()) {
    code = body["error"].value("code", "");
    message = body["error"].value("message", "");
  }
  if (message.empty()) message = answer.body.substr(0, 200);
  const std::string said = "the daemon at " + client_.url() + " answered " + what + " with " +
                           std::to_string(answer.status) + (code.empty() ? "" : " " + code) + ": " +
                           message;
  switch (answer.status) {
    case 400:
      return invalid_argument(said);
    case 401:
      return unauthenticated(said);
    case 403:
      return permission_denied(said);
    case 404:
      return not_found(said);
    case 503:
      return unavailable(said);
    default:
      return internal_error(said);
  }
}

Result<nlohmann::json> ServerSource::get_json(const std::string& target) const {
  auto answer = client_.request("GET", target);
  if (!answer.ok()) return answer.status();
  if (answer->status != 200) return answer_error(*answer, "GET " + target);
  auto body = nlohmann::json::parse(answer->body, nullptr, false);
  if (body.is_discarded()) {
    return internal_error("the daemon at " + client_.url() + " answered GET " + target +
                          " with something that is not JSON; is --server a scaleio-operator?");
  }
  return body;
}

Result<uint64_t> ServerSource::resolve_since(const EventFilter& filter) const {
  uint64_t from = std::max<uint64_t>(filter.from, 1);
  if (!filter.since_unix_ms) return from;
  // Binary search over single-event pages: a few requests, whatever the log's length.
  auto first_page = get_json("/v1/events?from=1&limit=1");
  if (!first_page.ok()) return first_page.status();
  const uint64_t last = first_page->value("lastSequence", uint64_t{0});
  auto first = first_sequence_at_or_after(
      *filter.since_unix_ms, last, [this](uint64_t sequence) -> Result<int64_t> {
        auto page = get_json("/v1/events?from=" + std::to_string(sequence) + "&limit=1");
        if (!page.ok()) return page.status();
        const auto& events = (*page)["events"];
        if (!events.is_array() || events.empty()) {
          return internal_error("the daemon has no event " + std::to_string(sequence));
        }
        return events[0].value("timestampUnixMs", int64_t{0});
      });
  if (!first.ok()) return first.status();
  return std::max(from, *first);
}

Result<nlohmann::json> ServerSource::events(const EventFilter& filter) {
  auto from = resolve_since(filter);
  if (!from.ok()) return from.status();
  auto page = get_json(events_target(filter, *from, filter.limit, false));
  if (!page.ok()) return page.status();
  if (filter.since_unix_ms && page->contains("events")) {
    nlohmann::json kept = nlohmann::json::array();
    for (const auto& e : (*page)["events"]) {
      if (after_since(filter, e)) kept.push_back(e);
    }
    (*page)["events"] = kept;
  }
  return page;
}

Status ServerSource::follow(const EventFilter& filter, const EventCallback& on_event) {
  auto from = resolve_since(filter);
  if (!from.ok()) return from.status();
  const std::string target = events_target(filter, *from, 0, true);
  Status bad_line;
  auto answer = client_.stream_lines(target, [&](const std::string& line) {
    auto event = nlohmann::json::parse(line, nullptr, false);
    if (event.is_discarded()) {
      bad_line =
          internal_error("the daemon at " + client_.url() + " streamed a line that is not JSON");
      return false;
    }
    return !after_since(filter, event) || on_event(event);
  });
  if (!answer.ok()) return answer.status();
  if (answer->status != 200) return answer_error(*answer, "GET " + target);
  return bad_line;
}

Result<nlohmann::json> ServerSource::command(std::string_view command,
                                             const std::string& reconciler,
                                             const std::string& reason) {
  auto token = token_();
  if (!token.ok()) return token.status();
  const std::string target = "/v1/reconcilers/" + escape(reconciler) + "/" + std::string(command);
  const std::string body = reason.empty() ? "" : nlohmann::json{{"reason", reason}}.dump();
  auto answer = client_.request("POST", target, body, *token);
  if (!answer.ok()) return answer.status();
  if (answer->status == 401) {
    return unauthenticated(
        *token ? "the daemon at " + client_.url() +
                     " refused the admin token (401): check that --token-file or "
                     "SCALEIO_ADMIN_TOKEN holds the token of the daemon's --admin-token-file"
               : "the daemon at " + client_.url() + " wants the admin token for " +
                     std::string(command) +
                     " (401): give it with --token-file FILE or SCALEIO_ADMIN_TOKEN");
  }
  if (answer->status == 403) {
    Status s = answer_error(*answer, "POST " + target);
    return permission_denied(s.message() + " (admin commands are disabled on that daemon)");
  }
  if (answer->status / 100 != 2) return answer_error(*answer, "POST " + target);
  auto parsed = nlohmann::json::parse(answer->body, nullptr, false);
  if (parsed.is_discarded()) parsed = nlohmann::json::object();
  return parsed;
}

Result<nlohmann::json> ServerSource::history(const std::string&) {
  return failed_precondition(std::string("history") + kOfflineOnly);
}

Result<uint64_t> ServerSource::travel_to(const std::string&) {
  return failed_precondition(std::string("at") + kOfflineOnly);
}

}  // namespace scaleio::ctl
