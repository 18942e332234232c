// Runs headless Chromium on a URL with a hard deadline: the page's DOM after its scripts ran
// (--dump-dom), or a screenshot. Chromium is found on PATH (chromium, chromium-browser,
// google-chrome) or named by $SCALEIO_CHROMIUM; tests skip with a message when there is none.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <vector>

namespace scaleio::ui::testing {

std::optional<std::string> find_chromium();

struct ChromiumRun {
  int exit_code = -1;  // -1: still running at the deadline (its process group was killed)
  std::string out;     // stdout: the DOM for --dump-dom
  std::string err;     // stderr, for failure messages
};

// chromium --headless --disable-gpu --no-sandbox --virtual-time-budget=5000 EXTRA... URL, with a
// fresh profile directory under `work_dir`. The whole process group is killed at the deadline.
ChromiumRun run_chromium(const std::string& chromium, const std::string& url,
                         const std::vector<std::string>& extra_args, const std::string& work_dir,
                         std::chrono::seconds deadline = std::chrono::seconds(60));

struct PngHeader {
  uint32_t width = 0;
  uint32_t height = 0;
};
// The size from the IHDR chunk; nullopt when `bytes` is not a PNG.
std::optional<PngHeader> read_png_header(const std::string& bytes);

std::string read_file(const std::string& path);

}  // namespace scaleio::ui::testing
