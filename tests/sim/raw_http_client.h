#pragma once
// A deliberately dumb HTTP/1.1 client for protocol tests: POSIX sockets, every read bounded by a
// timeout, chunked bodies read chunk by chunk so tests can see where the server put boundaries.
#include <chrono>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace scaleio::sim::test {

using namespace std::chrono_literals;

struct RawResponse {
  int status = 0;
  std::map<std::string, std::string> headers;  // names lower-cased
  std::string body;                            // empty for chunked responses
  bool chunked = false;
  std::string header(const std::string& name) const {
    auto it = headers.find(name);
    return it == headers.end() ? "" : it->second;
  }
};

class RawConnection {
 public:
  explicit RawConnection(const std::string& host_port);
  ~RawConnection();
  RawConnection(RawConnection&& other) noexcept;
  RawConnection(const RawConnection&) = delete;
  RawConnection& operator=(const RawConnection&) = delete;

  bool connected() const { return fd_ >= 0; }
  void send_raw(const std::string& bytes);
  void send_request(const std::string& method, const std::string& target,
                    const std::map<std::string, std::string>& headers, const std::string& body);
  // Reads the status line and headers, and the body when it has a Content-Length.
  std::optional<RawResponse> read_response(std::chrono::milliseconds timeout = 5s);
  // The next chunk's payload; nullopt at the last chunk, on close or on timeout.
  std::optional<std::string> read_chunk(std::chrono::milliseconds timeout = 5s);
  // True if the peer closes (or ends the chunked body) within `timeout`.
  bool wait_closed(std::chrono::milliseconds timeout = 5s);
  bool saw_last_chunk() const { return last_chunk_; }

 private:
  bool fill(std::chrono::steady_clock::time_point deadline);
  std::optional<std::string> read_line(std::chrono::steady_clock::time_point deadline);
  bool read_exact(std::size_t n, std::string& out, std::chrono::steady_clock::time_point deadline);

  int fd_ = -1;
  std::string host_port_;
  std::string buffer_;
  bool eof_ = false;
  bool last_chunk_ = false;
};

// One request on a fresh connection.
std::optional<RawResponse> http_request(const std::string& host_port, const std::string& method,
                                        const std::string& target, const std::string& body,
                                        const std::map<std::string, std::string>& headers);

// Splits RecordIO across whatever chunks arrive.
class RecordIoReader {
 public:
  void feed(const std::string& bytes) { buffer_ += bytes; }
  std::optional<std::string> next_record();
  std::size_t buffered() const { return buffer_.size(); }

 private:
  std::string buffer_;
};

}  // namespace scaleio::sim::test
