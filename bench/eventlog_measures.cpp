#include "bench/eventlog_measures.h"

#include <map>
#include <thread>
#include <vector>

#include <rocksdb/db.h>
#include <rocksdb/write_batch.h>

#include "bench/bench_util.h"

namespace scaleio::bench {

namespace {

std::string be64(uint64_t n) {
  std::string key(8, '\0');
  for (int b = 0; b < 8; ++b) key[b] = static_cast<char>((n >> (56 - 8 * b)) & 0xff);
  return key;
}

std::unique_ptr<rocksdb::DB> open_raw(const std::string& path) {
  rocksdb::Options o;
  o.create_if_missing = true;
  rocksdb::DB* raw = nullptr;
  if (rocksdb::Status s = rocksdb::DB::Open(o, path, &raw); !s.ok()) {
    std::fprintf(stderr, "bench: raw RocksDB at %s: %s\n", path.c_str(), s.ToString().c_str());
    std::exit(1);
  }
  return std::unique_ptr<rocksdb::DB>(raw);
}

}  // namespace

std::unique_ptr<eventlog::RocksEventLog> open_log(const std::string& path, bool sync) {
  eventlog::EventLogOptions o;
  o.sync = sync;
  return must(eventlog::RocksEventLog::open(path, o));
}

double raw_synced_puts_per_second(const std::string& path, double seconds,
                                  const EventSource& source) {
  auto db = open_raw(path);
  rocksdb::WriteOptions wo;
  wo.sync = true;
  uint64_t n = 0;
  auto start = Steady::now();
  while (seconds_since(start) < seconds) {
    if (!db->Put(wo, be64(n), source(n).SerializeAsString()).ok()) std::exit(1);
    ++n;
  }
  return n / seconds_since(start);
}

double raw_unsynced_batch_puts_per_second(const std::string& path, uint64_t events,
                                          const EventSource& source) {
  auto db = open_raw(path);
  auto start = Steady::now();
  for (uint64_t i = 0; i < events; i += 1000) {
    rocksdb::WriteBatch batch;
    for (uint64_t k = i; k < i + 1000 && k < events; ++k) {
      batch.Put(be64(k), source(k).SerializeAsString());
    }
    if (!db->Write(rocksdb::WriteOptions(), &batch).ok()) std::exit(1);
  }
  return events / seconds_since(start);
}

double appends_per_second(eventlog::RocksEventLog& log, int threads, double seconds,
                          const EventSource& source) {
  std::vector<uint64_t> counts(threads, 0);
  std::vector<std::thread> workers;
  auto start = Steady::now();
  for (int t = 0; t < threads; ++t) {
    workers.emplace_back([&, t] {
      const std::string own = "bench/" + std::to_string(t);
      // Threads start at different places of the source, as independent writers would.
      uint64_t i = static_cast<uint64_t>(t) * 7919;
      while (seconds_since(start) < seconds) {
        std::vector<Envelope> one;
        one.push_back(source(i++));
        const std::string stream = one[0].stream_id().empty() ? own : one[0].stream_id();
        must(log.append(stream, ExpectedVersion::any(), std::move(one)).status());
        ++counts[t];
      }
    });
  }
  for (auto& w : workers) w.join();
  uint64_t total = 0;
  for (auto c : counts) total += c;
  return total / seconds_since(start);
}

void fill_unsynced(eventlog::RocksEventLog& log, uint64_t events, const EventSource& source,
                   BatchStreams streams, uint64_t batch) {
  for (uint64_t i = 0; i < events; i += batch) {
    const uint64_t end = std::min(events, i + batch);
    if (streams == BatchStreams::kOnePerBatch) {
      std::vector<Envelope> b;
      b.reserve(end - i);
      for (uint64_t k = i; k < end; ++k) b.push_back(source(k));
      must(log.append("fill/" + std::to_string((i / batch) % 64), ExpectedVersion::any(),
                      std::move(b))
               .status());
      continue;
    }
    // Order is kept within each stream; across streams only inside one batch window.
    std::map<std::string, std::vector<Envelope>> by_stream;
    for (uint64_t k = i; k < end; ++k) {
      Envelope e = source(k);
      std::string stream = e.stream_id().empty() ? "fill/0" : e.stream_id();
      by_stream[stream].push_back(std::move(e));
    }
    for (auto& [stream, b] : by_stream) {
      must(log.append(stream, ExpectedVersion::any(), std::move(b)).status());
    }
  }
}

}  // namespace scaleio::bench
