// Every failure of the data dir gets a clear error that names the path and what to do — never a
// crash, never a silently empty log.
#include <signal.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include <rocksdb/db.h>
#include <catch2/catch.hpp>

#include "eventlog/rocks_event_log.h"
#include "tests/eventlog/events_for_tests.h"
#include "tests/eventlog/full_disk_env.h"
#include "tests/support/child_process.h"
#include "tests/support/temp_dir.h"

using scaleio::ExpectedVersion;
using scaleio::StatusCode;
using scaleio::eventlog::RocksEventLog;
using scaleio::testing::ChildProcess;
using scaleio::testing::command;
using scaleio::testing::one;
using scaleio::testing::TempDir;
namespace fs = std::filesystem;
using namespace std::chrono_literals;

namespace {

void write_events(const std::string& path, int n) {
  auto log = RocksEventLog::open(path);
  REQUIRE(log.ok());
  for (int i = 0; i < n; ++i) {
    REQUIRE((*log)->append("s", ExpectedVersion::any(), one(command("c", std::to_string(i)))).ok());
  }
}

}  // namespace

TEST_CASE("a second writer is refused with a clear error, in-process and from another process") {
  TempDir dir;
  auto first = RocksEventLog::open(dir.path());
  REQUIRE(first.ok());

  auto second = RocksEventLog::open(dir.path());
  REQUIRE_FALSE(second.ok());
  CHECK(second.status().code() == StatusCode::kFailedPrecondition);
  CHECK_THAT(second.status().message(),
             Catch::Contains(dir.path()) && Catch::Contains("another process"));

  ChildProcess child({EVENTLOG_TOOL_PATH, "try-open", dir.path()});
  auto line = child.read_line(20s);
  REQUIRE(line);
  CHECK_THAT(*line, Catch::StartsWith("FailedPrecondition") && Catch::Contains("scaleioctl"));
  CHECK(child.wait(20s) == 3);
}

TEST_CASE("the writer's lock is released when its process dies, even by SIGKILL") {
  TempDir dir;
  {
    ChildProcess holder({EVENTLOG_TOOL_PATH, "hold", dir.path()});
    REQUIRE(holder.read_line(20s) == std::optional<std::string>("open"));
    CHECK(RocksEventLog::open(dir.path()).status().code() == StatusCode::kFailedPrecondition);
    holder.kill(SIGKILL);
    CHECK(holder.wait(20s) == 128 + SIGKILL);
  }
  CHECK(RocksEventLog::open(dir.path()).ok());
}

TEST_CASE("a data dir this user cannot write is named with what to do") {
  if (::geteuid() != 0) {
    // As a normal user the directory is simply made read-only.
    TempDir dir;
    fs::permissions(dir.path(), fs::perms::owner_read | fs::perms::owner_exec);
    auto log = RocksEventLog::open(dir.path());
    CHECK(log.status().code() == StatusCode::kPermissionDenied);
    return;
  }
  // Root writes everywhere: try as the unprivileged 'nobody' in a child process instead.
  TempDir dir;
  fs::permissions(dir.path(), fs::perms::owner_all | fs::perms::group_read | fs::perms::group_exec |
                                  fs::perms::others_read | fs::perms::others_exec);
  fs::permissions(fs::path(dir.path()).parent_path(), fs::perms::others_exec,
                  fs::perm_options::add);
  for (const std::string& target : {dir.path(), dir.sub("missing/data")}) {
    ChildProcess child({EVENTLOG_TOOL_PATH, "try-open", target, "65534"});
    auto line = child.read_line(20s);
    REQUIRE(line);
    CHECK_THAT(*line, Catch::StartsWith("PermissionDenied") && Catch::Contains(target) &&
                          Catch::Contains("--data-dir"));
    CHECK(child.wait(20s) == 3);
  }
}

