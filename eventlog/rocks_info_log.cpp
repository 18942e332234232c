#include "eventlog/rocks_info_log.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdarg>
#include <cstdio>
#include <ctime>

namespace scaleio::eventlog {

namespace {

constexpr off_t kRotateAfterBytes = 8 << 20;

class InfoLogFile final : public rocksdb::Logger {
 public:
  InfoLogFile(int fd, const Clock& clock) : fd_(fd), clock_(clock) {}
  ~InfoLogFile() override { close_fd(); }

  using rocksdb::Logger::Logv;
  void Logv(const char* format, va_list ap) override {
    if (fd_ < 0) return;
    char line[4096];
    const size_t prefix = timestamp(line, sizeof(line));
    va_list copy;
    va_copy(copy, ap);
    const int n = std::vsnprintf(line + prefix, sizeof(line) - prefix - 1, format, copy);
    va_end(copy);
    if (n < 0) return;
    // Longer lines are cut: a diagnostic log line is not worth an allocation on a failing disk.
    size_t length = prefix + std::min<size_t>(static_cast<size_t>(n), sizeof(line) - prefix - 2);
    if (line[length - 1] != '\n') line[length++] = '\n';
    // One write() per line on an O_APPEND descriptor: lines of concurrent threads never mix. A
    // failed or short write (disk full, read-only) loses this line only.
    [[maybe_unused]] ssize_t ignored = ::write(fd_, line, length);
  }

 protected:
  rocksdb::Status CloseImpl() override {
    close_fd();
    return rocksdb::Status::OK();
  }

 private:
  size_t timestamp(char* out, size_t size) const {
    const int64_t ms = clock_.now_unix_ms();
    const std::time_t seconds = static_cast<std::time_t>(ms / 1000);
    std::tm utc{};
    ::gmtime_r(&seconds, &utc);
    size_t n = std::strftime(out, size, "%Y/%m/%d-%H:%M:%S", &utc);
    int more = std::snprintf(out + n, size - n, ".%03d ", static_cast<int>(ms % 1000));
    return n + static_cast<size_t>(std::max(more, 0));
  }
  void close_fd() {
    if (fd_ >= 0) ::close(fd_);
    fd_ = -1;
  }

  int fd_;
  const Clock& clock_;
};

class DiscardingLog final : public rocksdb::Logger {
 public:
  using rocksdb::Logger::Logv;
  void Logv(const char*, va_list) override {}
};

}  // namespace

std::shared_ptr<rocksdb::Logger> open_info_log(const std::string& dir, const Clock& clock) {
  const std::string path = dir + "/LOG";
  struct stat st {};
  if (::stat(path.c_str(), &st) == 0 && st.st_size > kRotateAfterBytes) {
    ::rename(path.c_str(), (path + ".old").c_str());
  }
  // Unopenable (a full or read-only disk): log nothing rather than fail the open over it.
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
  return std::make_shared<InfoLogFile>(fd, clock);
}

std::shared_ptr<rocksdb::Logger> discarding_info_log() {
  return std::make_shared<DiscardingLog>();
}

}  // namespace scaleio::eventlog
