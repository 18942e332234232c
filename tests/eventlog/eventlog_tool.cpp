// A child process for the event-log tests that need a second process:
//   write PATH THREADS   append batches of 3 events from THREADS threads forever, printing
//                        "ack <first> <last> <thread> <n>" for every acknowledged append
//   try-open PATH [UID]  open the log for writing (as UID when given), print the status, exit 0/3
//   hold PATH            open the log for writing, print "open", wait for stdin to close
#include <unistd.h>

#include <atomic>
#include <cstdio>
#include <cstring>
#include <iostream>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "eventlog/rocks_event_log.h"

using scaleio::Envelope;
using scaleio::ExpectedVersion;
using scaleio::eventlog::RocksEventLog;

namespace {

int write_forever(const std::string& path, int threads) {
  auto log = RocksEventLog::open(path);
  if (!log.ok()) {
    std::printf("error %s\n", log.status().to_string().c_str());
    return 3;
  }
  std::mutex out_mu;
  std::vector<std::thread> workers;
  for (int t = 0; t < threads; ++t) {
    workers.emplace_back([&, t] {
      for (uint64_t n = 0;; ++n) {
        std::vector<Envelope> batch(3);
        for (int k = 0; k < 3; ++k) {
          auto* c = batch[k].mutable_operator_command();
          c->set_command("crash-test");
          // pid identifies the round; thread, n and k identify the event inside it.
          c->set_target(std::to_string(::getpid()) + "/" + std::to_string(t) + "/" +
                        std::to_string(n) + "/" + std::to_string(k));
        }
        auto r =
            (*log)->append("writer/" + std::to_string(t), ExpectedVersion::any(), std::move(batch));
        if (!r.ok()) {
          std::lock_guard g(out_mu);
          std::printf("error %s\n", r.status().to_string().c_str());
          std::fflush(stdout);
          return;
        }
        std::lock_guard g(out_mu);
        std::printf("ack %llu %llu %d %llu\n", static_cast<unsigned long long>(r->first_sequence),
                    static_cast<unsigned long long>(r->last_sequence), t,
                    static_cast<unsigned long long>(n));
        std::fflush(stdout);
      }
    });
  }
  for (auto& w : workers) w.join();
  return 3;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 3) {
    std::fprintf(stderr, "usage: eventlog_tool write|try-open|hold PATH [ARG]\n");
    return 2;
  }
  std::string mode = argv[1];
  std::string path = argv[2];
  if (mode == "write") return write_forever(path, argc > 3 ? std::atoi(argv[3]) : 1);
  if (mode == "try-open") {
    if (argc > 3) {
      uid_t uid = static_cast<uid_t>(std::atoi(argv[3]));
      if (::setgid(uid) != 0 || ::setuid(uid) != 0) {
        std::printf("setuid failed: %s\n", std::strerror(errno));
        return 4;
      }
    }
    auto log = RocksEventLog::open(path);
    std::printf("%s\n", log.status().to_string().c_str());
    return log.ok() ? 0 : 3;
  }
  if (mode == "hold") {
    auto log = RocksEventLog::open(path);
    if (!log.ok()) {
      std::printf("error %s\n", log.status().to_string().c_str());
      return 3;
    }
    std::printf("open\n");
    std::fflush(stdout);
    std::string line;
    while (std::getline(std::cin, line)) {
    }
    return 0;
  }
  std::fprintf(stderr, "unknown mode %s\n", mode.c_str());
  return 2;
}
