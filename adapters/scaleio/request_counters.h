// Requests the client sent, by HTTP method and status code (0 = no answer: connection error or
// timeout). The client reports each one to a callback; RequestCounters is a ready-made sink the
// metrics adapter (or a test) can read.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <string_view>
#include <utility>

namespace scaleio::gateway {

using RequestObserver = std::function<void(std::string_view method, int status)>;

class RequestCounters {
 public:
  void record(std::string_view method, int status) {
    std::lock_guard lock(mu_);
    ++counts_[{std::string(method), status}];
  }
  RequestObserver observer() {
    return [this](std::string_view method, int status) { record(method, status); };
  }
  uint64_t count(const std::string& method, int status) const {
    std::lock_guard lock(mu_);
    auto it = counts_.find({method, status});
    return it == counts_.end() ? 0 : it->second;
  }
  uint64_t total() const {
    std::lock_guard lock(mu_);
    uint64_t n = 0;
    for (const auto& [_, c] : counts_) n += c;
    return n;
  }
  std::map<std::pair<std::string, int>, uint64_t> snapshot() const {
    std::lock_guard lock(mu_);
    return counts_;
  }

 private:
  mutable std::mutex mu_;
  std::map<std::pair<std::string, int>, uint64_t> counts_;
};

}  // namespace scaleio::gateway
