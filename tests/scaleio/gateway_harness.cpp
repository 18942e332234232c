#include "tests/scaleio/gateway_harness.h"

#include <boost/asio/executor_work_guard.hpp>
#include <fstream>

namespace scaleio::gateway::testing {

namespace net = boost::asio;
namespace http = boost::beast::http;

GatewayHarness::GatewayHarness(bool tls) : use_tls_(tls) {
  auto material = sim::generate_tls_material();
  if (!material.ok()) throw std::runtime_error(material.status().to_string());
  tls_ = *material;
  ca_file_ = dir_.sub("ca.pem");
  std::ofstream(ca_file_) << tls_.ca_pem;
  if (use_tls_) {
    ssl_ = std::make_shared<net::ssl::context>(net::ssl::context::tls_server);
    boost::system::error_code ec;
    ssl_->use_certificate_chain(net::buffer(tls_.chain_pem()), ec);
    if (!ec) ssl_->use_private_key(net::buffer(tls_.key_pem), net::ssl::context::pem, ec);
    if (ec) throw std::runtime_error("TLS setup: " + ec.message());
  }
  start_server();
  address_ = server_->address();
  thread_ = std::thread([this] {
    auto guard = net::make_work_guard(io_);
    io_.run();
  });
}

GatewayHarness::~GatewayHarness() {
  try {
    on_io([this] {
      held_.clear();
      server_->stop();
      return 0;
    });
  } catch (...) {
  }
  io_.stop();
  thread_.join();
}

void GatewayHarness::start_server() {
  scaleio::http::HttpServerOptions options;
  options.idle_timeout = std::chrono::seconds(30);
  server_ = std::make_unique<scaleio::http::HttpServer>(
      io_, [this](std::shared_ptr<scaleio::http::HttpExchange> exchange) { handle(exchange); },
      options, ssl_);
  const std::string where = address_.empty() ? "127.0.0.1:0" : address_;
  if (Status s = server_->listen(where); !s.ok()) throw std::runtime_error(s.to_string());
}

std::string GatewayHarness::url() const {
  return (use_tls_ ? "https://" : "http://") + address_;
}

void GatewayHarness::handle(const std::shared_ptr<scaleio::http::HttpExchange>& exchange) {
  const auto& request = exchange->request();
  enum { kServe, kHang, kGarbage, kError, kMissing } action = kServe;
  std::string garbage;
  {
    std::lock_guard lock(mu_);
    requests_.push_back(
        {std::string(request.method_string()), std::string(request.target()), request.body()});
    if (!unsupported_.empty() && request.target() == unsupported_) {
      action = kMissing;
    } else if (hang_ > 0) {
      --hang_;
      action = kHang;
    } else if (garbage_ > 0) {
      --garbage_;
      action = kGarbage;
      garbage = garbage_body_;
    } else if (errors_ > 0) {
      --errors_;
      action = kError;
    }
  }
  if (action == kHang) {
    held_.push_back(exchange);  // never answered while held
    return;
  }
  scaleio::http::HttpResponse response{http::status::ok, request.version()};
  response.keep_alive(request.keep_alive());
  if (action == kGarbage) {
    response.set(http::field::content_type, "text/html");
    response.body() = garbage;
  } else if (action == kMissing) {
    response.result(http::status::not_found);
    response.body() = R"({"message":"Not found","httpStatusCode":404,"errorCode":0})";
  } else if (action == kError) {
    response.result(http::status::internal_server_error);
    response.set(http::field::content_type, "application/json");
    response.body() = R"({"message":"Internal server error","httpStatusCode":500,"errorCode":0})";
  } else {
    response = service_.handle(request);
  }
  response.prepare_payload();
  exchange->respond(std::move(response));
}

void GatewayHarness::hang_next(int n) {
  std::lock_guard lock(mu_);
  hang_ = n;
}
void GatewayHarness::garbage_next(int n, std::string body) {
  std::lock_guard lock(mu_);
  garbage_ = n;
  garbage_body_ = std::move(body);
}
void GatewayHarness::fail_next_with_500(int n) {
  std::lock_guard lock(mu_);
  errors_ = n;
}

void GatewayHarness::unsupported(std::string target) {
  std::lock_guard lock(mu_);
  unsupported_ = std::move(target);
}

void GatewayHarness::expire_tokens() {
  on_io([this] {
    service_.expire_tokens();
    return 0;
  });
}

void GatewayHarness::restart() {
  on_io([this] {
    held_.clear();
    server_->stop();
    service_.restart();
    start_server();
    return 0;
  });
}

void GatewayHarness::advance(Clock::Duration d) {
  clock_.advance(d);
  on_io([this] {
    world_.tick(clock_.now());
    return 0;
  });
}

std::vector<RecordedRequest> GatewayHarness::requests() const {
  std::lock_guard lock(mu_);
  return requests_;
}

void GatewayHarness::clear_requests() {
  std::lock_guard lock(mu_);
  requests_.clear();
}

int GatewayHarness::logins() const {
  std::lock_guard lock(mu_);
  int n = 0;
  for (const auto& r : requests_) n += r.target.find("/api/login") != std::string::npos;
  return n;
}

void GatewayHarness::install_sdc(const std::string& hostname, const std::string& ip) {
  on_io([&] {
    world_.node_installed(sim::NodeInstall{hostname, ip, {"sdc"}, {"10.0.0.1", "10.0.0.2"}});
    return 0;
  });
}

void GatewayHarness::three_node_cluster() {
  auto status = on_io([this]() -> Status {
    const std::vector<std::string> mdms = {"10.0.0.1", "10.0.0.2"};
    world_.node_installed(sim::NodeInstall{"mdm1", "10.0.0.1", {"mdm", "sds", "sdc"}, mdms});
    world_.node_installed(sim::NodeInstall{"mdm2", "10.0.0.2", {"mdm", "sds", "sdc"}, mdms});
    world_.node_installed(sim::NodeInstall{"tb1", "10.0.0.3", {"tb", "sds", "sdc"}, mdms});
    for (const auto& argv : std::vector<std::vector<std::string>>{
             {"mdm", "create-cluster", "--master-ip", "10.0.0.1", "--master-name", "mdm1"},
             {"mdm", "add-standby", "--ip", "10.0.0.2", "--role", "manager", "--name", "mdm2"},
             {"mdm", "add-standby", "--ip", "10.0.0.3", "--role", "tb", "--name", "tb1"},
             {"mdm", "switch-mode", "--mode", "3_node", "--add-slaves", "mdm2", "--add-tbs",
              "tb1"}}) {
      auto out = world_.run_mdm_command("mdm1", argv);
      if (!out.ok()) return out.status();
    }
    return Status();
  });
  if (!status.ok()) throw std::runtime_error("three_node_cluster: " + status.to_string());
}

}  // namespace scaleio::gateway::testing
