#include "adapters/mesos/observation_records.h"

namespace scaleio::mesos {

namespace {
constexpr size_t kPage = 1000;
}  // namespace

const char* status_source_name(StatusSource source) {
  switch (source) {
    case StatusSource::kAgent:
      return "SOURCE_AGENT";
    case StatusSource::kExecutor:
      return "SOURCE_EXECUTOR";
    case StatusSource::kMaster:
      break;
  }
  return "SOURCE_MASTER";
}

bool same_attributes(const google::protobuf::RepeatedPtrField<events::Attribute>& recorded,
                     const std::vector<events::Attribute>& offered) {
  if (static_cast<size_t>(recorded.size()) != offered.size()) return false;
  for (size_t i = 0; i < offered.size(); ++i) {
    const auto& x = recorded[static_cast<int>(i)];
    if (x.name() != offered[i].name() || x.type() != offered[i].type() ||
        x.text() != offered[i].text()) {
      return false;
    }
  }
  return true;
}

Status read_all_of_type(const EventStore& store, const std::string& type,
                        std::vector<Envelope>& out) {
  uint64_t from = 1;
  while (true) {
    auto page = store.read_type(type, from, kPage);
    if (!page.ok()) return page.status();
    const bool last = page->size() < kPage;
    for (auto& e : *page) out.push_back(std::move(e));
    if (last) return Status();
    from = out.back().sequence() + 1;
  }
}

}  // namespace scaleio::mesos
