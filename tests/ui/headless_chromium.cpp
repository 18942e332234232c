#include "tests/ui/headless_chromium.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

namespace scaleio::ui::testing {

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

std::optional<std::string> find_chromium() {
  if (const char* named = std::getenv("SCALEIO_CHROMIUM"); named && *named) {
    if (::access(named, X_OK) == 0) return std::string(named);
    return std::nullopt;
  }
  const char* path = std::getenv("PATH");
  std::string dirs = path ? path : "/usr/bin:/bin";
  for (const char* name :
       {"chromium", "chromium-browser", "google-chrome", "google-chrome-stable"}) {
    std::stringstream split(dirs);
    for (std::string dir; std::getline(split, dir, ':');) {
      const std::string candidate = (dir.empty() ? "." : dir) + "/" + name;
      if (::access(candidate.c_str(), X_OK) == 0) return candidate;
    }
  }
  return std::nullopt;
}

ChromiumRun run_chromium(const std::string& chromium, const std::string& url,
                         const std::vector<std::string>& extra_args, const std::string& work_dir,
                         std::chrono::seconds deadline) {
  const std::string profile = work_dir + "/profile";
  std::filesystem::create_directories(profile);
  const std::string out_path = work_dir + "/chromium.out", err_path = work_dir + "/chromium.err";
  // --user-data-dir: a profile of its own, so parallel tests and the user's browser never meet.
  std::vector<std::string> argv = {chromium,
                                   "--headless",
                                   "--disable-gpu",
                                   "--no-sandbox",
                                   "--no-first-run",
                                   "--disable-dev-shm-usage",
                                   "--user-data-dir=" + profile,
                                   "--virtual-time-budget=5000"};
  argv.insert(argv.end(), extra_args.begin(), extra_args.end());
  argv.push_back(url);
  std::vector<char*> c_argv;
  for (auto& a : argv) c_argv.push_back(a.data());
  c_argv.push_back(nullptr);

  const pid_t pid = ::fork();
  if (pid == 0) {
    ::setpgid(0, 0);  // its own group: Chromium's helpers die with it at the deadline
    const int out = ::open(out_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    const int err = ::open(err_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    const int in = ::open("/dev/null", O_RDONLY);
    ::dup2(in, STDIN_FILENO);
    ::dup2(out, STDOUT_FILENO);
    ::dup2(err, STDERR_FILENO);
    ::setenv("HOME", work_dir.c_str(), 1);
    ::execv(c_argv[0], c_argv.data());
    ::_exit(127);
  }
  ::setpgid(pid, pid);  // also here, so the group exists before the child gets to run
  ChromiumRun run;
  const auto until = std::chrono::steady_clock::now() + deadline;
  int status = 0;
  while (true) {
    const pid_t done = ::waitpid(pid, &status, WNOHANG);
    if (done == pid) {
      run.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
      break;
    }
    if (std::chrono::steady_clock::now() > until) {
      ::kill(-pid, SIGKILL);
      ::waitpid(pid, &status, 0);
      break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));  // polling a child's exit
  }
  ::kill(-pid, SIGKILL);  // helpers that outlived the browser, if any
  run.out = read_file(out_path);
  run.err = read_file(err_path);
  return run;
}

std::optional<PngHeader> read_png_header(const std::string& bytes) {
  static const std::string kSignature = "\x89PNG\r\n\x1a\n";
  // signature, IHDR length (4), "IHDR", width (4), height (4)
  if (bytes.size() < 24 || bytes.compare(0, 8, kSignature) != 0 ||
      bytes.compare(12, 4, "IHDR") != 0) {
    return std::nullopt;
  }
  auto be32 = [&](size_t at) {
    uint32_t v = 0;
    for (size_t i = 0; i < 4; ++i) v = (v << 8) | static_cast<unsigned char>(bytes[at + i]);
    return v;
  };
  return PngHeader{be32(16), be32(20)};
}

}  // namespace scaleio::ui::testing
