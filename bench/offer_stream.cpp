#include "bench/offer_stream.h"

#include <algorithm>

#include <nlohmann/json.hpp>

#include "adapters/mesos/json_codec.h"
#include "adapters/mesos/recordio.h"
#include "sim/cluster_spec.h"
#include "sim/recordio.h"

namespace scaleio::bench {

namespace {

// Ids the way a real master forms them (UUID-based), so their length is realistic.
constexpr char kMasterId[] = "3e9d6741-f0e7-4e70-97fb-abda4bcc965a";
constexpr char kFrameworkId[] = "3e9d6741-f0e7-4e70-97fb-abda4bcc965a-0000";
constexpr char kRole[] = "scaleio";

nlohmann::json id_object(const std::string& value) {
  return {{"value", value}};
}

}  // namespace

Result<std::vector<StreamAgent>> stream_agents(int count, uint64_t seed) {
  // The generator stops at 1,000 agents; more are copies of its data nodes under new names.
  constexpr int kGeneratorLimit = 1000;
  Result<sim::ClusterSpec> spec =
      sim::generate_cluster_spec(std::min(count, kGeneratorLimit), seed);
  if (!spec.ok()) return spec.status();
  std::vector<sim::AgentSpec> agents = spec->agents;
  for (int i = kGeneratorLimit; i < count; ++i) {
    sim::AgentSpec copy = agents[static_cast<size_t>(3 + i % (kGeneratorLimit - 3))];
    copy.hostname = "node-" + std::to_string(i + 1);
    copy.ip = "10.1." + std::to_string(i / 256 % 256) + "." + std::to_string(i % 256);
    agents.push_back(std::move(copy));
  }
  std::vector<StreamAgent> out;
  int n = 0;
  for (const sim::AgentSpec& a : agents) {
    StreamAgent agent;
    agent.hostname = a.hostname;
    agent.agent_id = std::string(kMasterId) + "-S" + std::to_string(n++);
    agent.ip = a.ip;
    nlohmann::json attributes = nlohmann::json::array();
    for (const auto& attribute : a.attributes) attributes.push_back(attribute.to_json());
    Result<std::vector<events::Attribute>> decoded = mesos::decode_attributes(attributes);
    if (!decoded.ok()) return decoded.status();
    agent.attributes = std::move(decoded.value());
    // Everything but the offer id, in the order sim/mesos_offers.cpp builds it.
    nlohmann::json tail = {{"framework_id", id_object(kFrameworkId)},
                           {"agent_id", id_object(agent.agent_id)},
                           {"hostname", a.hostname},
                           {"url",
                            {{"scheme", "http"},
                             {"address", {{"hostname", a.ip}, {"ip", a.ip}, {"port", 5051}}},
                             {"path", "/slave(1)"}}},
                           {"resources", a.resources.to_json(kRole)},
                           {"attributes", attributes},
                           {"allocation_info", {{"role", kRole}}}};
    std::string text = tail.dump();  // "{...}": keep the members, drop the braces
    agent.offer_json_tail = text.substr(1, text.size() - 2);
    out.push_back(std::move(agent));
  }
  return out;
}

size_t OfferStreamWriter::write(size_t offers, std::string& stream) {
  size_t events = 0;
  while (offers > 0) {
    const size_t in_event = std::min(offers, agents_.size());
    std::string record = R"({"type":"OFFERS","offers":{"offers":[)";
    for (size_t i = 0; i < in_event; ++i) {
      const StreamAgent& agent = agents_[next_agent_++ % agents_.size()];
      if (i > 0) record += ',';
      record += R"({"id":{"value":")" + std::string(kMasterId) + "-O" +
                std::to_string(next_offer_++) + R"("},)" + agent.offer_json_tail + '}';
    }
    record += "]}}";
    stream += sim::recordio_encode(record);
    offers -= in_event;
    ++events;
  }
  return events;
}

Status read_offer_stream(std::string_view stream, size_t piece,
                         const std::function<void(std::vector<mesos::Offer>)>& on_offers) {
  mesos::RecordIoDecoder decoder;
  for (size_t at = 0; at < stream.size(); at += piece) {
    decoder.feed(stream.substr(at, piece));
    for (;;) {
      auto record = decoder.next();
      if (!record.ok()) return record.status();
      if (!record->has_value()) break;
      auto event = mesos::decode_event(**record);
      if (!event.ok()) return event.status();
      if (event->type == mesos::Event::Type::kOffers) on_offers(std::move(event->offers));
    }
  }
  if (decoder.buffered_bytes() != 0) return data_loss("offer stream ends inside a record");
  return Status();
}

}  // namespace scaleio::bench
