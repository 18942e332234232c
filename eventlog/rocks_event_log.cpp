#include "eventlog/rocks_event_log.h"

#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <shared_mutex>
#include <system_error>
#include <thread>

#include <google/protobuf/arena.h>
#include <rocksdb/options.h>
#include <rocksdb/write_batch.h>

#include "eventlog/keys.h"
#include "eventlog/rocks_info_log.h"
#include "eventlog/rocks_status.h"
#include "eventlog/tsan_annotations.h"

namespace scaleio::eventlog {

namespace fs = std::filesystem;

namespace {

// RocksDB writes CURRENT last when it creates a database (after LOCK, LOG, IDENTITY and the first
// MANIFEST), and no event is acknowledged before CURRENT exists and a WAL (*.log) is open. So a
// directory without CURRENT that holds only those first files is a creation that was cut short —
// the daemon killed during its very first start — and RocksDB may create the log over it. Any
// other file (a WAL, a table, something not RocksDB's) may be a damaged log or another program's
// directory, and is refused.
bool only_an_interrupted_creation(const std::string& dir) {
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(dir, ec)) {
    const std::string name = entry.path().filename().string();
    const bool first_files = name == "LOCK" || name == "IDENTITY" || name == "LOG" ||
                             name == ".write-probe" || name.starts_with("LOG.old.") ||
                             name.starts_with("MANIFEST-") || name.starts_with("OPTIONS-") ||
                             name.ends_with(".dbtmp");
    if (!first_files) return false;
  }
  return !ec;
}

constexpr const char* kEventsCf = "events";
constexpr const char* kStreamsCf = "streams";
constexpr const char* kTypesCf = "types";
constexpr const char* kSnapshotsCf = "snapshots";
constexpr const char* kMetaCf = "meta";
constexpr const char* kFormatKey = "format_version";
constexpr size_t kMaxStreamIdLength = 256;

rocksdb::Options base_options(const EventLogOptions& o) {
  rocksdb::Options opts;
  opts.create_if_missing = true;
  opts.create_missing_column_families = true;
  opts.paranoid_checks = true;
  // Every file stays open: footers are checked at open (corruption found early), and secondary
  // instances require it.
  opts.max_open_files = -1;
  opts.keep_log_file_num = 5;
  opts.max_log_file_size = 8 << 20;
  opts.IncreaseParallelism(2);
  // Memtables: RocksDB's defaults (64 MB per column family, two each) let the five column
  // families hold up to 640 MB of unflushed writes in the heap; a 5,000-node convergence
  // (~120,000 events, three keys each) never reached a flush and kept all of it in memory. The
  // operator appends a few thousand small events a second at most, so small memtables under one
  // total budget only flush more often.
  opts.write_buffer_size = 8 << 20;
  opts.db_write_buffer_size = 16 << 20;
  // No fallocate: RocksDB preallocates each WAL in blocks of 1.1 x the memtable size, and
  // appends into a preallocated block keep succeeding after the disk is full, so a full disk
  // would be refused megabytes of events late, at a moment unrelated to the operator's action.
  // Without it the first append that needs space fails and the daemon says so at once.
  opts.allow_fallocate = false;
  if (o.env != nullptr) opts.env = o.env;
  return opts;
}

bool valid_utf8(const std::string& s) {
  size_t i = 0;
  const size_t n = s.size();
  while (i < n) {
    // Fast path: eight ASCII bytes at a time.
    if (i + 8 <= n) {
      uint64_t word;
      std::memcpy(&word, s.data() + i, 8);
      if ((word & 0x8080808080808080ull) == 0) {
        i += 8;
        continue;
      }
    }
    auto c = static_cast<unsigned char>(s[i]);
    if (c < 0x80) {
      ++i;
      continue;
    }
    size_t len = (c >> 5) == 0x6 ? 2 : (c >> 4) == 0xe ? 3 : (c >> 3) == 0x1e ? 4 : 0;
    if (len == 0 || i + len > n || c == 0xc0 || c == 0xc1 || c > 0xf4) return false;
    uint32_t cp = c & (0x7f >> len);
    for (size_t k = 1; k < len; ++k) {
      auto cc = static_cast<unsigned char>(s[i + k]);
      if ((cc >> 6) != 0x2) return false;
      cp = (cp << 6) | (cc & 0x3f);
    }
    // Overlong forms, surrogates and values past U+10FFFF are not UTF-8.
    if ((len == 3 && cp < 0x800) || (len == 4 && cp < 0x10000) || cp > 0x10ffff ||
        (cp >= 0xd800 && cp <= 0xdfff)) {
      return false;
    }
    i += len;
  }
  return true;
}

// True when every string field (recursively) is valid UTF-8. Walks the descriptor rather than
// ListFields() to stay off the allocator on the append path.
bool utf8_ok(const google::protobuf::Message& m) {
  using FD = google::protobuf::FieldDescriptor;
  const auto* reflection = m.GetReflection();
  const auto* descriptor = m.GetDescriptor();
  std::string scratch;
  for (int i = 0; i < descriptor->field_count(); ++i) {
    const FD* f = descriptor->field(i);
    if (f->type() != FD::TYPE_STRING && f->type() != FD::TYPE_MESSAGE) continue;
    if (f->is_repeated()) {
      int n = reflection->FieldSize(m, f);
      for (int k = 0; k < n; ++k) {
        bool ok = f->type() == FD::TYPE_STRING
                      ? valid_utf8(reflection->GetRepeatedStringReference(m, f, k, &scratch))
                      : utf8_ok(reflection->GetRepeatedMessage(m, f, k));
        if (!ok) return false;
      }
    } else if (f->type() == FD::TYPE_STRING) {
      if (!valid_utf8(reflection->GetStringReference(m, f, &scratch))) return false;
    } else if (reflection->HasField(m, f) && !utf8_ok(reflection->GetMessage(m, f))) {
      return false;
    }
  }
  return true;
}

Status validate_event(const Envelope& e, size_t index, std::string_view stream) {
  bool has_payload = e.payload_case() != Envelope::PAYLOAD_NOT_SET;
  // An event from a newer schema (unknown payload kept as unknown fields) passes through as long as
  // it still says what type it is.
  bool newer_payload = !e.event_type().empty() && !e.GetReflection()->GetUnknownFields(e).empty();
  if (!has_payload && !newer_payload) {
    return invalid_argument("event #" + std::to_string(index) + " for stream '" +
                            std::string(stream) + "' has no payload");
  }
  // proto3 refuses to parse a string field that is not UTF-8: such an event would be written and
  // then read back as damage. Refuse it here instead.
  if (!utf8_ok(e)) {
    return invalid_argument("event #" + std::to_string(index) + " for stream '" +
                            std::string(stream) + "' has a text field that is not valid UTF-8 " +
                            "(an agent attribute or gateway answer with binary bytes?)");
  }
  return Status();
}

Status validate_stream_id(std::string_view stream) {
  if (stream.empty()) return invalid_argument("stream id must not be empty");
  if (stream.size() > kMaxStreamIdLength) {
    return invalid_argument("stream id longer than " + std::to_string(kMaxStreamIdLength) +
                            " bytes: '" + std::string(stream.substr(0, 40)) + "...'");
  }
  if (stream.find('\0') != std::string_view::npos) {
    return invalid_argument("stream id must not contain NUL bytes");
  }
  return Status();
}

std::string expected_text(ExpectedVersion v) {
  return v.value() == 0 ? std::string("no stream (version 0)") : std::to_string(v.value());
}

}  // namespace

