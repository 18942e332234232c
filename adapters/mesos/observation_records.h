// Small pieces of how Mesos observations become events, shared by the scheduler client and the
// deterministic simulation's in-process driver so that both write the log the same way.
#pragma once

#include <string>
#include <vector>

#include "core/event_store.h"
#include "core/ports/mesos_types.h"

namespace scaleio::mesos {

// "SOURCE_MASTER", "SOURCE_AGENT", "SOURCE_EXECUTOR" (TaskStatusObserved.source).
const char* status_source_name(StatusSource source);

// Same names, types and printed values, in order: an agent whose attributes did not change.
bool same_attributes(const google::protobuf::RepeatedPtrField<events::Attribute>& recorded,
                     const std::vector<events::Attribute>& offered);

// Every event of `type`, in sequence order, read page by page.
Status read_all_of_type(const EventStore& store, const std::string& type,
                        std::vector<Envelope>& out);

}  // namespace scaleio::mesos
