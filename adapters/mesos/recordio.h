// RecordIO as the Mesos SUBSCRIBE stream frames it: "<decimal length>\n<length bytes>", repeated.
// HTTP chunk boundaries are unrelated to record boundaries, so the decoder buffers across feeds.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

#include "core/status.h"

namespace scaleio::mesos {

class RecordIoDecoder {
 public:
  // A larger length is refused rather than buffered (a corrupt or hostile stream).
  explicit RecordIoDecoder(size_t max_record_bytes = 64 * 1024 * 1024)
      : max_record_bytes_(max_record_bytes) {}

  // Appends stream bytes. After an error the decoder stays broken: the stream must be dropped.
  void feed(std::string_view bytes) { buffer_.append(bytes); }

  // The next complete record, nullopt when more bytes are needed, or kDataLoss when the framing is
  // broken (non-digit length, absurd length).
  Result<std::optional<std::string>> next();

  size_t buffered_bytes() const { return buffer_.size() - consumed_; }

 private:
  std::string buffer_;
  size_t consumed_ = 0;
  size_t max_record_bytes_;
  Status broken_;
};

}  // namespace scaleio::mesos
