// GET /api/instances parsed while it is read, straight into sio::Inventory (issue 11: at 5,000
// nodes the listing's JSON tree was the daemon's largest transient allocation).
//
// nlohmann's SAX interface walks the body; only ONE list item at a time is held as JSON, and only
// with the fields object_parsers.h reads ("links" and everything else are skipped as they stream
// by). That item goes through the same parse_sds, parse_device, ... as every other answer, so the
// values, the defaults and the tolerance for odd field types are those of parse_inventory.
//
// The result equals parse_inventory(json::parse(body), endpoint) for every body: the same
// objects, and for a wrong body the same kInvalidArgument message ("<endpoint>: the gateway's
// answer is not JSON: ...", "<endpoint> sdsList: an object without an id", ...), reported in the
// same order (a body that is not JSON says so even when it is also of the wrong shape).
#pragma once

#include <string>
#include <string_view>

#include "core/ports/scaleio_types.h"
#include "core/status.h"

namespace scaleio::gateway {

// `endpoint` names the call in errors ("GET /api/instances"). An empty body reads as JSON null
// (as RestSession::call hands it to parse_inventory).
Result<sio::Inventory> parse_inventory_stream(std::string_view body, const std::string& endpoint);

}  // namespace scaleio::gateway
