#include "cli/scaleio_node/package_source.h"

#include <algorithm>
#include <filesystem>
#include <regex>
#include <set>

namespace scaleio::node {

namespace {

namespace fs = std::filesystem;

constexpr auto kListingTimeout = std::chrono::seconds(60);
constexpr auto kDownloadTimeout = std::chrono::minutes(10);

class DirectorySource final : public PackageSource {
 public:
  explicit DirectorySource(std::string dir) : dir_(std::move(dir)) {}

  Result<std::string> fetch(Component component, const std::string& version,
                            PackageFormat format) override {
    std::error_code ec;
    std::vector<std::string> names;
    for (fs::directory_iterator it(dir_, ec), end; !ec && it != end; it.increment(ec)) {
      if (it->is_regular_file(ec)) names.push_back(it->path().filename().string());
    }
    if (ec) return not_found("package source " + dir_ + ": " + ec.message());
    auto name = pick_package_file(names, component, version, format);
    if (!name.ok()) return Status(name.status().code(), name.status().message() + " " + dir_);
    return (fs::path(dir_) / *name).string();
  }

 private:
  std::string dir_;
};

class HttpSource final : public PackageSource {
 public:
  HttpSource(std::string url, std::string download_dir, ProcessRunner& runner)
      : url_(std::move(url)), download_dir_(std::move(download_dir)), runner_(runner) {
    if (!url_.ends_with("/")) url_ += "/";
  }

  Result<std::string> fetch(Component component, const std::string& version,
                            PackageFormat format) override {
    if (!listing_) {
      auto page = curl({"-fsSL", "--max-time", "60", url_}, kListingTimeout);
      if (!page.ok()) return page.status();
      listing_ = package_names_in_listing(*page);
    }
    auto name = pick_package_file(*listing_, component, version, format);
    if (!name.ok()) return Status(name.status().code(), name.status().message() + " " + url_);
    std::error_code ec;
    fs::create_directories(download_dir_, ec);
    if (ec)
      return unavailable("cannot create download directory " + download_dir_ + ": " + ec.message());
    const std::string local = (fs::path(download_dir_) / *name).string();
    auto got = curl({"-fsSL", "--max-time", "600", "-o", local, url_ + *name}, kDownloadTimeout);
    if (!got.ok()) return got.status();
    return local;
  }

 private:
  // curl's stdout, or Unavailable with curl's complaint.
  Result<std::string> curl(std::vector<std::string> args, std::chrono::milliseconds timeout) {
    Command c;
    c.argv = {"curl"};
    c.argv.insert(c.argv.end(), args.begin(), args.end());
    c.timeout = timeout;
    auto run = runner_.run(c);
    if (!run.ok()) {
      if (run.status().code() == StatusCode::kNotFound) {
        return failed_precondition(
            "curl is not on PATH; install curl on the agent or give --package-source as a local "
            "directory");
      }
      return unavailable(run.status().message());
    }
    if (run->exit_code != 0) {
      return unavailable(describe(c) + " exited " + std::to_string(run->exit_code) + ": " +
                         tail_lines(run->err));
    }
    return std::move(run->out);
  }

  std::string url_;
  std::string download_dir_;
  ProcessRunner& runner_;
  std::optional<std::vector<std::string>> listing_;
};

}  // namespace

std::vector<std::string> package_names_in_listing(const std::string& listing) {
  static const std::regex kName(R"(EMC-ScaleIO-[A-Za-z0-9._+~-]*\.(deb|rpm))", std::regex::icase);
  std::set<std::string> names;
  for (std::sregex_iterator it(listing.begin(), listing.end(), kName), end; it != end; ++it) {
    names.insert(it->str());
  }
  return {names.begin(), names.end()};
}

std::unique_ptr<PackageSource> open_package_source(const std::string& source,
                                                   const std::string& download_dir,
                                                   ProcessRunner& runner) {
  if (source.starts_with("http://") || source.starts_with("https://")) {
    return std::make_unique<HttpSource>(source, download_dir, runner);
  }
  if (source.starts_with("file://")) return std::make_unique<DirectorySource>(source.substr(7));
  return std::make_unique<DirectorySource>(source);
}

}  // namespace scaleio::node
