#include "cli/scaleio_node/process_runner.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <map>

extern char** environ;

namespace scaleio::node {

namespace {

constexpr std::size_t kMaxCapture = 1 << 20;
// After the child exits, how long to keep reading pipes a daemon it started may still hold open
// (a package's post-install script starting a service, say).
constexpr auto kDrainAfterExit = std::chrono::milliseconds(200);

class Fd {
 public:
  explicit Fd(int fd = -1) : fd_(fd) {}
  ~Fd() { reset(); }
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  int get() const { return fd_; }
  void reset() {
    if (fd_ >= 0) ::close(fd_);
    fd_ = -1;
  }

 private:
  int fd_;
};

std::vector<std::string> child_environment(const Command& command) {
  std::map<std::string, std::string> vars;
  for (char** e = environ; e != nullptr && *e != nullptr; ++e) {
    std::string entry(*e);
    auto eq = entry.find('=');
    if (eq != std::string::npos) vars[entry.substr(0, eq)] = entry.substr(eq + 1);
  }
  for (const auto& [name, value] : command.env) vars[name] = value;
  std::vector<std::string> out;
  for (const auto& [name, value] : vars) out.push_back(name + "=" + value);
  return out;
}

std::vector<char*> c_strings(std::vector<std::string>& words) {
  std::vector<char*> out;
  for (auto& w : words) out.push_back(w.data());
  out.push_back(nullptr);
  return out;
}

// Runs in the forked child: only async-signal-safe calls until exec.
[[noreturn]] void exec_child(char* const* argv, char* const* envp, int out_fd, int err_fd,
                             int report_fd) {
  sigset_t none;
  sigemptyset(&none);
  ::sigprocmask(SIG_SETMASK, &none, nullptr);  // scaleio-node blocks SIGTERM; the child must not
  ::signal(SIGTERM, SIG_DFL);
  ::signal(SIGINT, SIG_DFL);
  ::signal(SIGPIPE, SIG_DFL);
  ::setpgid(0, 0);
  int null_fd = ::open("/dev/null", O_RDONLY);
  if (null_fd >= 0) ::dup2(null_fd, STDIN_FILENO);
  ::dup2(out_fd, STDOUT_FILENO);
  ::dup2(err_fd, STDERR_FILENO);
  ::execvpe(argv[0], argv, envp);
  int error = errno;
  ssize_t ignored = ::write(report_fd, &error, sizeof error);
  (void)ignored;
  ::_exit(127);
}

int exit_code_of(int wait_status) {
  if (WIFEXITED(wait_status)) return WEXITSTATUS(wait_status);
  if (WIFSIGNALED(wait_status)) return 128 + WTERMSIG(wait_status);
  return -1;
}

// Appends what is readable now; false at EOF or on error.
bool read_some(int fd, std::string& into) {
  char chunk[8192];
  ssize_t n = ::read(fd, chunk, sizeof chunk);
  if (n < 0 && (errno == EINTR || errno == EAGAIN)) return true;
  if (n <= 0) return false;
  if (into.size() < kMaxCapture) {
    into.append(chunk,
                std::min<std::size_t>(static_cast<std::size_t>(n), kMaxCapture - into.size()));
  }
  return true;
}

}  // namespace

Result<ProcessResult> PosixProcessRunner::run(const Command& command) {
  if (command.argv.empty()) return invalid_argument("no program to run");
  int out_pipe[2], err_pipe[2], report_pipe[2];
  if (::pipe2(out_pipe, O_CLOEXEC) != 0)
    return internal_error("pipe: " + std::string(strerror(errno)));
  Fd out_read(out_pipe[0]), out_write(out_pipe[1]);
  if (::pipe2(err_pipe, O_CLOEXEC) != 0)
    return internal_error("pipe: " + std::string(strerror(errno)));
  Fd err_read(err_pipe[0]), err_write(err_pipe[1]);
  if (::pipe2(report_pipe, O_CLOEXEC) != 0) {
    return internal_error("pipe: " + std::string(strerror(errno)));
  }
  Fd report_read(report_pipe[0]), report_write(report_pipe[1]);

  std::vector<std::string> argv_words = command.argv;
  std::vector<std::string> env_words = child_environment(command);
  std::vector<char*> argv = c_strings(argv_words);
  std::vector<char*> envp = c_strings(env_words);

  const auto started = std::chrono::steady_clock::now();
  pid_t pid = ::fork();
  if (pid < 0) return internal_error("fork: " + std::string(strerror(errno)));
  if (pid == 0)
    exec_child(argv.data(), envp.data(), out_write.get(), err_write.get(), report_write.get());
  ::setpgid(pid, pid);  // also here, so a timeout kill cannot race the child's own setpgid
  out_write.reset();
  err_write.reset();
  report_write.reset();

  int exec_errno = 0;
  ssize_t got;
  do {
    got = ::read(report_read.get(), &exec_errno, sizeof exec_errno);
  } while (got < 0 && errno == EINTR);
  if (got == static_cast<ssize_t>(sizeof exec_errno)) {
    ::waitpid(pid, nullptr, 0);
    if (exec_errno == ENOENT) return not_found(command.argv[0] + ": not found on PATH");
    return internal_error(command.argv[0] + ": cannot run: " + strerror(exec_errno));
  }

  ProcessResult result;
  const auto deadline = started + command.timeout;
  bool out_open = true, err_open = true, reaped = false;
  std::chrono::steady_clock::time_point reaped_at;
  while (true) {
    if (!reaped) {
      int wait_status = 0;
      if (::waitpid(pid, &wait_status, WNOHANG) == pid) {
        reaped = true;
        reaped_at = std::chrono::steady_clock::now();
        result.exit_code = exit_code_of(wait_status);
      }
    }
    const auto now = std::chrono::steady_clock::now();
    if (reaped && ((!out_open && !err_open) || now - reaped_at > kDrainAfterExit)) break;
    if (!reaped && now >= deadline) {
      ::kill(-pid, SIGKILL);
      ::kill(pid, SIGKILL);
      ::waitpid(pid, nullptr, 0);
      return deadline_exceeded(describe(command) + ": still running after " +
                               std::to_string(command.timeout.count() / 1000) + " s; killed");
    }
    pollfd fds[2];
    nfds_t count = 0;
    if (out_open) fds[count++] = {out_read.get(), POLLIN, 0};
    if (err_open) fds[count++] = {err_read.get(), POLLIN, 0};
    // Short polls: the child's exit is noticed by waitpid, not only by EOF on its pipes.
    if (count == 0) {
      ::usleep(10'000);
      continue;
    }
    int ready = ::poll(fds, count, 50);
    if (ready < 0 && errno != EINTR) return internal_error("poll: " + std::string(strerror(errno)));
    for (nfds_t i = 0; ready > 0 && i < count; ++i) {
      if (fds[i].revents == 0) continue;
      const bool is_out = out_open && fds[i].fd == out_read.get();
      if (!read_some(fds[i].fd, is_out ? result.out : result.err))
        (is_out ? out_open : err_open) = false;
    }
  }
  return result;
}

std::string scrub(std::string text, const std::vector<std::string>& secrets) {
  for (const auto& secret : secrets) {
    if (secret.empty()) continue;
    for (auto at = text.find(secret); at != std::string::npos; at = text.find(secret, at + 3)) {
      text.replace(at, secret.size(), "***");
    }
  }
  return text;
}

std::string describe(const Command& command) {
  std::string out;
  for (const auto& [name, value] : command.env) out += name + "=" + value + " ";
  for (std::size_t i = 0; i < command.argv.size(); ++i) out += (i ? " " : "") + command.argv[i];
  return scrub(out, command.secrets);
}

std::string tail_lines(const std::string& text, std::size_t max_lines) {
  std::vector<std::string> lines;
  std::size_t start = 0;
  while (start <= text.size()) {
    auto end = text.find('\n', start);
    if (end == std::string::npos) end = text.size();
    std::string line = text.substr(start, end - start);
    while (!line.empty() && (line.back() == '\r' || line.back() == ' ' || line.back() == '\t')) {
      line.pop_back();
    }
    if (!line.empty()) lines.push_back(line);
    start = end + 1;
  }
  std::string out;
  std::size_t first = lines.size() > max_lines ? lines.size() - max_lines : 0;
  for (std::size_t i = first; i < lines.size(); ++i) out += (out.empty() ? "" : " | ") + lines[i];
  return out;
}

}  // namespace scaleio::node