// One append waiting for the group-commit leader.
struct RocksEventLog::PendingAppend {
  std::string_view stream;
  ExpectedVersion expected = ExpectedVersion::any();
  std::vector<Envelope>* events = nullptr;
  Result<AppendResult> result = internal_error("append not processed");
  bool done = false;
  std::condition_variable wake;  // guarded by append_mu_
};

RocksEventLog::RocksEventLog(std::string path, EventLogOptions options, bool read_only)
    : path_(std::move(path)), options_(options), read_only_(read_only) {}

RocksEventLog::~RocksEventLog() {
  close();
  close_db();
  if (!secondary_path_.empty()) {
    std::error_code ec;
    fs::remove_all(secondary_path_, ec);
  }
}

Result<std::unique_ptr<RocksEventLog>> RocksEventLog::open(const std::string& path,
                                                           EventLogOptions options) {
  if (path.empty()) return invalid_argument("event log path is empty: set --data-dir");
  std::error_code ec;
  if (!fs::exists(path, ec)) {
    fs::create_directories(path, ec);
    if (ec) {
      return permission_denied("cannot create event log directory " + path + ": " + ec.message() +
                               ". Create it yourself or choose another --data-dir");
    }
    // The log holds cluster topology and operator commands: only its owner reads it.
    ::chmod(path.c_str(), 0700);
  } else if (!fs::is_directory(path, ec)) {
    return failed_precondition("event log path " + path +
                               " exists and is not a directory. Choose another --data-dir");
  }
  if (::access(path.c_str(), W_OK | X_OK) != 0) {
    if (errno == EROFS) {
      return failed_precondition("event log directory " + path + " is on a read-only file " +
                                 "system. Remount it read-write, or choose another --data-dir");
    }
    return permission_denied("event log directory " + path + " is not writable by this process " +
                             "(uid " + std::to_string(::getuid()) +
                             "). Fix its permissions or mount, or choose another --data-dir");
  }
  bool has_current = fs::exists(fs::path(path) / "CURRENT", ec);
  if (!has_current && !fs::is_empty(path, ec) && !only_an_interrupted_creation(path)) {
    return failed_precondition("directory " + path +
                               " is not empty and holds no event log (no RocksDB CURRENT file). " +
                               "Choose an empty directory for --data-dir, or restore the log");
  }

  std::unique_ptr<RocksEventLog> log(new RocksEventLog(path, options, /*read_only=*/false));
  if (Status s = log->open_db(OpenMode::kReadWrite); !s.ok()) return s;
  if (Status s = log->check_format(); !s.ok()) return s;
  if (Status s = log->load_last_sequence(); !s.ok()) return s;
  log->next_sequence_ = log->last_committed_.load() + 1;
  return log;
}

