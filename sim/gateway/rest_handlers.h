// The write side of the REST grammar: creates, instance actions and type actions, translated into
// ScaleioWorld operations. Each returns the JSON to answer with (null = empty 200 body).
#pragma once

#include <string>

#include <nlohmann/json.hpp>

#include "sim/gateway/mdm_error.h"
#include "sim/gateway/request_body.h"
#include "sim/gateway/scaleio_world.h"

namespace scaleio::sim::rest {

using Reply = MdmResult<nlohmann::json>;

// POST /api/types/{T}/instances
Reply create(ScaleioWorld& world, const std::string& type, const RequestBody& body);
// POST /api/instances/{T}::{id}/action/{action}
Reply instance_action(ScaleioWorld& world, const std::string& type, const std::string& id,
                      const std::string& action, const RequestBody& body);
// POST /api/types/{T}/instances/action/{action}
Reply type_action(ScaleioWorld& world, const std::string& type, const std::string& action,
                  const RequestBody& body);

// The error a GET of a missing object of this type answers with.
MdmError not_found_for(const std::string& type);

}  // namespace scaleio::sim::rest
