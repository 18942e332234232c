// ScaleIO packages: their names per format, which file in a package source is the one for a
// component at a version, and the dpkg/rpm command lines that query and install them.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "cli/scaleio_node/process_runner.h"
#include "core/status.h"

namespace scaleio::node {

enum class PackageFormat { kAuto, kDeb, kRpm };
// A ScaleIO package. Tie-breakers run the MDM package (as non-managers), so there is no "tb".
enum class Component { kMdm, kSds, kSdc, kLia };

std::string_view component_name(Component component);  // "mdm", "sds", "sdc", "lia"
std::string_view format_name(PackageFormat format);    // "deb", "rpm", "auto"
Result<PackageFormat> parse_package_format(const std::string& text);
// deb on Debian and Ubuntu (and their derivatives), rpm on RHEL-likes and SUSE, from the text of
// /etc/os-release; InvalidArgument when it tells neither.
Result<PackageFormat> format_from_os_release(const std::string& os_release);

// The installed package's name: emc-scaleio-mdm (deb), EMC-ScaleIO-mdm (rpm).
std::string package_name(Component component, PackageFormat format);
// Among `file_names`, the one named EMC-ScaleIO-<component>-<version> followed by '.', '-' or '_'
// and ending in .deb or .rpm (per `format`); the prefix is matched without regard to case.
// NotFound when none matches, InvalidArgument when several do.
Result<std::string> pick_package_file(const std::vector<std::string>& file_names,
                                      Component component, const std::string& version,
                                      PackageFormat format);

// Prints the installed version on stdout and exits 0, or exits non-zero when not installed.
Command installed_version_command(Component component, PackageFormat format);
// True when `installed` (dpkg's Version, rpm's VERSION-RELEASE) is `wanted`, or `wanted` followed
// by a '.', '-' or '_' suffix (rpm releases carry ".el7" and the like).
bool version_matches(const std::string& installed, const std::string& wanted);
// dpkg -i FILE; rpm -i FILE, or rpm -U FILE when another version is installed.
Command install_package_command(PackageFormat format, const std::string& file,
                                bool other_version_installed);

}  // namespace scaleio::node