Result<std::unique_ptr<RocksEventLog>> RocksEventLog::open_read_only(const std::string& path,
                                                                     EventLogOptions options) {
  std::error_code ec;
  if (!fs::exists(fs::path(path) / "CURRENT", ec)) {
    return not_found("no event log at " + path +
                     " (no RocksDB CURRENT file). Check --data-dir: it is the daemon's data dir");
  }
  std::string scratch = (fs::temp_directory_path(ec) / "scaleio-reader-XXXXXX").string();
  if (::mkdtemp(scratch.data()) == nullptr) {
    return unavailable("cannot create a scratch directory for reading " + path + " under " +
                       fs::temp_directory_path(ec).string() + ": set TMPDIR to a writable place");
  }
  std::unique_ptr<RocksEventLog> log(new RocksEventLog(path, options, /*read_only=*/true));
  log->secondary_path_ = scratch;
  if (Status s = log->open_db(OpenMode::kSecondary, scratch); !s.ok()) return s;
  if (Status s = log->check_format(); !s.ok()) return s;
  if (Status s = log->load_last_sequence(); !s.ok()) return s;
  return log;
}

Status RocksEventLog::open_db(OpenMode mode, const std::string& secondary_path) {
  rocksdb::Options opts = base_options(options_);
  // A secondary instance logs into its own scratch directory, RocksDB's way.
  if (mode == OpenMode::kReadWrite) opts.info_log = open_info_log(path_, *options_.clock);
  if (mode == OpenMode::kReadOnly) opts.info_log = discarding_info_log();
  // Open every column family the log has, also ones a newer build may have added.
  std::vector<std::string> names;
  rocksdb::Status listed = rocksdb::DB::ListColumnFamilies(opts, path_, &names);
  if (!listed.ok()) names = {rocksdb::kDefaultColumnFamilyName};
  for (const char* wanted : {kEventsCf, kStreamsCf, kTypesCf, kSnapshotsCf, kMetaCf}) {
    if (std::find(names.begin(), names.end(), wanted) == names.end()) {
      if (mode != OpenMode::kReadWrite) {
        return data_loss("event log at " + path_ + " lacks its '" + wanted +
                         "' column family: it is not a complete scaleio-operator log");
      }
      names.emplace_back(wanted);
    }
  }
  std::vector<rocksdb::ColumnFamilyDescriptor> descriptors;
  for (const auto& n : names) descriptors.emplace_back(n, rocksdb::ColumnFamilyOptions(opts));

  rocksdb::DB* raw = nullptr;
  rocksdb::Status s;
  switch (mode) {
    case OpenMode::kReadWrite:
      s = rocksdb::DB::Open(rocksdb::DBOptions(opts), path_, descriptors, &handles_, &raw);
      break;
    case OpenMode::kReadOnly:
      s = rocksdb::DB::OpenForReadOnly(rocksdb::DBOptions(opts), path_, descriptors, &handles_,
                                       &raw);
      break;
    case OpenMode::kSecondary:
      s = rocksdb::DB::OpenAsSecondary(opts, path_, secondary_path, descriptors, &handles_, &raw);
      break;
  }
  if (!s.ok()) return from_rocks(s, "cannot open", path_);
  db_.reset(raw);
  for (size_t i = 0; i < names.size(); ++i) {
    if (names[i] == kEventsCf) events_cf_ = handles_[i];
    if (names[i] == kStreamsCf) streams_cf_ = handles_[i];
    if (names[i] == kTypesCf) types_cf_ = handles_[i];
    if (names[i] == kSnapshotsCf) snapshots_cf_ = handles_[i];
    if (names[i] == kMetaCf) meta_cf_ = handles_[i];
  }
  return Status();
}

void RocksEventLog::close_db() {
  if (!db_) return;
  for (auto* h : handles_) db_->DestroyColumnFamilyHandle(h);
  handles_.clear();
  events_cf_ = streams_cf_ = types_cf_ = snapshots_cf_ = meta_cf_ = nullptr;
  db_.reset();
}

Status RocksEventLog::check_format() {
  std::string value;
  rocksdb::Status s = db_->Get(rocksdb::ReadOptions(), meta_cf_, kFormatKey, &value);
  if (s.IsNotFound()) {
    if (read_only_) return Status();  // a writer that has not finished creating it
    rocksdb::WriteOptions wo;
    wo.sync = true;
    return from_rocks(db_->Put(wo, meta_cf_, kFormatKey, std::to_string(kFormatVersion)),
                      "cannot initialise", path_);
  }
  if (!s.ok()) return from_rocks(s, "cannot read", path_);
  char* end = nullptr;
  unsigned long found = std::strtoul(value.c_str(), &end, 10);
  if (value.empty() || *end != '\0') {
    return data_loss("event log at " + path_ + " has an unreadable format version '" + value +
                     "': it is damaged or not a scaleio-operator log");
  }
  if (found > kFormatVersion) {
    return failed_precondition(
        "event log at " + path_ + " was written by a newer scaleio-operator" + " (log format " +
        std::to_string(found) + ", this build reads up " + "to " + std::to_string(kFormatVersion) +
        "). Run the newer version; nothing was changed");
  }
  return Status();
}

