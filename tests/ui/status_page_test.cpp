// The status page (GET /ui) in a real browser: an HttpServer on 127.0.0.1 serves the page's route
// and a canned cluster on the /v1/* endpoints (canned_cluster.h), and headless Chromium loads it,
// runs its script and dumps the DOM or a screenshot. The daemon is not involved.
#include <catch2/catch.hpp>

#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>

#include <atomic>
#include <cstdlib>
#include <fstream>
#include <regex>
#include <thread>

#include "adapters/http/http_server.h"
#include "adapters/http/router.h"
#include "cli/operator/ui/status_page.h"
#include "tests/sim/raw_http_client.h"
#include "tests/support/temp_dir.h"
#include "tests/ui/canned_cluster.h"
#include "tests/ui/headless_chromium.h"

namespace scaleio::ui::testing {

namespace {

namespace bhttp = boost::beast::http;
using Exchange = std::shared_ptr<http::HttpExchange>;

// The page's route plus the canned API. With `api_down` set, the /v1/* requests are dropped
// unanswered (the connection closes), which is what a browser sees of a daemon that went away.
class CannedUiServer {
 public:
  CannedUiServer() {
    REQUIRE(router_.add(operator_daemon::status_page_route()).ok());
    add_json("/v1/plan", [] { return plan_document(); });
    add_json("/v1/state", [] { return state_document(); });
    add_json("/v1/drift", [] { return drift_document(); });
    add_json("/v1/reconcilers", [] { return reconcilers_document(); });
    REQUIRE(router_
                .add({"GET", "/v1/events", "canned events", false,
                      [this](const http::Request& request, const Exchange& ex) {
                        if (api_down) return;
                        auto number = [&](const char* key, uint64_t fallback) {
                          auto it = request.query.find(key);
                          return it == request.query.end() ? fallback : std::stoull(it->second);
                        };
                        ex->respond(http::json_response(
                            bhttp::status::ok,
                            events_document(number("from", 1), number("limit", 100))));
                      }})
                .ok());
    server_ = std::make_unique<http::HttpServer>(io_, router_.handler());
    REQUIRE(server_->listen("127.0.0.1:0").ok());
    thread_ = std::thread([this] { io_.run(); });
  }
  ~CannedUiServer() {
    boost::asio::post(io_, [this] { server_->stop(); });
    io_.stop();
    thread_.join();
  }

  std::string host_port() const {
    return "127.0.0.1:" + std::to_string(server_->local_endpoint().port());
  }
  std::string url(const std::string& path) const { return "http://" + host_port() + path; }

  std::atomic<bool> api_down{false};

 private:
  void add_json(const std::string& path, nlohmann::json (*document)()) {
    REQUIRE(router_
                .add({"GET", path, "canned " + path, false,
                      [this, document](const http::Request&, const Exchange& ex) {
                        if (api_down) return;
                        ex->respond(http::json_response(bhttp::status::ok, document()));
                      }})
                .ok());
  }

