// Where the ScaleIO package files come from: a local directory, or an http(s) URL whose index page
// lists them (downloaded with curl: small, everywhere, and it speaks TLS and proxies for us).
#pragma once

#include <memory>
#include <string>

#include "cli/scaleio_node/packages.h"
#include "cli/scaleio_node/process_runner.h"
#include "core/status.h"

namespace scaleio::node {

class PackageSource {
 public:
  virtual ~PackageSource() = default;
  // A local path of the package file for `component` at `version` in `format` (deb or rpm).
  // NotFound when the source has no such file; Unavailable when a download failed.
  virtual Result<std::string> fetch(Component component, const std::string& version,
                                    PackageFormat format) = 0;
};

// `source` is a directory, file://DIR, or an http:// or https:// URL of a directory listing.
// Downloads land in `download_dir` (created when needed). `runner` must outlive the source.
std::unique_ptr<PackageSource> open_package_source(const std::string& source,
                                                   const std::string& download_dir,
                                                   ProcessRunner& runner);

// The package-like file names (EMC-ScaleIO-*.deb / .rpm) an HTML or plain-text listing mentions.
std::vector<std::string> package_names_in_listing(const std::string& listing);

}  // namespace scaleio::node