Result<uint64_t> RocksEventLog::last_sequence_in_db() const {
  std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(rocksdb::ReadOptions(), events_cf_));
  it->SeekToLast();
  if (!it->status().ok()) return from_rocks(it->status(), "cannot read", path_);
  if (!it->Valid()) return uint64_t{0};
  uint64_t last = keys::get_be64(it->key().ToStringView());
  // The newest event must decode: a torn or foreign tail is reported, not silently served.
  Envelope probe;
  std::string copy;
  if (Status s = decode(rocks_bytes(it->value(), &copy), last, &probe); !s.ok()) return s;
  return last;
}

Status RocksEventLog::load_last_sequence() {
  Result<uint64_t> last = last_sequence_in_db();
  if (!last.ok()) return last.status();
  last_committed_ = *last;
  return Status();
}

Status RocksEventLog::decode(std::string_view bytes, uint64_t sequence, Envelope* out) const {
  if (!out->ParseFromArray(bytes.data(), static_cast<int>(bytes.size())) ||
      out->sequence() != sequence) {
    return data_loss("event " + std::to_string(sequence) + " in the event log at " + path_ +
                     " cannot be decoded: the log is damaged. Restore the directory from a backup");
  }
  return Status();
}

Result<AppendResult> RocksEventLog::append(std::string_view stream, ExpectedVersion expected,
                                           std::vector<Envelope> events) {
  if (read_only_) {
    return failed_precondition("event log at " + path_ + " is open read-only");
  }
  if (Status s = validate_stream_id(stream); !s.ok()) return s;
  if (events.empty())
    return invalid_argument("append to '" + std::string(stream) + "' of no events");
  for (size_t i = 0; i < events.size(); ++i) {
    if (Status s = validate_event(events[i], i, stream); !s.ok()) return s;
  }

  PendingAppend mine;
  mine.stream = stream;
  mine.expected = expected;
  mine.events = &events;
  return run_in_group(mine);
}

Status RocksEventLog::resume_writes() {
  if (read_only_) return failed_precondition("event log at " + path_ + " is open read-only");
  PendingAppend probe;  // no events: the group's leader reopens the log if writes stopped
  Result<AppendResult> done = run_in_group(probe);
  return done.ok() ? Status() : done.status();
}

Result<AppendResult> RocksEventLog::run_in_group(PendingAppend& mine) {
  std::unique_lock lock(append_mu_);
  if (closed_) return unavailable("event log at " + path_ + " is closed");
  queue_.push_back(&mine);
  if (waiting_for_joiners_) joiners_.notify_one();
  while (!mine.done) {
    if (leader_active_) {
      // Woken individually: when our group is durable, or to lead the next group.
      mine.wake.wait(lock);
      continue;
    }
    if (closed_) {
      queue_.erase(std::find(queue_.begin(), queue_.end(), &mine));
      if (!queue_.empty()) queue_.front()->wake.notify_one();
      return unavailable("event log at " + path_ + " is closed");
    }
    leader_active_ = true;
    // Appenders of the previous group are still on their way back (woken, building their next
    // event). Waiting a moment for them to queue up makes groups of all active appenders instead
    // of two alternating half-groups — one fsync for all. A lone appender never waits.
    if (queue_.size() < last_group_size_ && options_.group_commit_wait.count() > 0) {
      waiting_for_joiners_ = true;
      joiners_.wait_for(lock, options_.group_commit_wait,
                        [&] { return queue_.size() >= last_group_size_ || closed_.load(); });
      waiting_for_joiners_ = false;
    }
    std::deque<PendingAppend*> group;
    group.swap(queue_);
    last_group_size_ = group.size();
    lock.unlock();
    commit_group(group);
    lock.lock();
    leader_active_ = false;
    for (auto* p : group) {
      p->done = true;
      if (p != &mine) p->wake.notify_one();
    }
    // Whoever queued meanwhile leads the next group: wake just one of them.
    if (!queue_.empty()) queue_.front()->wake.notify_one();
  }
  return std::move(mine.result);
}

