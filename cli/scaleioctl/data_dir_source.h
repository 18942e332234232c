// Source over the log itself (scaleioctl --data-dir): opens it read-only (a RocksDB secondary,
// safe while the daemon writes) and computes every view from the events, as of the log's end or
// of any earlier event (time travel). Commands that change state are refused: the log has one
// writer, the daemon.
#pragma once

#include <memory>
#include <optional>

#include "cli/scaleioctl/log_views.h"
#include "cli/scaleioctl/source.h"
#include "core/clock.h"
#include "eventlog/rocks_event_log.h"

namespace scaleio::ctl {

class DataDirSource final : public Source {
 public:
  // NotFound when `path` does not exist; the log's own error when it cannot be opened.
  static Result<std::unique_ptr<DataDirSource>> open(const std::string& path,
                                                     plan::ClusterSettings settings,
                                                     const Clock& clock);

  std::string describe() const override { return "data dir " + path_; }
  Result<nlohmann::json> plan() override;
  Result<nlohmann::json> state() override;
  Result<nlohmann::json> drift() override;
  Result<nlohmann::json> reconcilers() override;
  Result<nlohmann::json> events(const EventFilter& filter) override;
  Status follow(const EventFilter& filter, const EventCallback& on_event) override;
  Result<nlohmann::json> command(std::string_view command, const std::string& reconciler,
                                 const std::string& reason) override;
  Result<nlohmann::json> history(const std::string& resource) override;
  Result<uint64_t> travel_to(const std::string& when) override;

 private:
  DataDirSource(std::string path, std::unique_ptr<eventlog::RocksEventLog> log,
                plan::ClusterSettings settings, const Clock& clock)
      : path_(std::move(path)),
        log_(std::move(log)),
        settings_(std::move(settings)),
        clock_(clock) {}

  Result<const LogViews*> views();
  // "now" for backoff: the wall clock, or the time of the event travelled to.
  int64_t now_unix_ms() const;
  Result<int64_t> timestamp_at(uint64_t sequence) const;
  Result<uint64_t> resolve_since(const EventFilter& filter) const;

  const std::string path_;
  std::unique_ptr<eventlog::RocksEventLog> log_;
  const plan::ClusterSettings settings_;
  const Clock& clock_;
  uint64_t up_to_ = UINT64_MAX;
  std::optional<int64_t> as_of_unix_ms_;
  std::optional<LogViews> views_;
};

}  // namespace scaleio::ctl
