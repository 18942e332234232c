// Reading bytes that live in RocksDB's memory under ThreadSanitizer.
//
// An iterator's value() points into the memtable's arena, written by whichever thread ran the
// append's Write. Debian's RocksDB is not built with -fsanitize=thread: its skiplist publishes a
// new entry with atomics TSan cannot see, so a reader that meets the entry (an index entry past
// last_committed_, found before the check that skips it) reads bytes TSan believes unordered with
// their write. A false positive, but in our frames, and suppressing our frames would hide real
// races. So each read site copies the bytes out once, with TSan told to ignore that copy; our
// code then reads only the copy, which this thread wrote. Outside TSan nothing is copied.
// Keys need none of this: DBIter copies every key into its own buffer on the reader's thread.
#pragma once

#include <cstring>
#include <string>
#include <string_view>

#include <rocksdb/slice.h>

#if defined(__SANITIZE_THREAD__)
#define SCALEIO_EVENTLOG_TSAN 1
#elif defined(__has_feature)
#if __has_feature(thread_sanitizer)
#define SCALEIO_EVENTLOG_TSAN 1
#endif
#endif

#ifdef SCALEIO_EVENTLOG_TSAN
// From TSan's runtime (dynamic annotations). Despite the name they ignore writes too, which
// here are to `copy`, a buffer of the calling thread only.
extern "C" void AnnotateIgnoreReadsBegin(const char* file, int line);
extern "C" void AnnotateIgnoreReadsEnd(const char* file, int line);
#endif

namespace scaleio::eventlog {

// The bytes of `in_rocks` (a slice into RocksDB's memory), valid while both the slice and `copy`
// are. Under TSan they are first copied into `copy`; otherwise `copy` is untouched.
inline std::string_view rocks_bytes(const rocksdb::Slice& in_rocks, std::string* copy) {
#ifdef SCALEIO_EVENTLOG_TSAN
  // Sized before the ignored region, so TSan sees this thread write the buffer it later reads.
  copy->resize(in_rocks.size());
  AnnotateIgnoreReadsBegin(__FILE__, __LINE__);
  if (!in_rocks.empty()) std::memcpy(copy->data(), in_rocks.data(), in_rocks.size());
  AnnotateIgnoreReadsEnd(__FILE__, __LINE__);
  return *copy;
#else
  (void)copy;
  return in_rocks.ToStringView();
#endif
}

}  // namespace scaleio::eventlog