void RocksEventLog::commit_group(std::deque<PendingAppend*>& group) {
  if (closed_) {
    for (auto* p : group) p->result = unavailable("event log at " + path_ + " is closed");
    return;
  }
  if (writes_stopped_) {
    if (Status r = resume_writing(); !r.ok()) {
      for (auto* p : group) p->result = r;
      return;
    }
  }
  for (auto* p : group) {
    if (p->events == nullptr) p->result = AppendResult{};  // resume_writes(): done by now
  }
  std::shared_lock db_lock(db_mu_);
  if (!db_) {
    for (auto* p : group) p->result = unusable();
    return;
  }

  const int64_t now_ms = options_.clock->now_unix_ms();
  rocksdb::WriteBatch batch;
  uint64_t sequence = next_sequence_;
  std::unordered_map<std::string, uint64_t> group_versions;  // stream -> version inside the group
  std::vector<PendingAppend*> written;
  std::string bytes;

  for (auto* p : group) {
    if (p->events == nullptr) continue;
    std::string stream(p->stream);
    uint64_t current = 0;
    if (auto g = group_versions.find(stream); g != group_versions.end()) {
      current = g->second;
    } else if (auto c = stream_versions_.find(stream); c != stream_versions_.end()) {
      current = c->second;
    } else {
      Result<uint64_t> v = stream_version_from_db(stream);
      if (!v.ok()) {
        p->result = v.status();
        continue;
      }
      current = *v;
    }
    if (!p->expected.is_any() && p->expected.value() != current) {
      p->result = aborted("append to stream '" + stream + "' expected version " +
                          expected_text(p->expected) + " but it is at " + std::to_string(current) +
                          ": re-read the stream and decide again");
      continue;
    }
    AppendResult r;
    r.first_sequence = sequence;
    for (Envelope& e : *p->events) {
      ++current;
      e.set_sequence(sequence);
      e.set_stream_id(stream);
      e.set_stream_version(current);
      std::string type = payload_type_name(e);
      if (!type.empty()) e.set_event_type(type);
      if (e.timestamp_unix_ms() == 0) e.set_timestamp_unix_ms(now_ms);
      bytes.clear();
      e.SerializeToString(&bytes);
      batch.Put(events_cf_, keys::sequence_key(sequence), bytes);
      batch.Put(streams_cf_, keys::prefixed_key(stream, current), keys::sequence_key(sequence));
      batch.Put(types_cf_, keys::prefixed_key(e.event_type(), sequence), rocksdb::Slice());
      ++sequence;
    }
    r.last_sequence = sequence - 1;
    r.stream_version = current;
    group_versions[stream] = current;
    p->result = r;
    written.push_back(p);
  }
  if (written.empty()) return;

  rocksdb::WriteOptions wo;
  wo.sync = options_.sync;
  rocksdb::Status s = db_->Write(wo, &batch);
  if (!s.ok()) {
    Status err = from_rocks(s, "cannot append to", path_);
    db_lock.unlock();
    stop_writing(err);
    for (auto* p : written) p->result = err;
    return;
  }
  next_sequence_ = sequence;
  for (auto& [stream, version] : group_versions) stream_versions_[stream] = version;
  {
    std::lock_guard g(commit_mu_);
    last_committed_ = sequence - 1;
  }
  commit_cv_.notify_all();
}

void RocksEventLog::stop_writing(Status why) {
  // Nothing may write through the failed handle again. RocksDB 7.8 marks a file writer whose
  // write failed, and a later write through it aborts the process (WritableFileWriter::
  // AssertFalseAndGetStatusForPrevError; the info log did it, see rocks_info_log.h). The WAL's
  // writer is such a writer: RocksDB's own recovery (started by itself for ENOSPC, or Resume())
  // retries its buffer — upstream stopped reusing a failed WAL only in 9.x (PR 12448). Closing
  // skips the failed buffer and ends that recovery; the read-only handle replays the WAL, whose
  // torn tail (the failed append) it ignores, and keeps every acknowledged event readable.
  std::unique_lock lock(db_mu_);
  writes_stopped_ = true;
  write_error_ = std::move(why);
  close_db();
  if (Status s = open_db(OpenMode::kReadOnly); !s.ok()) close_db();  // reads then get unusable()
}

Status RocksEventLog::write_health() const {
  if (read_only_) return failed_precondition("event log at " + path_ + " is open read-only");
  std::shared_lock lock(db_mu_);
  return writes_stopped_ ? write_error_ : Status();
}

Status RocksEventLog::resume_writing() {
  // Cheap and without the exclusive lock: while the disk still refuses writes, reads go on.
  if (Status probe = probe_writable(); !probe.ok()) {
    std::unique_lock lock(db_mu_);
    write_error_ = probe;  // the reason may have changed (full, then read-only)
    return probe;
  }
  std::unique_lock lock(db_mu_);
  close_db();
  Status s = open_db(OpenMode::kReadWrite);
  if (s.ok()) {
    const uint64_t acknowledged = last_committed_.load();
    Result<uint64_t> last = last_sequence_in_db();
    if (!last.ok()) {
      s = last.status();
    } else if (*last < acknowledged) {
      s = data_loss("event log at " + path_ + " ends at " + std::to_string(*last) +
                    " after reopening from a write error, but " + std::to_string(acknowledged) +
                    " events were acknowledged. Restore the directory from a backup");
    } else if (*last > acknowledged) {
      s = roll_back_unacknowledged(acknowledged);
    }
  }
  if (!s.ok()) {
    close_db();
    if (!open_db(OpenMode::kReadOnly).ok()) close_db();
    write_error_ = s;
    return s;
  }
  writes_stopped_ = false;
  write_error_ = Status();
  return Status();
}

