// libFuzzer target for the Mesos RecordIO decoder: the SUBSCRIBE stream comes from the network, so
// its framing may be anything and its HTTP chunks may split it anywhere.
// Input layout (FuzzedDataProvider): from the END, the record limit, how often the payload is
// repeated (so that long valid streams exercise the buffer compaction past 4 KiB), the number of
// chunks and each split offset; the FRONT is the payload.
// Invariants: no crash; no record longer than the limit; one chunk and many chunks give the same
// records and the same end state; both agree with a plain reference reading of the framing.
#include <fuzzer/FuzzedDataProvider.h>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "adapters/mesos/recordio.h"

namespace {

void check(bool ok) {
  if (!ok) std::abort();
}

struct Decoded {
  std::vector<std::string> records;
  bool broken = false;
  size_t buffered = 0;
};

// Drains every complete record; stops at the first error (the stream is then dropped).
void drain(scaleio::mesos::RecordIoDecoder& decoder, Decoded& out) {
  while (!out.broken) {
    auto next = decoder.next();
    if (!next.ok()) {
      check(next.status().code() == scaleio::StatusCode::kDataLoss);
      out.broken = true;
      // The decoder stays broken.
      check(!decoder.next().ok());
      return;
    }
    if (!next.value()) return;
    out.records.push_back(std::move(*next.value()));
  }
}

// The framing read the obvious way, independent of the decoder's buffering.
Decoded reference(std::string_view stream, size_t limit) {
  Decoded out;
  size_t at = 0;
  while (true) {
    const size_t newline = stream.find('\n', at);
    const size_t end = newline == std::string_view::npos ? stream.size() : newline;
    std::string_view digits = stream.substr(at, end - at);
    if (digits.size() > 19 ||
        !std::all_of(digits.begin(), digits.end(), [](char c) { return c >= '0' && c <= '9'; })) {
      out.broken = true;
      return out;
    }
    if (newline == std::string_view::npos) break;
    if (digits.empty()) {
      out.broken = true;
      return out;
    }
    const uint64_t length = std::stoull(std::string(digits));
    if (length > limit) {
      out.broken = true;
      return out;
    }
    if (stream.size() - (newline + 1) < length) break;
    out.records.emplace_back(stream.substr(newline + 1, length));
    at = newline + 1 + length;
  }
  out.buffered = stream.size() - at;
  return out;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  FuzzedDataProvider provider(data, size);
  const size_t limit = provider.ConsumeIntegralInRange<size_t>(0, 4096);
  const int repeat = provider.ConsumeIntegralInRange<int>(1, 4);
  const int splits = provider.ConsumeIntegralInRange<int>(0, 32);
  std::vector<uint16_t> offsets;
  for (int i = 0; i < splits; ++i) offsets.push_back(provider.ConsumeIntegral<uint16_t>());
  const std::string payload = provider.ConsumeRemainingBytesAsString();
  std::string stream;
  for (int i = 0; i < repeat; ++i) stream += payload;

  Decoded whole;
  scaleio::mesos::RecordIoDecoder one(limit);
  one.feed(stream);
  drain(one, whole);
  if (!whole.broken) whole.buffered = one.buffered_bytes();

  std::vector<size_t> cuts;
  for (uint16_t o : offsets) cuts.push_back(stream.empty() ? 0 : o % (stream.size() + 1));
  cuts.push_back(0);
  cuts.push_back(stream.size());
  std::sort(cuts.begin(), cuts.end());
  Decoded chunked;
  scaleio::mesos::RecordIoDecoder many(limit);
  for (size_t i = 0; i + 1 < cuts.size(); ++i) {
    // Empty chunks too: a zero-length HTTP chunk must change nothing.
    many.feed(std::string_view(stream).substr(cuts[i], cuts[i + 1] - cuts[i]));
    drain(many, chunked);
  }
  if (!chunked.broken) chunked.buffered = many.buffered_bytes();

  const Decoded expected = reference(stream, limit);
  for (const auto& r : whole.records) check(r.size() <= limit);
  check(whole.records == chunked.records);
  check(whole.broken == chunked.broken);
  check(whole.buffered == chunked.buffered);
  check(whole.records == expected.records);
  check(whole.broken == expected.broken);
  check(whole.buffered == expected.buffered);
  return 0;
}
