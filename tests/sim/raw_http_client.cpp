#include "raw_http_client.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cstring>

namespace scaleio::sim::test {

namespace {
std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return std::tolower(c); });
  return s;
}
std::string trim(const std::string& s) {
  auto b = s.find_first_not_of(" \t");
  auto e = s.find_last_not_of(" \t\r");
  return b == std::string::npos ? "" : s.substr(b, e - b + 1);
}
}  // namespace

RawConnection::RawConnection(const std::string& host_port) : host_port_(host_port) {
  auto colon = host_port.rfind(':');
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(std::stoi(host_port.substr(colon + 1))));
  if (inet_pton(AF_INET, host_port.substr(0, colon).c_str(), &addr.sin_addr) != 1) return;
  fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
  if (fd_ < 0) return;
  if (::connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
    ::close(fd_);
    fd_ = -1;
    return;
  }
  int one = 1;
  ::setsockopt(fd_, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
}

RawConnection::~RawConnection() {
  if (fd_ >= 0) ::close(fd_);
}

RawConnection::RawConnection(RawConnection&& other) noexcept
    : fd_(other.fd_),
      host_port_(std::move(other.host_port_)),
      buffer_(std::move(other.buffer_)),
      eof_(other.eof_),
      last_chunk_(other.last_chunk_) {
  other.fd_ = -1;
}

void RawConnection::send_raw(const std::string& bytes) {
  std::size_t sent = 0;
  while (fd_ >= 0 && sent < bytes.size()) {
    ssize_t n = ::send(fd_, bytes.data() + sent, bytes.size() - sent, MSG_NOSIGNAL);
    if (n <= 0) return;
    sent += static_cast<std::size_t>(n);
  }
}

void RawConnection::send_request(const std::string& method, const std::string& target,
                                 const std::map<std::string, std::string>& headers,
                                 const std::string& body) {
  std::string request = method + " " + target + " HTTP/1.1\r\nHost: " + host_port_ + "\r\n";
  for (const auto& [k, v] : headers) request += k + ": " + v + "\r\n";
  if (!body.empty() || method == "POST") {
    request += "Content-Length: " + std::to_string(body.size()) + "\r\n";
  }
  request += "\r\n" + body;
  send_raw(request);
}

bool RawConnection::fill(std::chrono::steady_clock::time_point deadline) {
  if (fd_ < 0 || eof_) return false;
  auto remaining = std::chrono::duration_cast<std::chrono::milliseconds>(
      deadline - std::chrono::steady_clock::now());
  if (remaining.count() <= 0) return false;
  pollfd p{fd_, POLLIN, 0};
  if (::poll(&p, 1, static_cast<int>(remaining.count())) <= 0) return false;
  char data[8192];
  ssize_t n = ::recv(fd_, data, sizeof data, 0);
  if (n <= 0) {
    eof_ = true;
    return false;
  }
  buffer_.append(data, static_cast<std::size_t>(n));
  return true;
}

std::optional<std::string> RawConnection::read_line(
    std::chrono::steady_clock::time_point deadline) {
  while (true) {
    auto pos = buffer_.find("\r\n");
    if (pos != std::string::npos) {
      std::string line = buffer_.substr(0, pos);
      buffer_.erase(0, pos + 2);
      return line;
    }
    if (!fill(deadline)) return std::nullopt;
  }
}

bool RawConnection::read_exact(std::size_t n, std::string& out,
                               std::chrono::steady_clock::time_point deadline) {
  while (buffer_.size() < n) {
    if (!fill(deadline)) return false;
  }
  out = buffer_.substr(0, n);
  buffer_.erase(0, n);
  return true;
}

std::optional<RawResponse> RawConnection::read_response(std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  auto status_line = read_line(deadline);
  if (!status_line || status_line->rfind("HTTP/1.1 ", 0) != 0) return std::nullopt;
  RawResponse response;
  response.status = std::stoi(status_line->substr(9, 3));
  while (true) {
    auto line = read_line(deadline);
    if (!line) return std::nullopt;
    if (line->empty()) break;
    auto colon = line->find(':');
    if (colon == std::string::npos) return std::nullopt;
    response.headers[lower(line->substr(0, colon))] = trim(line->substr(colon + 1));
  }
  response.chunked = lower(response.header("transfer-encoding")) == "chunked";
  if (!response.chunked && !response.header("content-length").empty()) {
    if (!read_exact(std::stoul(response.header("content-length")), response.body, deadline)) {
      return std::nullopt;
    }
  }
  return response;
}

std::optional<std::string> RawConnection::read_chunk(std::chrono::milliseconds timeout) {
  if (last_chunk_) return std::nullopt;
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  auto size_line = read_line(deadline);
  if (!size_line) return std::nullopt;
  const std::size_t size = std::stoul(size_line->substr(0, size_line->find(';')), nullptr, 16);
  std::string data;
  if (size == 0) {
    last_chunk_ = true;
    read_line(deadline);  // the empty trailer line
    return std::nullopt;
  }
  std::string crlf;
  if (!read_exact(size, data, deadline) || !read_exact(2, crlf, deadline) || crlf != "\r\n") {
    return std::nullopt;
  }
  return data;
}

bool RawConnection::wait_closed(std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (!eof_ && !last_chunk_) {
    if (!fill(deadline) && !eof_) return false;
  }
  return true;
}

std::optional<RawResponse> http_request(const std::string& host_port, const std::string& method,
                                        const std::string& target, const std::string& body,
                                        const std::map<std::string, std::string>& headers) {
  RawConnection connection(host_port);
  if (!connection.connected()) return std::nullopt;
  connection.send_request(method, target, headers, body);
  return connection.read_response();
}

std::optional<std::string> RecordIoReader::next_record() {
  auto newline = buffer_.find('\n');
  if (newline == std::string::npos) return std::nullopt;
  const std::size_t length = std::stoul(buffer_.substr(0, newline));
  if (buffer_.size() < newline + 1 + length) return std::nullopt;
  std::string record = buffer_.substr(newline + 1, length);
  buffer_.erase(0, newline + 1 + length);
  return record;
}

}  // namespace scaleio::sim::test