Status RocksEventLog::roll_back_unacknowledged(uint64_t acknowledged) {
  // A failed append can still reach the disk whole (its WAL record written, the sync failing),
  // and the reopen replays it. Its appender was told it failed and may retry: keeping it would
  // double the event, and the next append would reuse its sequence. Delete it with its indexes.
  rocksdb::WriteBatch batch;
  std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(rocksdb::ReadOptions(), events_cf_));
  std::string copy;
  for (it->Seek(keys::sequence_key(acknowledged + 1)); it->Valid(); it->Next()) {
    const uint64_t seq = keys::get_be64(it->key().ToStringView());
    batch.Delete(events_cf_, it->key());
    Envelope e;
    if (!decode(rocks_bytes(it->value(), &copy), seq, &e).ok()) continue;  // no index to find
    batch.Delete(streams_cf_, keys::prefixed_key(e.stream_id(), e.stream_version()));
    batch.Delete(types_cf_, keys::prefixed_key(e.event_type(), seq));
  }
  if (!it->status().ok()) return from_rocks(it->status(), "cannot read", path_);
  rocksdb::WriteOptions wo;
  wo.sync = true;
  if (Status s = from_rocks(db_->Write(wo, &batch), "cannot roll back a failed append in", path_);
      !s.ok()) {
    return s;
  }
  return Status();
}

Status RocksEventLog::unusable() const {
  return unavailable("event log at " + path_ +
                     " is reopening after a write error (full disk?); the operator retries");
}

Status RocksEventLog::probe_writable() const {
  rocksdb::Env* env = options_.env != nullptr ? options_.env : rocksdb::Env::Default();
  const std::string probe = path_ + "/.write-probe";
  std::unique_ptr<rocksdb::WritableFile> file;
  rocksdb::Status s = env->NewWritableFile(probe, &file, rocksdb::EnvOptions());
  // Room for what a reopen writes (a MANIFEST, a WAL, an OPTIONS file) and a few appends.
  if (s.ok()) s = file->Append(std::string(64 << 10, '\0'));
  if (s.ok()) s = file->Sync();
  if (file) file->Close().PermitUncheckedError();
  env->DeleteFile(probe).PermitUncheckedError();
  return from_rocks(s, "cannot append to", path_);
}

Result<uint64_t> RocksEventLog::stream_version_from_db(std::string_view stream) const {
  std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(rocksdb::ReadOptions(), streams_cf_));
  it->SeekForPrev(keys::prefixed_key(stream, UINT64_MAX));
  if (!it->status().ok()) return from_rocks(it->status(), "cannot read", path_);
  std::string prefix = keys::prefix_of(stream);
  if (!it->Valid() || !it->key().starts_with(prefix) || it->key().size() != prefix.size() + 8) {
    return uint64_t{0};
  }
  return keys::trailing_number(it->key().ToStringView());
}

Result<uint64_t> RocksEventLog::stream_version(std::string_view stream) const {
  if (Status s = validate_stream_id(stream); !s.ok()) return s;
  std::shared_lock lock(db_mu_);
  if (!db_) return unusable();
  return stream_version_from_db(stream);
}

Result<std::vector<Envelope>> RocksEventLog::read(uint64_t from_sequence, size_t max_events) const {
  std::vector<Envelope> out;
  uint64_t last = last_committed_.load();
  if (from_sequence == 0) from_sequence = 1;
  if (max_events == 0 || from_sequence > last) return out;
  uint64_t to = std::min<uint64_t>(last, from_sequence + max_events - 1);
  out.reserve(to - from_sequence + 1);
  Status s = scan(from_sequence, to, [&](const Envelope& e) {
    out.push_back(e);
    return true;
  });
  if (!s.ok()) return s;
  return out;
}

Status RocksEventLog::scan(uint64_t from_sequence, uint64_t to_sequence,
                           const EventVisitor& visit) const {
  if (from_sequence == 0) from_sequence = 1;
  to_sequence = std::min(to_sequence, last_committed_.load());
  if (from_sequence > to_sequence) return Status();
  std::shared_lock lock(db_mu_);
  if (!db_) return unusable();
  std::string upper = keys::sequence_key(to_sequence + 1);
  rocksdb::Slice upper_slice(upper);
  rocksdb::ReadOptions ro;
  ro.iterate_upper_bound = to_sequence == UINT64_MAX ? nullptr : &upper_slice;
  ro.readahead_size = 2 << 20;
  ro.fill_cache = to_sequence - from_sequence < 10'000;  // a full replay would evict everything
  std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(ro, events_cf_));
  // Events are decoded into an arena that is reset every few thousand events: replaying millions
  // of events would otherwise spend most of its time in malloc and free (Clear() frees the oneof
  // payload of every event).
  constexpr int kEventsPerArena = 4096;
  google::protobuf::Arena arena;
  int in_arena = 0;
  uint64_t expected = from_sequence;
  std::string copy;
  for (it->Seek(keys::sequence_key(from_sequence)); it->Valid(); it->Next()) {
    uint64_t seq = keys::get_be64(it->key().ToStringView());
    if (seq != expected) {
      return data_loss("event log at " + path_ + " is missing event " + std::to_string(expected) +
                       " (next found: " + std::to_string(seq) +
                       "). The log is damaged: restore the directory from a backup");
    }
    if (++in_arena == kEventsPerArena) {
      arena.Reset();
      in_arena = 0;
    }
    Envelope* event = google::protobuf::Arena::CreateMessage<Envelope>(&arena);
    if (Status s = decode(rocks_bytes(it->value(), &copy), seq, event); !s.ok()) return s;
    ++expected;
    if (!visit(*event)) return Status();
  }
  if (!it->status().ok()) return from_rocks(it->status(), "cannot read", path_);
  if (expected <= to_sequence) {
    return data_loss("event log at " + path_ + " ends at event " + std::to_string(expected - 1) +
                     " but reported " + std::to_string(to_sequence) + " as durable");
  }
  return Status();
}

