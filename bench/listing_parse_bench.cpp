// GET /api/instances parsed the old way (the whole body into a JSON tree, then parse_inventory)
// and the streaming way (inventory_sax.h), on the sim's listing of a converged cluster of 1,000
// and 5,000 agents (issue 11: the daemon's peak RSS at 5,000 nodes). Prints JSON: body size, parse
// CPU (median of 5, the transient's freeing included, as the client pays it), the heap the parse
// holds at its peak beyond the body, and the objects parsed.
//
// Heap: every operator new/delete of this program is counted (live bytes and their high-water
// mark), so the peak is the true one during the parse, not a sample; mallinfo2's in-use bytes
// before and at the end of the parse (the tree still alive) are printed alongside as a check.
//
//   bench_listing_parse [--quick] [--agents N[,N...]] [--repeats R]
#include <malloc.h>

#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <new>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "adapters/scaleio/inventory_sax.h"
#include "adapters/scaleio/object_parsers.h"
#include "bench/bench_util.h"
#include "tests/scaleio/sim_listing.h"

namespace {

std::atomic<int64_t> live_bytes{0};
std::atomic<int64_t> peak_bytes{0};

void* counted(void* p) {
  if (p == nullptr) throw std::bad_alloc();
  const int64_t now = live_bytes += static_cast<int64_t>(malloc_usable_size(p));
  int64_t peak = peak_bytes.load(std::memory_order_relaxed);
  while (now > peak && !peak_bytes.compare_exchange_weak(peak, now)) {
  }
  return p;
}

void uncounted(void* p) {
  if (p == nullptr) return;
  live_bytes -= static_cast<int64_t>(malloc_usable_size(p));
  std::free(p);
}

void* aligned(std::size_t size, std::align_val_t alignment) {
  const auto a = static_cast<std::size_t>(alignment);
  return std::aligned_alloc(a, (size + a - 1) / a * a);
}

}  // namespace

void* operator new(std::size_t size) {
  return counted(std::malloc(size == 0 ? 1 : size));
}
void* operator new[](std::size_t size) {
  return counted(std::malloc(size == 0 ? 1 : size));
}
void* operator new(std::size_t size, std::align_val_t a) {
  return counted(aligned(size, a));
}
void* operator new[](std::size_t size, std::align_val_t a) {
  return counted(aligned(size, a));
}
void operator delete(void* p) noexcept {
  uncounted(p);
}
void operator delete[](void* p) noexcept {
  uncounted(p);
}
void operator delete(void* p, std::size_t) noexcept {
  uncounted(p);
}
void operator delete[](void* p, std::size_t) noexcept {
  uncounted(p);
}
void operator delete(void* p, std::align_val_t) noexcept {
  uncounted(p);
}
void operator delete[](void* p, std::align_val_t) noexcept {
  uncounted(p);
}
void operator delete(void* p, std::size_t, std::align_val_t) noexcept {
  uncounted(p);
}
void operator delete[](void* p, std::size_t, std::align_val_t) noexcept {
  uncounted(p);
}

