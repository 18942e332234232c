#include "cli/scaleioctl/data_dir_source.h"

#include <filesystem>
#include <thread>

#include "cli/scaleioctl/history.h"
#include "cli/scaleioctl/time_spec.h"
#include "core/views/json_views.h"

namespace scaleio::ctl {

namespace {

bool matches(const EventFilter& filter, const Envelope& e) {
  return (filter.stream.empty() || e.stream_id() == filter.stream) &&
         (filter.type.empty() || e.event_type() == filter.type) &&
         (!filter.since_unix_ms || e.timestamp_unix_ms() >= *filter.since_unix_ms);
}

// How often --follow looks for what the daemon appended (a secondary instance is not told).
constexpr auto kFollowPoll = std::chrono::milliseconds(250);

}  // namespace

Result<std::unique_ptr<DataDirSource>> DataDirSource::open(const std::string& path,
                                                           plan::ClusterSettings settings,
                                                           const Clock& clock) {
  std::error_code ec;
  if (!std::filesystem::is_directory(path, ec)) {
    return not_found("data dir '" + path +
                     "' does not exist or is not a directory: give the daemon's --data-dir");
  }
  auto log = eventlog::RocksEventLog::open_read_only(path);
  if (!log.ok()) {
    return Status(log.status().code(),
                  "cannot read the log in '" + path + "': " + log.status().message());
  }
  return std::unique_ptr<DataDirSource>(
      new DataDirSource(path, std::move(*log), std::move(settings), clock));
}

Result<const LogViews*> DataDirSource::views() {
  if (!views_) {
    auto loaded = LogViews::load(*log_, up_to_, settings_);
    if (!loaded.ok()) return loaded.status();
    views_ = std::move(*loaded);
  }
  return &*views_;
}

int64_t DataDirSource::now_unix_ms() const {
  return as_of_unix_ms_ ? *as_of_unix_ms_ : clock_.now_unix_ms();
}

Result<int64_t> DataDirSource::timestamp_at(uint64_t sequence) const {
  auto batch = log_->read(sequence, 1);
  if (!batch.ok()) return batch.status();
  if (batch->empty() || batch->front().sequence() != sequence) {
    return data_loss("event " + std::to_string(sequence) + " is missing from the log");
  }
  return batch->front().timestamp_unix_ms();
}

Result<nlohmann::json> DataDirSource::plan() {
  auto v = views();
  if (!v.ok()) return v.status();
  return (*v)->plan_json();
}

Result<nlohmann::json> DataDirSource::state() {
  auto v = views();
  if (!v.ok()) return v.status();
  return (*v)->state_json();
}

Result<nlohmann::json> DataDirSource::drift() {
  auto v = views();
  if (!v.ok()) return v.status();
  return (*v)->drift_json(now_unix_ms());
}

Result<nlohmann::json> DataDirSource::reconcilers() {
  auto v = views();
  if (!v.ok()) return v.status();
  return (*v)->reconcilers_json(now_unix_ms());
}

Result<uint64_t> DataDirSource::resolve_since(const EventFilter& filter) const {
  uint64_t from = std::max<uint64_t>(filter.from, 1);
  if (filter.since_unix_ms) {
    auto first = first_sequence_at_or_after(*filter.since_unix_ms, log_->last_sequence(),
                                            [this](uint64_t s) { return timestamp_at(s); });
    if (!first.ok()) return first.status();
    from = std::max(from, *first);
  }
  return from;
}

Result<nlohmann::json> DataDirSource::events(const EventFilter& filter) {
  auto from = resolve_since(filter);
  if (!from.ok()) return from.status();
  nlohmann::json list = nlohmann::json::array();
  uint64_t next = *from;
  // The type index is the narrowest read when a type is given; other filters apply on top.
  while (list.size() < filter.limit) {
    const size_t want = std::max<size_t>(filter.limit, 256);
    auto batch =
        filter.type.empty() ? log_->read(next, want) : log_->read_type(filter.type, next, want);
    if (!batch.ok()) return batch.status();
    if (batch->empty()) break;
    for (const auto& e : *batch) {
      next = e.sequence() + 1;
      if (matches(filter, e)) list.push_back(views::event_json(e));
      if (list.size() == filter.limit) break;
    }
    if (batch->size() < want) break;
  }
  return nlohmann::json{{"events", list}, {"next", next}, {"lastSequence", log_->last_sequence()}};
}

Status DataDirSource::follow(const EventFilter& filter, const EventCallback& on_event) {
  auto from = resolve_since(filter);
  if (!from.ok()) return from.status();
  uint64_t next = *from;
  while (true) {
    auto batch = log_->read(next, 256);
    if (!batch.ok()) return batch.status();
    for (const auto& e : *batch) {
      next = e.sequence() + 1;
      if (matches(filter, e) && !on_event(views::event_json(e))) return {};
    }
    if (batch->empty()) {
      if (Status s = log_->catch_up(); !s.ok()) return s;
      if (log_->last_sequence() < next) std::this_thread::sleep_for(kFollowPoll);
    }
  }
}

Result<nlohmann::json> DataDirSource::command(std::string_view command, const std::string&,
                                              const std::string&) {
  return failed_precondition(std::string(command) +
                             " changes state and the log has a single writer, the daemon: run "
                             "it against the daemon with --server URL (and --token-file)");
}

Result<nlohmann::json> DataDirSource::history(const std::string& resource) {
  auto matcher = HistoryMatcher::create(resource);
  if (!matcher.ok()) return matcher.status();
  nlohmann::json list = nlohmann::json::array();
  const uint64_t to = std::min(up_to_, log_->last_sequence());
  Status s = log_->scan(1, to, [&](const Envelope& e) {
    if (matcher->matches(e)) list.push_back(views::event_json(e));
    return true;
  });
  if (!s.ok()) return s;
  return nlohmann::json{{"resource", resource}, {"asOfSequence", to}, {"events", list}};
}

Result<uint64_t> DataDirSource::travel_to(const std::string& when) {
  auto moment = parse_moment(when, clock_.now_unix_ms());
  if (!moment.ok()) return moment.status();
  const uint64_t last = log_->last_sequence();
  uint64_t sequence = 0;
  if (const auto* s = std::get_if<SequencePoint>(&*moment)) {
    if (s->sequence == 0 || s->sequence > last) {
      return not_found("no event " + std::to_string(s->sequence) + ": the log holds events 1 to " +
                       std::to_string(last));
    }
    sequence = s->sequence;
  } else {
    auto found = last_sequence_at_or_before(std::get<TimePoint>(*moment).unix_ms, last,
                                            [this](uint64_t q) { return timestamp_at(q); });
    if (!found.ok()) return found.status();
    sequence = *found;
  }
  auto t = timestamp_at(sequence);
  if (!t.ok()) return t.status();
  up_to_ = sequence;
  as_of_unix_ms_ = *t;
  views_.reset();
  return sequence;
}

}  // namespace scaleio::ctl