Result<std::vector<Envelope>> RocksEventLog::read_stream(std::string_view stream,
                                                         uint64_t from_version,
                                                         size_t max_events) const {
  if (Status s = validate_stream_id(stream); !s.ok()) return s;
  std::shared_lock lock(db_mu_);
  if (!db_) return unusable();
  std::vector<Envelope> out;
  std::string prefix = keys::prefix_of(stream);
  std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(rocksdb::ReadOptions(), streams_cf_));
  std::string copy;
  for (it->Seek(keys::prefixed_key(stream, std::max<uint64_t>(from_version, 1)));
       it->Valid() && out.size() < max_events; it->Next()) {
    if (!it->key().starts_with(prefix) || it->key().size() != prefix.size() + 8) break;
    // The index entry may belong to an append whose Write has not returned yet (skipped just
    // below): its bytes are read through rocks_bytes, see tsan_annotations.h.
    uint64_t seq = keys::get_be64(rocks_bytes(it->value(), &copy));
    if (seq > last_committed_.load()) break;
    std::string bytes;
    rocksdb::Status s =
        db_->Get(rocksdb::ReadOptions(), events_cf_, keys::sequence_key(seq), &bytes);
    if (!s.ok()) {
      return s.IsNotFound() ? data_loss("event log at " + path_ + ": stream '" +
                                        std::string(stream) + "' points at missing event " +
                                        std::to_string(seq) + ". Restore from a backup")
                            : from_rocks(s, "cannot read", path_);
    }
    Envelope e;
    if (Status d = decode(bytes, seq, &e); !d.ok()) return d;
    out.push_back(std::move(e));
  }
  if (!it->status().ok()) return from_rocks(it->status(), "cannot read", path_);
  return out;
}

Result<std::vector<Envelope>> RocksEventLog::read_type(std::string_view event_type,
                                                       uint64_t from_sequence,
                                                       size_t max_events) const {
  std::shared_lock lock(db_mu_);
  if (!db_) return unusable();
  std::vector<Envelope> out;
  std::string prefix = keys::prefix_of(event_type);
  std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(rocksdb::ReadOptions(), types_cf_));
  for (it->Seek(keys::prefixed_key(event_type, std::max<uint64_t>(from_sequence, 1)));
       it->Valid() && out.size() < max_events; it->Next()) {
    if (!it->key().starts_with(prefix) || it->key().size() != prefix.size() + 8) break;
    uint64_t seq = keys::trailing_number(it->key().ToStringView());
    if (seq > last_committed_.load()) break;
    std::string bytes;
    rocksdb::Status s =
        db_->Get(rocksdb::ReadOptions(), events_cf_, keys::sequence_key(seq), &bytes);
    if (!s.ok()) return from_rocks(s, "cannot read", path_);
    Envelope e;
    if (Status d = decode(bytes, seq, &e); !d.ok()) return d;
    out.push_back(std::move(e));
  }
  if (!it->status().ok()) return from_rocks(it->status(), "cannot read", path_);
  return out;
}

namespace {

class RocksSubscription final : public EventSubscription {
 public:
  RocksSubscription(RocksEventLog* log, uint64_t from)
      : log_(log), next_(std::max<uint64_t>(from, 1)) {}

  Result<std::vector<Envelope>> next_batch(size_t max_events, Clock::Duration wait) override {
    Result<uint64_t> last = log_->wait_for_sequence(next_, wait);
    if (!last.ok()) return last.status();
    if (*last < next_ || max_events == 0) return std::vector<Envelope>{};
    size_t n = static_cast<size_t>(std::min<uint64_t>(max_events, *last - next_ + 1));
    Result<std::vector<Envelope>> batch = log_->read(next_, n);
    if (!batch.ok()) return batch.status();
    next_ += batch->size();
    return batch;
  }

  uint64_t next_sequence() const override { return next_; }

 private:
  RocksEventLog* log_;
  uint64_t next_;
};

}  // namespace

std::unique_ptr<EventSubscription> RocksEventLog::subscribe(uint64_t from_sequence) {
  return std::make_unique<RocksSubscription>(this, from_sequence);
}

