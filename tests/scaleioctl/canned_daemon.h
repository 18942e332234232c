// A stand-in for the daemon's HTTP API on 127.0.0.1:0: canned JSON shaped like
// cli/operator/api_routes.cpp's answers, an in-memory event list that honours from/limit/type/
// stream and follow=true, and POST pause/resume behind a bearer token. It records what it was
// asked, so tests can check what scaleioctl sent.
#pragma once

#include <boost/asio/io_context.hpp>

#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include <nlohmann/json.hpp>

#include "adapters/http/http_server.h"

namespace scaleio::ctl::testing {

struct SeenRequest {
  std::string method;
  std::string target;
  std::string authorization;
  std::string body;
};

class CannedDaemon {
 public:
  explicit CannedDaemon(std::string admin_token = "s3cret-token");
  ~CannedDaemon();
  CannedDaemon(const CannedDaemon&) = delete;
  CannedDaemon& operator=(const CannedDaemon&) = delete;

  std::string url() const;
  std::vector<SeenRequest> requests() const;

  // Set before requests are made.
  bool converged = true;
  // Events served by /v1/events (sequence i+1 at index i).
  std::vector<nlohmann::json> events;

  static nlohmann::json plan_json();
  static nlohmann::json state_json();

 private:
  void handle(const std::shared_ptr<http::HttpExchange>& exchange);

  const std::string admin_token_;
  boost::asio::io_context io_;
  http::HttpServer server_;
  std::thread thread_;
  mutable std::mutex mu_;
  std::vector<SeenRequest> seen_;
  std::vector<std::shared_ptr<http::ChunkSink>> streams_;  // io thread only
};

// An event as views::event_json prints it.
nlohmann::json canned_event(uint64_t sequence, const std::string& type, int64_t unix_ms,
                            nlohmann::json payload);

}  // namespace scaleio::ctl::testing
