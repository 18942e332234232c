#include "sim/recordio.h"

namespace scaleio::sim {

std::string recordio_encode(const std::string& record) {
  return std::to_string(record.size()) + "\n" + record;
}

std::vector<std::string> split_into_chunks(const std::vector<std::string>& framed_records,
                                           std::mt19937_64& rng) {
  if (framed_records.empty()) return {};
  std::string all;
  for (const auto& r : framed_records) all += r;
  const std::size_t last_size = framed_records.back().size();
  if (last_size < 2) return {all};
  const std::size_t last_start = all.size() - last_size;
  // Cut strictly inside the last record: anywhere from just after its first byte (inside the
  // length prefix) to just before its last byte.
  std::uniform_int_distribution<std::size_t> cut(1, last_size - 1);
  const std::size_t split = last_start + cut(rng);
  return {all.substr(0, split), all.substr(split)};
}

}  // namespace scaleio::sim