  boost::asio::io_context io_;
  http::Router router_;
  std::unique_ptr<http::HttpServer> server_;
  std::thread thread_;
};

bool contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

// The rendered content of the element with this id, up to the end of its <section>, without the
// page's own script (whose source names fields like "nodes" too).
std::string rendered_section(const std::string& dom, const std::string& id) {
  const size_t start = dom.find("id=\"" + id + "\"");
  if (start == std::string::npos) return "";
  const size_t end = dom.find("</section>", start);
  return dom.substr(start, end == std::string::npos ? std::string::npos : end - start);
}

// What the banner says ("" while hidden).
std::string banner_text(const std::string& dom) {
  const size_t tag = dom.find("id=\"banner\"");
  if (tag == std::string::npos) return "<no banner>";
  const size_t start = dom.find('>', tag) + 1;
  return dom.substr(start, dom.find("</div>", start) - start);
}

#define REQUIRE_CHROMIUM(var)                                                          \
  const auto var = find_chromium();                                                    \
  if (!var) {                                                                          \
    FAIL(                                                                              \
        "no headless Chromium found: install the Debian package chromium (./x does), " \
        "or set SCALEIO_CHROMIUM");                                                    \
  }

}  // namespace

TEST_CASE("the page is self-contained: no external scripts, styles, images or links") {
  const std::string html(operator_daemon::status_page_html());
  REQUIRE(html.size() > 1000);
  CHECK(contains(html, "<!DOCTYPE html>"));
  const std::regex external(R"((src|href|action)\s*=\s*["']?\s*(https?:)?//)", std::regex::icase);
  CHECK_FALSE(std::regex_search(html, external));
  CHECK_FALSE(contains(html, "http://"));
  CHECK_FALSE(contains(html, "https://"));
  CHECK_FALSE(contains(html, "@import"));
  CHECK_FALSE(contains(html, "url("));
  CHECK_FALSE(contains(html, "<link"));
  // Data goes in as text, never as markup: names come from agents and the gateway.
  CHECK_FALSE(contains(html, "innerHTML"));
  CHECK_FALSE(contains(html, "document.write"));
}

TEST_CASE("GET /ui serves the page as HTML under a strict Content-Security-Policy") {
  CannedUiServer server;
  auto response = sim::test::http_request(server.host_port(), "GET", "/ui", "", {});
  REQUIRE(response);
  CHECK(response->status == 200);
  CHECK(response->header("content-type") == "text/html; charset=utf-8");
  CHECK(response->header("content-security-policy") ==
        "default-src 'self'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; "
        "connect-src 'self'");
  CHECK(response->header("x-content-type-options") == "nosniff");
  CHECK(response->body == std::string(operator_daemon::status_page_html()));
  const auto route = operator_daemon::status_page_route();
  CHECK_FALSE(route.mutates_state);
  CHECK_FALSE(route.help.empty());
}

TEST_CASE(
    "headless Chromium renders the canned cluster: hosts, quorum, capacity, drift, reconcilers") {
  REQUIRE_CHROMIUM(chromium);
  CannedUiServer server;
  scaleio::testing::TempDir dir;
  const auto run = run_chromium(*chromium, server.url("/ui"), {"--dump-dom"}, dir.path());
  INFO("chromium exit " << run.exit_code << ", stderr tail: "
                        << run.err.substr(run.err.size() > 2000 ? run.err.size() - 2000 : 0));
  REQUIRE(run.exit_code == 0);
  const std::string& dom = run.out;
  REQUIRE(contains(dom, "ScaleIO Operator"));

  const std::string hosts = rendered_section(dom, "hosts");
  for (const auto& host : kHosts) CHECK(contains(hosts, host));
  CHECK(contains(hosts, "TASK_RUNNING"));
  CHECK(contains(hosts, "master"));

  const std::string mdm = rendered_section(dom, "mdm");
  CHECK(contains(mdm, "ClusteredNormal"));
  CHECK(contains(mdm, "ThreeNodes"));

  const std::string pools = rendered_section(dom, "pools");
  CHECK(contains(pools, "pd1/sp1"));
  CHECK(contains(pools, std::string(kPoolUsed) + " of " + kPoolCapacity + " (33%)"));

  const std::string drift = rendered_section(dom, "drift");
  for (const auto& resource : kDriftResources) CHECK(contains(drift, resource));
  CHECK(contains(dom, "2 drift items"));

  const std::string reconcilers = rendered_section(dom, "reconcilers");
  for (const auto& name : kReconcilers) CHECK(contains(reconcilers, "<b>" + name + "</b>"));
  CHECK(contains(reconcilers, "paused"));
  CHECK(contains(reconcilers, "add_device"));  // the target in backoff

  const std::string events = rendered_section(dom, "events");
  CHECK(contains(events, "OperatorCommand"));
  CHECK(contains(events, "ActionFailed"));
  CHECK(contains(events, "GatewayReachable"));

  // Nothing failed on the way: no banner shown.
  CHECK(banner_text(dom).empty());
}

TEST_CASE("the page says the daemon is unreachable when its API stops answering") {
  REQUIRE_CHROMIUM(chromium);
  CannedUiServer server;
  server.api_down = true;
  scaleio::testing::TempDir dir;
  const auto run = run_chromium(*chromium, server.url("/ui"), {"--dump-dom"}, dir.path());
  INFO("chromium exit " << run.exit_code);
  REQUIRE(run.exit_code == 0);
  CHECK(contains(banner_text(run.out), "daemon unreachable: "));
  CHECK(contains(run.out, "id=\"banner\" role=\"alert\" class=\"shown\""));
  for (const auto& host : kHosts) CHECK_FALSE(contains(rendered_section(run.out, "hosts"), host));
}

TEST_CASE("a screenshot of the page is a 1280x900 PNG with content on it") {
  REQUIRE_CHROMIUM(chromium);
  CannedUiServer server;
  scaleio::testing::TempDir dir;
  const std::vector<std::string> size = {"--window-size=1280,900", "--hide-scrollbars"};

  auto shoot = [&](const std::string& url, const std::string& name) {
    const std::string png = dir.sub(name);
    auto args = size;
    args.push_back("--screenshot=" + png);
    const auto run = run_chromium(*chromium, url, args, dir.path());
    INFO("chromium exit " << run.exit_code << ", stderr tail: "
                          << run.err.substr(run.err.size() > 2000 ? run.err.size() - 2000 : 0));
    REQUIRE(run.exit_code == 0);
    return read_file(png);
  };
  const std::string page = shoot(server.url("/ui"), "page.png");
  // For a look by eye: SCALEIO_UI_SCREENSHOT=FILE keeps a copy.
  if (const char* keep = std::getenv("SCALEIO_UI_SCREENSHOT"); keep && *keep) {
    std::ofstream(keep, std::ios::binary) << page;
  }
  const auto header = read_png_header(page);
  REQUIRE(header);
  CHECK(header->width == 1280);
  CHECK(header->height == 900);

  // Not one flat colour: a blank page of the same size compresses to a fraction of the page's
  // size (text, tables and bars do not compress like a flat field).
  const std::string blank = shoot("about:blank", "blank.png");
  const auto blank_header = read_png_header(blank);
  REQUIRE(blank_header);
  CHECK(blank_header->width == 1280);
  INFO("page.png " << page.size() << " bytes, blank.png " << blank.size() << " bytes");
  CHECK(page.size() > 4 * blank.size());
}

}  // namespace scaleio::ui::testing
