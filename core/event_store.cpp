#include "core/event_store.h"

namespace scaleio {

std::string payload_type_name(const Envelope& event) {
  const auto* oneof = Envelope::descriptor()->FindOneofByName("payload");
  const auto* field = event.GetReflection()->GetOneofFieldDescriptor(event, oneof);
  if (field == nullptr) return "";
  return field->message_type()->name();
}

}  // namespace scaleio
