// The simulated ScaleIO gateway (sim/gateway) served over HTTPS on 127.0.0.1:0 by the sim's HTTP
// server, on its own io thread, with faults a test switches on by count: hang the next N
// requests, answer them with garbage or with a bare 500. World and service are touched only on
// the io thread (on_io), since the sim is single-threaded.
#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/ssl/context.hpp>
#include <future>
#include <memory>
#include <mutex>
#include <random>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "adapters/http/http_server.h"
#include "core/clock.h"
#include "sim/gateway/gateway_service.h"
#include "sim/gateway/scaleio_world.h"
#include "sim/gateway/tls_cert.h"
#include "tests/support/temp_dir.h"

namespace scaleio::gateway::testing {

struct RecordedRequest {
  std::string method;
  std::string target;
  std::string body;
};

class GatewayHarness {
 public:
  explicit GatewayHarness(bool tls = true);
  ~GatewayHarness();

  std::string url() const;
  const std::string& ca_pem() const { return tls_.ca_pem; }
  const std::string& ca_file() const { return ca_file_; }
  std::string user() const { return "admin"; }
  std::string password() const { return "Scaleio123"; }

  template <class F>
  auto on_io(F f) -> decltype(f()) {
    std::packaged_task<decltype(f())()> task(std::move(f));
    auto future = task.get_future();
    boost::asio::post(io_, [&task] { task(); });
    if (future.wait_for(std::chrono::seconds(10)) != std::future_status::ready) {
      throw std::runtime_error("gateway io thread did not answer within 10 s");
    }
    return future.get();
  }

  // Faults for the next `n` requests (login included).
  void hang_next(int n);
  void garbage_next(int n, std::string body = "<html><body>502 Bad Gateway</body></html>");
  void fail_next_with_500(int n);
  // Every request for exactly `target` is answered 404 (a gateway without that endpoint).
  void unsupported(std::string target);
  void expire_tokens();
  // Stops the server (closing every connection), forgets every token, serves again on the same
  // port.
  void restart();
  // Moves simulated time and completes what became due (SDS joins, device tests).
  void advance(Clock::Duration d);

  std::vector<RecordedRequest> requests() const;
  void clear_requests();
  int logins() const;

  // mdm1 10.0.0.1 (master), mdm2 10.0.0.2, tb1 10.0.0.3, each also SDS and SDC, ThreeNodes.
  void three_node_cluster();
  // Installs an SDC-only node (its SDC registers with the MDMs).
  void install_sdc(const std::string& hostname, const std::string& ip);
  sim::ScaleioWorld& world() { return world_; }  // io thread only
  sim::GatewayService& service() { return service_; }

 private:
  void handle(const std::shared_ptr<scaleio::http::HttpExchange>& exchange);
  void start_server();

  scaleio::testing::TempDir dir_;
  ManualClock clock_;
  sim::ScaleioWorld world_{clock_, std::mt19937_64(42)};
  sim::GatewayService service_{world_, clock_, std::mt19937_64(7)};
  sim::TlsMaterial tls_;
  std::string ca_file_;
  bool use_tls_;
  boost::asio::io_context io_;
  std::shared_ptr<boost::asio::ssl::context> ssl_;
  std::unique_ptr<scaleio::http::HttpServer> server_;
  std::string address_;
  std::thread thread_;

  mutable std::mutex mu_;
  int hang_ = 0;
  int garbage_ = 0;
  std::string garbage_body_;
  int errors_ = 0;
  std::string unsupported_;
  std::vector<RecordedRequest> requests_;
  std::vector<std::shared_ptr<scaleio::http::HttpExchange>> held_;
};

}  // namespace scaleio::gateway::testing
