#include <catch2/catch.hpp>

#include "adapters/mesos/recordio.h"

using scaleio::StatusCode;
using scaleio::mesos::RecordIoDecoder;

namespace {
std::string frame(const std::string& record) {
  return std::to_string(record.size()) + "\n" + record;
}
}  // namespace

TEST_CASE("RecordIO: one record split across many chunks, byte by byte", "[recordio]") {
  RecordIoDecoder decoder;
  const std::string wire = frame(R"({"type":"HEARTBEAT"})");
  for (size_t i = 0; i + 1 < wire.size(); ++i) {
    decoder.feed(wire.substr(i, 1));
    auto r = decoder.next();
    REQUIRE(r.ok());
    CHECK_FALSE(r->has_value());
  }
  decoder.feed(wire.substr(wire.size() - 1));
  auto r = decoder.next();
  REQUIRE(r.ok());
  REQUIRE(r->has_value());
  CHECK(**r == R"({"type":"HEARTBEAT"})");
}

TEST_CASE("RecordIO: several records in one chunk, and a record ending mid-chunk", "[recordio]") {
  RecordIoDecoder decoder;
  const std::string wire = frame("a") + frame("") + frame("hello world") + frame("tail");
  decoder.feed(wire.substr(0, wire.size() - 2));
  std::vector<std::string> got;
  while (true) {
    auto r = decoder.next();
    REQUIRE(r.ok());
    if (!r->has_value()) break;
    got.push_back(**r);
  }
  CHECK(got == std::vector<std::string>{"a", "", "hello world"});
  decoder.feed(wire.substr(wire.size() - 2));
  auto r = decoder.next();
  REQUIRE(r.ok());
  REQUIRE(r->has_value());
  CHECK(**r == "tail");
}

TEST_CASE("RecordIO: a length over the limit is refused before buffering the body", "[recordio]") {
  RecordIoDecoder decoder(1024);
  decoder.feed("1025\n");
  auto r = decoder.next();
  REQUIRE_FALSE(r.ok());
  CHECK(r.status().code() == StatusCode::kDataLoss);
  CHECK_THAT(r.status().message(), Catch::Contains("exceeds the limit"));
  // Stays broken: the stream must be dropped.
  decoder.feed("1\nx");
  CHECK_FALSE(decoder.next().ok());
}

TEST_CASE("RecordIO: absurdly long length digits are refused even before the newline",
          "[recordio]") {
  RecordIoDecoder decoder;
  decoder.feed("99999999999999999999999");
  auto r = decoder.next();
  REQUIRE_FALSE(r.ok());
  CHECK(r.status().code() == StatusCode::kDataLoss);
}

TEST_CASE("RecordIO: a non-digit length is refused", "[recordio]") {
  for (const std::string wire : {"12a\n", "-1\n", " 3\nabc", "\nabc", "{\"type\""}) {
    RecordIoDecoder decoder;
    decoder.feed(wire);
    auto r = decoder.next();
    INFO(wire);
    REQUIRE_FALSE(r.ok());
    CHECK(r.status().code() == StatusCode::kDataLoss);
  }
}

TEST_CASE("RecordIO: a long stream does not grow the buffer without bound", "[recordio]") {
  RecordIoDecoder decoder;
  const std::string record(100, 'x');
  for (int i = 0; i < 2000; ++i) {
    decoder.feed(frame(record));
    auto r = decoder.next();
    REQUIRE(r.ok());
    REQUIRE(r->has_value());
  }
  CHECK(decoder.buffered_bytes() == 0);
}
