// Turns RocksDB's statuses into ours, with the log's path and what an operator should do.
#pragma once

#include <string>
#include <string_view>

#include <rocksdb/status.h>

#include "core/status.h"

namespace scaleio::eventlog {

// `what` says what we were doing ("open", "append", "read"), `path` is the data directory.
Status from_rocks(const rocksdb::Status& s, std::string_view what, const std::string& path);

}  // namespace scaleio::eventlog
