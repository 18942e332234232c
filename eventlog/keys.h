// Key layout of the event log's column families. Big-endian integers keep RocksDB's byte order
// equal to numeric order, so range scans walk sequences and versions in order.
//   events     BE64(sequence)                     -> Envelope bytes
//   streams    stream '\0' BE64(stream_version)   -> BE64(sequence)
//   types      event_type '\0' BE64(sequence)     -> ""
//   snapshots  projection '\0' BE64(sequence)     -> BE32(format_version) state
//   meta       name                               -> value
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace scaleio::eventlog::keys {

inline void put_be64(std::string& out, uint64_t v) {
  for (int shift = 56; shift >= 0; shift -= 8)
    out.push_back(static_cast<char>((v >> shift) & 0xff));
}

inline uint64_t get_be64(std::string_view in) {
  uint64_t v = 0;
  for (size_t i = 0; i < 8 && i < in.size(); ++i) v = (v << 8) | static_cast<uint8_t>(in[i]);
  return v;
}

inline std::string sequence_key(uint64_t sequence) {
  std::string k;
  k.reserve(8);
  put_be64(k, sequence);
  return k;
}

// `name '\0' BE64(n)`: shared by the stream, type and snapshot indexes.
inline std::string prefixed_key(std::string_view name, uint64_t n) {
  std::string k;
  k.reserve(name.size() + 9);
  k.append(name);
  k.push_back('\0');
  put_be64(k, n);
  return k;
}

inline std::string prefix_of(std::string_view name) {
  std::string p(name);
  p.push_back('\0');
  return p;
}

// The number at the end of a prefixed key.
inline uint64_t trailing_number(std::string_view key) {
  return key.size() < 8 ? 0 : get_be64(key.substr(key.size() - 8));
}

}  // namespace scaleio::eventlog::keys
