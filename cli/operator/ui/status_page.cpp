#include "cli/operator/ui/status_page.h"

namespace scaleio::operator_daemon {

// Defined in the status_page_html.cpp that embed_html.cmake generates from status_page.html.
extern const char kStatusPageHtml[];
extern const std::size_t kStatusPageHtmlSize;

namespace {

namespace beast_http = boost::beast::http;

// Inline script and style are the page's only code; fetches go to the daemon that served it.
constexpr char kContentSecurityPolicy[] =
    "default-src 'self'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; "
    "connect-src 'self'";

}  // namespace

std::string_view status_page_html() {
  return {kStatusPageHtml, kStatusPageHtmlSize};
}

http::Route status_page_route() {
  return {"GET", "/ui",
          "the status page (HTML): plan against observed per host, MDM quorum, pools, drift, "
          "reconcilers and the latest events, refreshed every 2 s from the JSON API",
          false, [](const http::Request&, const std::shared_ptr<http::HttpExchange>& exchange) {
            http::HttpResponse response(beast_http::status::ok, 11);
            response.set(beast_http::field::content_type, "text/html; charset=utf-8");
            response.set("Content-Security-Policy", kContentSecurityPolicy);
            response.set("X-Content-Type-Options", "nosniff");
            response.set(beast_http::field::cache_control, "no-cache");
            response.body() = std::string(status_page_html());
            response.prepare_payload();
            exchange->respond(std::move(response));
          }};
}

}  // namespace scaleio::operator_daemon
