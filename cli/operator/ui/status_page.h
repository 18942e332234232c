// GET /ui: the daemon's status page, one self-contained HTML page (no external assets) built into
// the binary from status_page.html. It only reads the JSON API, so it needs no token and changes
// nothing; a strict Content-Security-Policy keeps it to this page and same-origin fetches.
#pragma once

#include <string_view>

#include "adapters/http/router.h"

namespace scaleio::operator_daemon {

// GET /ui with its help line; mutates_state false.
http::Route status_page_route();

// The page as served (the embedded status_page.html).
std::string_view status_page_html();

}  // namespace scaleio::operator_daemon
