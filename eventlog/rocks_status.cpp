#include "eventlog/rocks_status.h"

namespace scaleio::eventlog {

namespace {

bool mentions(const rocksdb::Status& s, std::string_view needle) {
  return s.ToString().find(needle) != std::string::npos;
}

}  // namespace

Status from_rocks(const rocksdb::Status& s, std::string_view what, const std::string& path) {
  if (s.ok()) return Status();
  std::string where = std::string(what) + " event log at " + path + ": ";
  const std::string detail = " (RocksDB: " + s.ToString() + ")";

  if (s.IsNoSpace() || mentions(s, "No space left")) {
    return resource_exhausted(where + "the disk is full. Free space on that file system; the " +
                              "operator retries by itself and loses nothing" + detail);
  }
  if (mentions(s, "lock file") || mentions(s, "LOCK")) {
    return failed_precondition(where + "another process has it open for writing (its LOCK is " +
                               "held). Stop that process, or read the log with `scaleioctl " +
                               "--data-dir` which opens it read-only" + detail);
  }
  if (mentions(s, "Read-only file system")) {
    return failed_precondition(where + "its file system is mounted read-only (the kernel does " +
                               "that after disk errors). Check the disk and remount it " +
                               "read-write; the operator then resumes by itself" + detail);
  }
  if (mentions(s, "Permission denied")) {
    return permission_denied(where + "not writable by this process. Fix the directory's " +
                             "permissions or mount, or choose another --data-dir" + detail);
  }
  if (s.IsCorruption()) {
    return data_loss(where + "the database is corrupted. Nothing was changed; move the directory " +
                     "aside and restore it from a backup, or inspect it with RocksDB's ldb" +
                     detail);
  }
  if (s.IsIOError()) {
    return unavailable(where + "I/O error. Check the disk and the directory; the operator " +
                       "retries" + detail);
  }
  if (s.IsInvalidArgument() || s.IsNotSupported()) {
    return failed_precondition(where + "not usable" + detail);
  }
  return internal_error(where + "unexpected error" + detail);
}

}  // namespace scaleio::eventlog
