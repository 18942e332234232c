// The daemon's HTTP API: every route with its help line and whether it changes state. Routes
// that change state only append operator-command events; they never call a reconciler.
#pragma once

#include "adapters/http/router.h"
#include "core/status.h"

namespace scaleio::operator_daemon {

class Daemon;

Status add_api_routes(http::Router& router, Daemon& daemon);

}  // namespace scaleio::operator_daemon