Result<uint64_t> RocksEventLog::wait_for_sequence(uint64_t sequence, Clock::Duration wait) {
  // Real waiting is this adapter's business; core/ and reconcilers/ only see EventSubscription.
  auto deadline = std::chrono::steady_clock::now() + wait;
  if (read_only_) {
    // A secondary instance is not told about the writer's appends: poll.
    while (true) {
      if (closed_) return unavailable("event log at " + path_ + " is closed");
      if (last_committed_.load() >= sequence) return last_committed_.load();
      if (Status s = catch_up(); !s.ok()) return s;
      if (last_committed_.load() >= sequence) return last_committed_.load();
      auto now = std::chrono::steady_clock::now();
      if (now >= deadline) return last_committed_.load();
      std::this_thread::sleep_for(std::min<std::chrono::steady_clock::duration>(
          deadline - now, std::chrono::milliseconds(50)));
    }
  }
  std::unique_lock lock(commit_mu_);
  commit_cv_.wait_until(lock, deadline,
                        [&] { return closed_.load() || last_committed_.load() >= sequence; });
  if (closed_) return unavailable("event log at " + path_ + " is closed");
  return last_committed_.load();
}

Status RocksEventLog::catch_up() {
  if (!read_only_) return Status();
  std::shared_lock lock(db_mu_);
  if (!db_) return unusable();
  rocksdb::Status s = db_->TryCatchUpWithPrimary();
  if (!s.ok()) return from_rocks(s, "cannot follow", path_);
  return load_last_sequence();
}

void RocksEventLog::close() {
  {
    std::lock_guard g(commit_mu_);
    closed_ = true;
  }
  commit_cv_.notify_all();
  std::lock_guard g(append_mu_);
  for (auto* p : queue_) p->wake.notify_one();
  joiners_.notify_all();
}

Status RocksEventLog::save_snapshot(std::string_view projection, const Snapshot& snapshot) {
  if (read_only_) return failed_precondition("event log at " + path_ + " is open read-only");
  if (Status s = validate_stream_id(projection); !s.ok()) return s;
  if (snapshot.sequence > last_committed_.load()) {
    return invalid_argument("snapshot of '" + std::string(projection) + "' at sequence " +
                            std::to_string(snapshot.sequence) + " is ahead of the log (" +
                            std::to_string(last_committed_.load()) + ")");
  }
  std::string value;
  for (int shift = 24; shift >= 0; shift -= 8) {
    value.push_back(static_cast<char>((snapshot.format_version >> shift) & 0xff));
  }
  value += snapshot.state;

  std::shared_lock lock(db_mu_);
  if (writes_stopped_) return write_error_;  // the next append reopens; a snapshot can wait
  if (!db_) return unusable();
  rocksdb::WriteBatch batch;
  batch.Put(snapshots_cf_, keys::prefixed_key(projection, snapshot.sequence), value);
  // Keep the newest `snapshots_kept` (counting the new one); a snapshot only speeds start-up.
  std::string prefix = keys::prefix_of(projection);
  std::vector<std::string> existing;
  std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(rocksdb::ReadOptions(), snapshots_cf_));
  for (it->Seek(prefix); it->Valid() && it->key().starts_with(prefix); it->Next()) {
    if (keys::trailing_number(it->key().ToStringView()) != snapshot.sequence) {
      existing.push_back(it->key().ToString());
    }
  }
  size_t keep_old = options_.snapshots_kept > 0 ? options_.snapshots_kept - 1 : 0;
  for (size_t i = 0; i + keep_old < existing.size(); ++i) batch.Delete(snapshots_cf_, existing[i]);
  rocksdb::WriteOptions wo;
  wo.sync = options_.sync;
  rocksdb::Status s = db_->Write(wo, &batch);
  if (!s.ok()) return from_rocks(s, "cannot save a snapshot to", path_);
  return Status();
}

Result<std::optional<Snapshot>> RocksEventLog::latest_snapshot(std::string_view projection) const {
  std::shared_lock lock(db_mu_);
  if (!db_) return unusable();
  std::string prefix = keys::prefix_of(projection);
  std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(rocksdb::ReadOptions(), snapshots_cf_));
  it->SeekForPrev(keys::prefixed_key(projection, UINT64_MAX));
  if (!it->status().ok()) return from_rocks(it->status(), "cannot read", path_);
  if (!it->Valid() || !it->key().starts_with(prefix) || it->key().size() != prefix.size() + 8) {
    return std::optional<Snapshot>();
  }
  std::string copy;
  std::string_view value = rocks_bytes(it->value(), &copy);
  if (value.size() < 4) {
    return data_loss("snapshot of '" + std::string(projection) + "' in the event log at " + path_ +
                     " is truncated");
  }
  Snapshot snap;
  snap.sequence = keys::trailing_number(it->key().ToStringView());
  for (int i = 0; i < 4; ++i) {
    snap.format_version = (snap.format_version << 8) | static_cast<uint8_t>(value[i]);
  }
  snap.state.assign(value.substr(4));
  return std::optional<Snapshot>(std::move(snap));
}

}  // namespace scaleio::eventlog
