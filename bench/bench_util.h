// Small helpers every benchmark here uses: timing, medians, the machine's load, failing loudly.
#pragma once

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <vector>

#include "core/status.h"

namespace scaleio::bench {

using Steady = std::chrono::steady_clock;

inline double seconds_since(Steady::time_point t) {
  return std::chrono::duration<double>(Steady::now() - t).count();
}

inline double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v.empty() ? 0 : v[v.size() / 2];
}

// CPU time of the calling thread: on a machine shared with other work, wall time measures the
// machine's load as much as the code; this does not.
inline double thread_cpu_seconds() {
  timespec t{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
  return static_cast<double>(t.tv_sec) + static_cast<double>(t.tv_nsec) * 1e-9;
}

// Other work on the machine skews absolute figures (ratios within one run much less): record it.
inline double load_average() {
  double one_minute = -1;
  if (FILE* f = std::fopen("/proc/loadavg", "r")) {
    if (std::fscanf(f, "%lf", &one_minute) != 1) one_minute = -1;
    std::fclose(f);
  }
  return one_minute;
}

// A benchmark that cannot do what it measures has no figure to print.
inline void must(const Status& s) {
  if (!s.ok()) {
    std::fprintf(stderr, "bench: %s\n", s.to_string().c_str());
    std::exit(1);
  }
}

template <typename T>
T must(Result<T> r) {
  must(r.status());
  return std::move(r).value();
}

}  // namespace scaleio::bench
