// ScaleIO object ids: 16 lower-case hex characters. Drawn from the world's seeded generator so a
// given seed always yields the same ids (the deterministic simulation compares runs by seed).
#pragma once

#include <cstdint>
#include <random>
#include <set>
#include <string>

namespace scaleio::sim {

class IdGenerator {
 public:
  explicit IdGenerator(std::mt19937_64& rng) : rng_(rng) {}

  // A fresh id never handed out before by this generator (and never the all-zero "unset" id).
  std::string next();

  // An SDC GUID: "1A2B3C4D-5E6F-7081-92A3-B4C5D6E7F809".
  std::string guid();

  static std::string to_hex16(uint64_t value);

 private:
  std::mt19937_64& rng_;
  std::set<std::string> issued_;
};

}  // namespace scaleio::sim
