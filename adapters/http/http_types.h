#pragma once
// The request/response types shared by the sim's HTTP server and every service behind it
// (Mesos master, gateway, control API), so services stay independent of the transport.
#include <boost/beast/http.hpp>

namespace scaleio::http {
using HttpRequest = boost::beast::http::request<boost::beast::http::string_body>;
using HttpResponse = boost::beast::http::response<boost::beast::http::string_body>;
}  // namespace scaleio::http
