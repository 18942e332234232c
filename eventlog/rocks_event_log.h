// The operator's source of truth: an append-only, crash-safe log of protobuf events in RocksDB.
//
// Writers: one process at a time (RocksDB's LOCK); inside it, any number of threads. Concurrent
// appends are merged by group commit: the first waiting appender becomes the leader, writes every
// queued append as ONE WriteBatch with ONE WAL sync, and tells each appender its own sequences.
//
// Readers in other processes (scaleioctl) open the same directory read-only as a RocksDB secondary
// instance and call catch_up() to see what the writer appended since.
//
// A failed write (full disk, read-only file system, I/O error) stops writing at once: the writer
// closes its RocksDB handle without another write (RocksDB 7.8 aborts when a file writer that
// failed is written again) and serves reads from a read-only handle, which holds no file open for
// writing. Each later append first checks that the disk takes writes again, then reopens: RocksDB
// replays its WAL, and whatever a failed append left behind is rolled back. So the first append
// after the disk recovers succeeds, and no acknowledged event is lost or doubled.
#pragma once

#include <atomic>
#include <condition_variable>
#include <deque>
#include <memory>
#include <mutex>
#include <shared_mutex>
#include <string>
#include <unordered_map>

#include <rocksdb/db.h>
#include <rocksdb/env.h>

#include "core/event_store.h"

namespace scaleio::eventlog {

struct EventLogOptions {
  // Sync the WAL on every append (group commit shares one sync among concurrent appenders).
  bool sync = true;
  // Timestamps of events appended without one.
  const Clock* clock = &SystemClock::instance();
  // For fault injection in tests (a full disk, ...); null = the default environment.
  rocksdb::Env* env = nullptr;
  // How long a group-commit leader may wait for the appenders of the previous group to queue up
  // again before it writes (only when fewer than that group are queued). 0 = never wait.
  std::chrono::microseconds group_commit_wait{100};
  // Snapshots kept per projection; older ones are deleted when a new one is saved.
  size_t snapshots_kept = 2;
};

class RocksEventLog final : public EventStore {
 public:
  // The on-disk layout version this build writes and reads. A log with a higher version was
  // written by a newer build and is refused rather than misread.
  static constexpr uint32_t kFormatVersion = 1;

  // Opens (creating it, mode 0700, when missing) the log at `path` for writing.
  static Result<std::unique_ptr<RocksEventLog>> open(const std::string& path,
                                                     EventLogOptions options = {});
  // Opens an existing log read-only; works while another process writes it.
  static Result<std::unique_ptr<RocksEventLog>> open_read_only(const std::string& path,
                                                               EventLogOptions options = {});

  ~RocksEventLog() override;
  RocksEventLog(const RocksEventLog&) = delete;
  RocksEventLog& operator=(const RocksEventLog&) = delete;

  Result<AppendResult> append(std::string_view stream, ExpectedVersion expected,
                              std::vector<Envelope> events) override;
  uint64_t last_sequence() const override { return last_committed_.load(); }
  Result<uint64_t> stream_version(std::string_view stream) const override;
  Result<std::vector<Envelope>> read(uint64_t from_sequence, size_t max_events) const override;
  Result<std::vector<Envelope>> read_stream(std::string_view stream, uint64_t from_version,
                                            size_t max_events) const override;
  Result<std::vector<Envelope>> read_type(std::string_view event_type, uint64_t from_sequence,
                                          size_t max_events) const override;
  Status scan(uint64_t from_sequence, uint64_t to_sequence,
              const EventVisitor& visit) const override;
  // The subscription must not outlive the log; after close() it reports an error.
  std::unique_ptr<EventSubscription> subscribe(uint64_t from_sequence) override;
  Status save_snapshot(std::string_view projection, const Snapshot& snapshot) override;
  Result<std::optional<Snapshot>> latest_snapshot(std::string_view projection) const override;

