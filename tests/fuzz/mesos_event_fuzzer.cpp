// libFuzzer target for the Mesos JSON decoders: every record of the SUBSCRIBE stream and every
// GET_AGENTS answer is parsed from bytes the master (or whoever holds its address) sent.
// The input is one record. It goes through decode_event and decode_get_agents as bytes, and when it
// is JSON, straight into decode_offer, decode_task_status and decode_attributes as well (so that
// the fuzzer need not nest a value deep inside an event to reach them).
// Invariants: no crash and no exception escapes (libFuzzer reports an uncaught one as a crash);
// failures are kDataLoss; what decodes holds the fields its type promises, and an UPDATE can be
// acknowledged with the uuid it carried.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "adapters/mesos/json_codec.h"
#include "core/base64.h"

namespace {

using scaleio::StatusCode;
using scaleio::mesos::Event;

void check(bool ok) {
  if (!ok) std::abort();
}

template <typename T>
void check_failure_is_data_loss(const scaleio::Result<T>& result) {
  if (!result.ok()) check(result.status().code() == StatusCode::kDataLoss);
}

void check_offer(const scaleio::mesos::Offer& offer) {
  check(!offer.id.empty() && !offer.agent_id.empty());
}

void check_event(const Event& event) {
  switch (event.type) {
    case Event::Type::kSubscribed:
      check(event.type_name == "SUBSCRIBED" && !event.framework_id.empty());
      break;
    case Event::Type::kOffers:
      for (const auto& offer : event.offers) check_offer(offer);
      break;
    case Event::Type::kUpdate: {
      check(!event.status.task_id.empty());
      // The acknowledgement must carry the uuid back byte for byte, or the agent re-sends the
      // update for ever.
      const nlohmann::json ack = scaleio::mesos::encode_acknowledge("f-1", event.status);
      (void)ack.dump();
      const auto uuid = scaleio::base64_decode(ack["acknowledge"]["uuid"].get<std::string>());
      check(uuid.has_value() && *uuid == event.status.uuid);
      break;
    }
    default:
      break;
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view record(reinterpret_cast<const char*>(data), size);

  auto event = scaleio::mesos::decode_event(record);
  check_failure_is_data_loss(event);
  if (event.ok()) check_event(event.value());

  auto agents = scaleio::mesos::decode_get_agents(record);
  check_failure_is_data_loss(agents);
  if (agents.ok()) {
    for (const auto& agent : agents.value().agents) (void)agent.attributes.size();
  }

  const nlohmann::json j = nlohmann::json::parse(record, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded()) return 0;
  auto offer = scaleio::mesos::decode_offer(j);
  check_failure_is_data_loss(offer);
  if (offer.ok()) check_offer(offer.value());
  auto status = scaleio::mesos::decode_task_status(j);
  check_failure_is_data_loss(status);
  if (status.ok()) check(!status.value().task_id.empty());
  check_failure_is_data_loss(scaleio::mesos::decode_attributes(j));
  return 0;
}
