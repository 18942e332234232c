// A real, small file system for the data dir: a tmpfs the test mounts (the suite runs as root),
// fills to the brim, frees, and remounts read-only — the faults a data disk really has, with the
// kernel's own ENOSPC and EROFS instead of injected ones.
#pragma once

#include <fcntl.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <string>

namespace scaleio::testing {

class SmallTmpfs {
 public:
  // Mounts a tmpfs of `size` (mount's syntax: "16m") at `path`, creating the directory.
  SmallTmpfs(std::string path, const std::string& size) : path_(std::move(path)) {
    ::mkdir(path_.c_str(), 0700);
    const std::string options = "size=" + size + ",mode=0700";
    if (::mount("tmpfs", path_.c_str(), "tmpfs", 0, options.c_str()) == 0) {
      mounted_ = true;
    } else {
      error_ = std::strerror(errno);
    }
  }
  ~SmallTmpfs() {
    if (mounted_) ::umount2(path_.c_str(), MNT_DETACH);
  }
  SmallTmpfs(const SmallTmpfs&) = delete;
  SmallTmpfs& operator=(const SmallTmpfs&) = delete;

  bool mounted() const { return mounted_; }
  const std::string& error() const { return error_; }
  const std::string& path() const { return path_; }

  // Writes a filler file until the file system refuses even one more byte; returns the bytes
  // written. Big chunks first, then small ones, so no page is left half-used.
  size_t fill() {
    const int fd = ::open(filler().c_str(), O_WRONLY | O_CREAT | O_APPEND, 0600);
    if (fd < 0) return 0;
    size_t written = 0;
    for (size_t chunk_size : {size_t{1} << 16, size_t{4096}, size_t{1}}) {
      const std::string chunk(chunk_size, 'x');
      for (;;) {
        const ssize_t n = ::write(fd, chunk.data(), chunk.size());
        if (n <= 0) break;
        written += static_cast<size_t>(n);
      }
    }
    ::close(fd);
    return written;
  }
  void free_space() { ::unlink(filler().c_str()); }

  // Read-only and back. The kernel refuses (EBUSY) while any file on it is open for writing.
  bool remount_read_only() { return remount(MS_RDONLY); }
  bool remount_read_write() { return remount(0); }

 private:
  std::string filler() const { return path_ + "/filler"; }
  bool remount(unsigned long flags) {
    if (::mount("tmpfs", path_.c_str(), "tmpfs", MS_REMOUNT | flags, nullptr) == 0) return true;
    error_ = std::strerror(errno);
    return false;
  }

  std::string path_;
  bool mounted_ = false;
  std::string error_;
};

}  // namespace scaleio::testing