  // Read-only instances: pick up what the writer appended since open or the last catch_up().
  Status catch_up();
  // Waits (up to `wait`) until an event with sequence >= `sequence` is durable; returns the last
  // durable sequence, which is below `sequence` on timeout. Errors once the log is closed.
  Result<uint64_t> wait_for_sequence(uint64_t sequence, Clock::Duration wait);
  // Wakes every waiting subscriber with an error; further appends fail.
  void close();

  // OK while appends are accepted; after a failed write (a full or read-only disk), why, with what
  // to do, until an append or resume_writes() reopens the log.
  Status write_health() const;
  // After a failed write, reopens the log for writing if the disk takes writes again — what the
  // next append would do, for when nothing needs appending (an idle daemon's readiness check).
  // OK when writes go on.
  Status resume_writes();

  bool read_only() const { return read_only_; }
  const std::string& path() const { return path_; }

 private:
  struct PendingAppend;
  // How open_db() opens the directory: the writer's handle, the read-only handle the writer keeps
  // while the disk refuses writes, or another process's secondary instance.
  enum class OpenMode { kReadWrite, kReadOnly, kSecondary };
  RocksEventLog(std::string path, EventLogOptions options, bool read_only);

  Status open_db(OpenMode mode, const std::string& secondary_path = "");
  void close_db();
  Status check_format();
  Result<uint64_t> last_sequence_in_db() const;
  Status load_last_sequence();
  // Queues `mine` and waits until a group leader (this thread or another) has committed it.
  Result<AppendResult> run_in_group(PendingAppend& mine);
  void commit_group(std::deque<PendingAppend*>& group);
  void stop_writing(Status why);
  Status resume_writing();
  Status roll_back_unacknowledged(uint64_t acknowledged);
  Status probe_writable() const;
  Status unusable() const;
  Result<uint64_t> stream_version_from_db(std::string_view stream) const;
  Status decode(std::string_view bytes, uint64_t sequence, Envelope* out) const;

  const std::string path_;
  const EventLogOptions options_;
  const bool read_only_;
  std::string secondary_path_;  // read-only instances: RocksDB's scratch directory

  // Shared by every use of db_; exclusive only while the leader swaps the handle after a write
  // error and back. writes_stopped_ and write_error_ change only under it, exclusively.
  mutable std::shared_mutex db_mu_;
  bool writes_stopped_ = false;  // db_ is the read-only handle (or null): appends must reopen
  Status write_error_;           // why the last write failed
  std::unique_ptr<rocksdb::DB> db_;
  std::vector<rocksdb::ColumnFamilyHandle*> handles_;
  rocksdb::ColumnFamilyHandle* events_cf_ = nullptr;
  rocksdb::ColumnFamilyHandle* streams_cf_ = nullptr;
  rocksdb::ColumnFamilyHandle* types_cf_ = nullptr;
  rocksdb::ColumnFamilyHandle* snapshots_cf_ = nullptr;
  rocksdb::ColumnFamilyHandle* meta_cf_ = nullptr;

  // Group commit. queue_ and leader_active_ are guarded by append_mu_; waiters sleep on their own
  // condition variable so that a finished group wakes only its members. The leader alone touches
  // next_sequence_ and stream_versions_.
  std::mutex append_mu_;
  std::deque<PendingAppend*> queue_;
  bool leader_active_ = false;
  size_t last_group_size_ = 0;        // appenders in the previous group
  bool waiting_for_joiners_ = false;  // a leader waits for them (group_commit_wait)
  std::condition_variable joiners_;
  uint64_t next_sequence_ = 1;
  std::unordered_map<std::string, uint64_t> stream_versions_;

  // Durable progress, for readers and subscribers.
  std::atomic<uint64_t> last_committed_{0};
  std::atomic<bool> closed_{false};
  mutable std::mutex commit_mu_;
  std::condition_variable commit_cv_;
};

}  // namespace scaleio::eventlog
