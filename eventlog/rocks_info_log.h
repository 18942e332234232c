// RocksDB's diagnostic log (the LOG file in the data dir), written so that a full or read-only
// disk costs log lines and nothing else.
//
// Why not RocksDB's own file logger: it writes through a WritableFileWriter, and once one write of
// that writer fails, this build's librocksdb (Debian 12's 7.8, assertions on) aborts the process
// in the next line logged (WritableFileWriter::AssertFalseAndGetStatusForPrevError(): "Assertion
// `sync_without_flush_called_' failed"). A full disk makes that certain: the error handler logs
// the very write failure that filled it. This was the abort of issue 10.
#pragma once

#include <memory>
#include <string>

#include <rocksdb/env.h>

#include "core/clock.h"

namespace scaleio::eventlog {

// Appends to `dir`/LOG (renamed to LOG.old first once it passed 8 MiB). Lines that cannot be
// written are dropped. The file stays open for writing as long as the logger lives.
std::shared_ptr<rocksdb::Logger> open_info_log(const std::string& dir, const Clock& clock);

// For the read-only handle the log keeps while the disk refuses writes: it must not hold a file
// open for writing (the kernel refuses to remount a file system read-only while one is).
std::shared_ptr<rocksdb::Logger> discarding_info_log();

}  // namespace scaleio::eventlog