TEST_CASE("a directory that holds something else is not taken over") {
  TempDir dir;
  std::ofstream(dir.sub("notes.txt")) << "important";
  auto log = RocksEventLog::open(dir.path());
  CHECK(log.status().code() == StatusCode::kFailedPrecondition);
  CHECK_THAT(log.status().message(), Catch::Contains("holds no event log"));
  CHECK(fs::exists(dir.sub("notes.txt")));

  std::ofstream(dir.sub("file")) << "x";
  CHECK(RocksEventLog::open(dir.sub("file")).status().code() == StatusCode::kFailedPrecondition);
}

TEST_CASE("a creation cut short by a crash is created over - a log that lost CURRENT is refused") {
  // What RocksDB leaves when the process dies while creating the database: everything of a real
  // creation except CURRENT and what comes after it (the WAL, the options file).
  TempDir dir;
  {
    rocksdb::Options options;
    options.create_if_missing = true;
    rocksdb::DB* raw = nullptr;
    REQUIRE(rocksdb::DB::Open(options, dir.path(), &raw).ok());
    delete raw;
  }
  for (const auto& entry : fs::directory_iterator(dir.path())) {
    const std::string name = entry.path().filename().string();
    if (name == "CURRENT" || name.ends_with(".log") || name.starts_with("OPTIONS-")) {
      fs::remove(entry.path());
    }
  }
  REQUIRE(fs::exists(dir.sub("IDENTITY")));
  auto log = RocksEventLog::open(dir.path());
  INFO(log.status().to_string());
  REQUIRE(log.ok());
  REQUIRE((*log)->append("s", ExpectedVersion::any(), one(command("c", "first"))).ok());
  CHECK((*log)->last_sequence() == 1);

  // A WAL without CURRENT may hold acknowledged events: refused, and left as it is.
  TempDir damaged;
  write_events(damaged.path(), 3);
  fs::remove(damaged.sub("CURRENT"));
  auto refused = RocksEventLog::open(damaged.path());
  CHECK(refused.status().code() == StatusCode::kFailedPrecondition);
  CHECK_THAT(refused.status().message(), Catch::Contains("holds no event log"));
  CHECK_FALSE(fs::exists(damaged.sub("CURRENT")));
}

TEST_CASE("a corrupted CURRENT file is reported as data loss, not an empty log") {
  TempDir dir;
  write_events(dir.path(), 10);
  std::ofstream(dir.sub("CURRENT"), std::ios::trunc) << "garbage-without-newline";
  auto log = RocksEventLog::open(dir.path());
  REQUIRE_FALSE(log.ok());
  CHECK(log.status().code() == StatusCode::kDataLoss);
  CHECK_THAT(log.status().message(), Catch::Contains(dir.path()) && Catch::Contains("backup"));
}