namespace scaleio::bench {
namespace {

using gateway::parse_inventory;
using gateway::parse_inventory_stream;
using nlohmann::json;

const std::string kEndpoint = "GET /api/instances";

double mb(int64_t bytes) {
  return static_cast<double>(bytes) / (1024.0 * 1024.0);
}

// The tree parse as RestSession::call did it for this answer: links dropped while parsing.
Result<sio::Inventory> tree_parse(const std::string& body, int64_t* mallinfo_in_use) {
  auto drop_links = [](int /*depth*/, json::parse_event_t event, json& parsed) {
    return !(event == json::parse_event_t::key && parsed.is_string() &&
             parsed.get_ref<const std::string&>() == "links");
  };
  const json tree = json::parse(body, drop_links, /*allow_exceptions=*/false);
  if (tree.is_discarded()) return invalid_argument("the sim's listing is not JSON");
  auto inventory = parse_inventory(tree, kEndpoint);
  if (mallinfo_in_use) *mallinfo_in_use = static_cast<int64_t>(mallinfo2().uordblks);
  return inventory;  // the tree is freed here, as it was when query_instances returned
}

Result<sio::Inventory> sax_parse(const std::string& body, int64_t* mallinfo_in_use) {
  auto inventory = parse_inventory_stream(body, kEndpoint);
  if (mallinfo_in_use) *mallinfo_in_use = static_cast<int64_t>(mallinfo2().uordblks);
  return inventory;
}

struct Measure {
  double cpu_ms_median = 0;
  int64_t peak_heap = 0;     // high-water of live bytes during the parse, beyond the start
  int64_t mallinfo_end = 0;  // mallinfo2 in-use at the end of the parse, beyond the start
  int64_t result_heap = 0;   // what the Inventory itself holds
  sio::Inventory inventory;
};

template <class Parse>
Measure measure(const std::string& body, int repeats, Parse parse) {
  Measure m;
  std::vector<double> cpu;
  for (int i = 0; i < repeats; ++i) {
    const double start = thread_cpu_seconds();
    auto inventory = must(parse(body, nullptr));
    cpu.push_back((thread_cpu_seconds() - start) * 1000.0);
  }
  m.cpu_ms_median = median(cpu);

  const int64_t mallinfo_before = static_cast<int64_t>(mallinfo2().uordblks);
  const int64_t live_before = live_bytes.load();
  peak_bytes.store(live_before);
  int64_t mallinfo_end = 0;
  m.inventory = must(parse(body, &mallinfo_end));
  m.peak_heap = peak_bytes.load() - live_before;
  m.mallinfo_end = mallinfo_end - mallinfo_before;
  m.result_heap = live_bytes.load() - live_before;
  return m;
}

bool same(const sio::Inventory& a, const sio::Inventory& b) {
  return a.system == b.system && a.protection_domains == b.protection_domains &&
         a.fault_sets == b.fault_sets && a.storage_pools == b.storage_pools && a.sdss == b.sdss &&
         a.devices == b.devices && a.sdcs == b.sdcs && a.volumes == b.volumes;
}

json figures(const Measure& m) {
  return {{"cpu_ms_median", m.cpu_ms_median},
          {"peak_heap_mb", mb(m.peak_heap)},
          {"mallinfo_in_use_at_end_mb", mb(m.mallinfo_end)},
          {"inventory_heap_mb", mb(m.result_heap)}};
}

json objects(const sio::Inventory& inv) {
  size_t attached = 0;
  for (const auto& s : inv.sdss) attached += s.devices.size();
  return {{"system", inv.system ? 1 : 0},
          {"protection_domains", inv.protection_domains.size()},
          {"fault_sets", inv.fault_sets.size()},
          {"storage_pools", inv.storage_pools.size()},
          {"sdss", inv.sdss.size()},
          {"devices", inv.devices.size()},
          {"devices_attached_to_sdss", attached},
          {"sdcs", inv.sdcs.size()},
          {"volumes", inv.volumes.size()}};
}

std::vector<int> parse_counts(const char* text) {
  std::vector<int> out;
  for (const char* p = text; *p;) {
    out.push_back(std::atoi(p));
    p = std::strchr(p, ',');
    if (!p) break;
    ++p;
  }
  return out;
}

int run(int argc, char** argv) {
  std::vector<int> agents = {1000, 5000};
  int repeats = 5;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    if (arg == "--quick") {
      agents = {200};
      repeats = 2;
    } else if (arg == "--agents" && i + 1 < argc) {
      agents = parse_counts(argv[++i]);
    } else if (arg == "--repeats" && i + 1 < argc) {
      repeats = std::max(1, std::atoi(argv[++i]));
    } else {
      std::fprintf(stderr,
                   "usage: bench_listing_parse [--quick] [--agents N[,N...]] [--repeats R]\n");
      return 2;
    }
  }
  json runs = json::array();
  for (int n : agents) {
    std::string body;
    {
      auto world = must(gateway::testing::converged_sim_world(n, 42));
      body = gateway::testing::instances_body(*world);
    }  // the world is freed before anything is measured
    const Measure tree = measure(body, repeats, tree_parse);
    const Measure sax = measure(body, repeats, sax_parse);
    const bool equal = same(tree.inventory, sax.inventory);
    runs.push_back({{"agents", n},
                    {"body_mb", mb(static_cast<int64_t>(body.size()))},
                    {"objects", objects(sax.inventory)},
                    {"tree", figures(tree)},
                    {"sax", figures(sax)},
                    {"same", equal}});
    if (!equal) {
      std::printf("%s\n", runs.dump().c_str());
      std::fprintf(stderr, "bench: the two parses disagree at %d agents\n", n);
      return 1;
    }
  }
  const json out = {{"bench", "listing_parse"},
                    {"repeats", repeats},
                    {"load_average", load_average()},
                    {"runs", runs}};
  std::printf("%s\n", out.dump().c_str());
  return 0;
}

}  // namespace
}  // namespace scaleio::bench

int main(int argc, char** argv) {
  return scaleio::bench::run(argc, argv);
}
