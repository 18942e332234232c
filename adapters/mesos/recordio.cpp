#include "adapters/mesos/recordio.h"

namespace scaleio::mesos {

namespace {
// Lengths have at most this many digits: 20 digits already exceed 2^64.
constexpr size_t kMaxLengthDigits = 19;
}  // namespace

Result<std::optional<std::string>> RecordIoDecoder::next() {
  if (!broken_.ok()) return broken_;
  const size_t newline = buffer_.find('\n', consumed_);
  const size_t header_end = newline == std::string::npos ? buffer_.size() : newline;
  // Check the digits seen so far even before the newline arrives, so that garbage is refused at
  // once instead of being buffered without bound.
  if (header_end - consumed_ > kMaxLengthDigits) {
    broken_ = data_loss("RecordIO: record length has more than 19 digits");
    return broken_;
  }
  uint64_t length = 0;
  for (size_t i = consumed_; i < header_end; ++i) {
    const char c = buffer_[i];
    if (c < '0' || c > '9') {
      broken_ = data_loss("RecordIO: record length is not a decimal number");
      return broken_;
    }
    length = length * 10 + static_cast<uint64_t>(c - '0');
  }
  if (newline == std::string::npos) return std::optional<std::string>();
  if (newline == consumed_) {
    broken_ = data_loss("RecordIO: empty record length");
    return broken_;
  }
  if (length > max_record_bytes_) {
    broken_ = data_loss("RecordIO: record of " + std::to_string(length) +
                        " bytes exceeds the limit of " + std::to_string(max_record_bytes_));
    return broken_;
  }
  const size_t body_start = newline + 1;
  if (buffer_.size() - body_start < length) return std::optional<std::string>();
  std::string record = buffer_.substr(body_start, length);
  consumed_ = body_start + length;
  // Compact once the consumed prefix dominates, so a long-lived stream does not grow the buffer.
  if (consumed_ > 4096 && consumed_ * 2 > buffer_.size()) {
    buffer_.erase(0, consumed_);
    consumed_ = 0;
  }
  return std::optional<std::string>(std::move(record));
}

}  // namespace scaleio::mesos
