#pragma once
// RecordIO framing of the SUBSCRIBE stream ("<decimal length>\n<bytes>") and the simulator's
// deliberate chunking: HTTP chunk boundaries never line up with records, so clients that parse per
// chunk fail against the sim as they would against a real master under load.
#include <random>
#include <string>
#include <vector>

namespace scaleio::sim {

std::string recordio_encode(const std::string& record);

// Splits the concatenation of `records` (already framed) into HTTP chunks: every complete record
// but the last is packed into the first chunk together with the head of the last record, whose tail
// goes in a second chunk. So a batch of two or more records always has a chunk with several
// records, and the last record always spans two chunks. Split points come from `rng`.
std::vector<std::string> split_into_chunks(const std::vector<std::string>& framed_records,
                                           std::mt19937_64& rng);

}  // namespace scaleio::sim
