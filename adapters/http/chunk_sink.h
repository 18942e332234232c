#pragma once
// A long-lived chunked HTTP response seen from the service that feeds it (the SUBSCRIBE stream).
// The Mesos master writes to this interface only, so it never touches sockets and a later
// in-process simulation can hand it a sink that just collects the bytes.
#include <functional>
#include <string>

namespace scaleio::http {

class ChunkSink {
 public:
  virtual ~ChunkSink() = default;
  // Sends `data` as exactly one HTTP chunk (empty data is ignored: an empty chunk ends a stream).
  virtual void write_chunk(std::string data) = 0;
  // Ends the response and closes the connection. Idempotent.
  virtual void close() = 0;
  virtual bool is_open() const = 0;
  // Called once when the peer goes away or the connection breaks (not after our own close()).
  virtual void set_on_peer_closed(std::function<void()> callback) = 0;
};

}  // namespace scaleio::http
