// Both ends of a Mesos offer stream without a socket, for benchmarks. The master's end writes
// OFFERS events as scaleio-sim's master does (sim/mesos_offers.cpp: ids as {"value"} objects, url,
// resources with role and allocation_info, typed attributes), for the agents of the sim's generated
// cluster, RecordIO-framed. The client's end is SchedulerClient's read loop: bytes fed to the
// RecordIoDecoder as they come off the socket, each record through decode_event.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "core/events.pb.h"
#include "core/ports/mesos_types.h"
#include "core/status.h"

namespace scaleio::bench {

struct StreamAgent {
  std::string hostname;
  std::string agent_id;
  std::string ip;
  std::string offer_json_tail;  // the offer's JSON after its id: agent, url, resources, attributes
  std::vector<events::Attribute> attributes;  // as the adapter decodes them
};

// `count` agents of sim::generate_cluster_spec(count, seed) (beyond its limit of 1,000, copies of
// its data nodes under new names).
Result<std::vector<StreamAgent>> stream_agents(int count, uint64_t seed);

class OfferStreamWriter {
 public:
  explicit OfferStreamWriter(std::vector<StreamAgent> agents) : agents_(std::move(agents)) {}
  // `offers` offers, round robin over the agents, in OFFERS events of at most one offer per agent
  // (one event per allocation round, as the master's allocator sends them). Appends the framed
  // events to `stream` and returns how many events it wrote.
  size_t write(size_t offers, std::string& stream);
  const std::vector<StreamAgent>& agents() const { return agents_; }
  void add_agent(StreamAgent agent) { agents_.push_back(std::move(agent)); }

 private:
  std::vector<StreamAgent> agents_;
  size_t next_agent_ = 0;
  uint64_t next_offer_ = 1;
};

// Feeds `stream` to a RecordIoDecoder in pieces of `piece` bytes and decodes every record; calls
// `on_offers` with the offers of each OFFERS event. A broken stream is kDataLoss.
Status read_offer_stream(std::string_view stream, size_t piece,
                         const std::function<void(std::vector<mesos::Offer>)>& on_offers);

}  // namespace scaleio::bench