TEST_CASE("a damaged table file is reported as data loss") {
  TempDir dir;
  write_events(dir.path(), 2000);
  write_events(dir.path(), 1);  // reopening flushes the recovered WAL into a table file
  int damaged = 0;
  for (const auto& entry : fs::directory_iterator(dir.path())) {
    if (entry.path().extension() == ".sst" && fs::file_size(entry.path()) > 100) {
      // Overwrite the middle and the footer with junk.
      std::fstream f(entry.path(), std::ios::in | std::ios::out | std::ios::binary);
      auto size = fs::file_size(entry.path());
      std::string junk(64, '\xAB');
      f.seekp(static_cast<std::streamoff>(size / 2));
      f.write(junk.data(), static_cast<std::streamsize>(junk.size()));
      f.seekp(static_cast<std::streamoff>(size - 48));
      f.write(junk.data(), 48);
      ++damaged;
    }
  }
  REQUIRE(damaged > 0);
  auto log = RocksEventLog::open(dir.path());
  if (log.ok()) {
    // RocksDB may open lazily; then the first full read must fail loudly.
    auto all = (*log)->read(1, 10'000);
    REQUIRE_FALSE(all.ok());
    CHECK(all.status().code() == StatusCode::kDataLoss);
  } else {
    CHECK(log.status().code() == StatusCode::kDataLoss);
    CHECK_THAT(log.status().message(), Catch::Contains(dir.path()));
  }
}

TEST_CASE("a log written by a newer format is refused, and left untouched") {
  TempDir dir;
  write_events(dir.path(), 3);
  {
    rocksdb::Options o;
    std::vector<std::string> names;
    REQUIRE(rocksdb::DB::ListColumnFamilies(o, dir.path(), &names).ok());
    std::vector<rocksdb::ColumnFamilyDescriptor> cfs;
    for (auto& n : names) cfs.emplace_back(n, rocksdb::ColumnFamilyOptions());
    std::vector<rocksdb::ColumnFamilyHandle*> handles;
    rocksdb::DB* db = nullptr;
    REQUIRE(rocksdb::DB::Open(rocksdb::DBOptions(), dir.path(), cfs, &handles, &db).ok());
    auto meta = std::find(names.begin(), names.end(), "meta") - names.begin();
    REQUIRE(db->Put(rocksdb::WriteOptions(), handles[meta], "format_version", "99").ok());
    for (auto* h : handles) db->DestroyColumnFamilyHandle(h);
    delete db;
  }
  auto log = RocksEventLog::open(dir.path());
  REQUIRE_FALSE(log.ok());
  CHECK(log.status().code() == StatusCode::kFailedPrecondition);
  CHECK_THAT(log.status().message(), Catch::Contains("newer") && Catch::Contains("format 99"));
  CHECK(RocksEventLog::open_read_only(dir.path()).status().code() ==
        StatusCode::kFailedPrecondition);
}

TEST_CASE("a full disk fails appends clearly, loses nothing, and appends resume after") {
  TempDir dir;
  auto disk =
      std::make_shared<scaleio::testing::FullDiskFileSystem>(rocksdb::FileSystem::Default());
  std::unique_ptr<rocksdb::Env> env = rocksdb::NewCompositeEnv(disk);
  scaleio::eventlog::EventLogOptions o;
  o.env = env.get();
  {
    auto log = RocksEventLog::open(dir.path(), o);
    REQUIRE(log.ok());
    for (int i = 0; i < 5; ++i) {
      REQUIRE(
          (*log)->append("s", ExpectedVersion::any(), one(command("c", std::to_string(i)))).ok());
    }
    disk->full = true;
    for (int attempt = 0; attempt < 3; ++attempt) {
      auto r = (*log)->append("s", ExpectedVersion::any(), one(command("lost?", "x")));
      REQUIRE_FALSE(r.ok());
      CHECK(r.status().code() == StatusCode::kResourceExhausted);
      CHECK_THAT(r.status().message(),
                 Catch::Contains(dir.path()) && Catch::Contains("disk is full"));
    }
    CHECK((*log)->last_sequence() == 5);
    CHECK((*log)->read(1, 100)->size() == 5);  // reads keep working

    disk->full = false;
    auto r = (*log)->append("s", ExpectedVersion::exactly(5), one(command("after", "x")));
    INFO(r.status().to_string());
    REQUIRE(r.ok());
    CHECK(r->first_sequence == 6);
  }
  auto reopened = RocksEventLog::open(dir.path());
  REQUIRE(reopened.ok());
  auto all = (*reopened)->read(1, 100);
  REQUIRE(all->size() == 6);
  CHECK(all->back().operator_command().command() == "after");
}

TEST_CASE("read-only open of a missing log says where it looked") {
  TempDir dir;
  auto log = RocksEventLog::open_read_only(dir.sub("nothing-here"));
  CHECK(log.status().code() == StatusCode::kNotFound);
  CHECK_THAT(log.status().message(),
             Catch::Contains("nothing-here") && Catch::Contains("--data-dir"));
  CHECK_FALSE(fs::exists(dir.sub("nothing-here")));
}
