// scaleio-operator: parse the settings, start the daemon, run until SIGTERM or SIGINT, drain.
// Exit codes: 0 after a clean stop, 2 for a bad setting or a start-up failure (the message names
// the setting or resource and what to do), 1 when a running daemon failed.
#include <malloc.h>
#include <pthread.h>

#include <csignal>
#include <cstdio>
#include <cstdlib>

#include "cli/operator/daemon.h"
#include "cli/operator/settings.h"

using namespace scaleio::operator_daemon;

int main(int argc, char** argv) {
  // glibc gives every thread that allocates its own malloc arena (up to 8 per core) and keeps what
  // was freed there. The daemon's threads (Mesos stream, gateway client, API, four reconciler
  // loops, RocksDB) each parse large answers, so at 1,000 agents a third of the RSS was freed
  // memory kept in their arenas (bench_daemon: 196 MB, 126 MB with two arenas). One is enough:
  // the daemon waits on the network far more than it allocates (at 5,000 agents, peak 265 MiB
  // with two arenas, 240 MiB with one, converged as fast). MALLOC_ARENA_MAX in the environment
  // still decides.
  if (std::getenv("MALLOC_ARENA_MAX") == nullptr) mallopt(M_ARENA_MAX, 1);

  // Signals are taken by sigwait() below, not by handlers: every thread started from here on
  // inherits the blocked mask, so the signal reaches this thread only.
  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGTERM);
  sigaddset(&stop_signals, SIGINT);
  pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);
  std::signal(SIGPIPE, SIG_IGN);

  auto parsed = parse_settings(std::vector<std::string>(argv, argv + argc), process_environment());
  if (!parsed.ok()) {
    std::fprintf(stderr, "scaleio-operator: %s\n", parsed.status().message().c_str());
    return 2;
  }
  if (parsed->print_and_exit) {
    std::printf("%s\n", parsed->print_and_exit->c_str());
    return 0;
  }
  const OperatorSettings& settings = parsed->settings;
  Logger log(scaleio::SystemClock::instance(), settings.log_format == "json",
             Logger::parse_level(settings.log_level));

  Daemon daemon(settings, log);
  if (scaleio::Status s = daemon.start(); !s.ok()) {
    log.error("operator", "cannot start: " + s.message(),
              {{"code", std::string(scaleio::status_code_name(s.code()))}});
    log.flush();
    return 2;
  }
  // The address on stdout, one JSON line, for scripts and tests that listen on port 0.
  std::printf("{\"api\":\"http://%s\"}\n", daemon.api_address().c_str());
  std::fflush(stdout);

  int signal = 0;
  sigwait(&stop_signals, &signal);
  log.info("operator", "signal received: draining", {{"signal", std::to_string(signal)}});
  daemon.stop();
  return 0;
}
