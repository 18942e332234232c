#include "cli/scaleio_node/packages.h"

#include <algorithm>
#include <cctype>
#include <sstream>

namespace scaleio::node {

namespace {

constexpr auto kQueryTimeout = std::chrono::seconds(60);
// Package scripts start services and load the SDC kernel module; give them time.
constexpr auto kInstallTimeout = std::chrono::minutes(10);

std::string lower(std::string text) {
  std::transform(text.begin(), text.end(), text.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return text;
}

bool is_version_separator(char c) {
  return c == '.' || c == '-' || c == '_';
}

// The value of KEY=value or KEY="value" in os-release text, lower-cased.
std::string os_release_value(const std::string& text, const std::string& key) {
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) {
    if (line.rfind(key + "=", 0) != 0) continue;
    std::string value = line.substr(key.size() + 1);
    value.erase(std::remove(value.begin(), value.end(), '"'), value.end());
    value.erase(std::remove(value.begin(), value.end(), '\''), value.end());
    return lower(value);
  }
  return "";
}

bool has_word(const std::string& words, const std::vector<std::string>& wanted) {
  std::istringstream in(words);
  for (std::string w; in >> w;) {
    if (std::find(wanted.begin(), wanted.end(), w) != wanted.end()) return true;
  }
  return false;
}

}  // namespace

std::string_view component_name(Component component) {
  switch (component) {
    case Component::kMdm:
      return "mdm";
    case Component::kSds:
      return "sds";
    case Component::kSdc:
      return "sdc";
    case Component::kLia:
      return "lia";
  }
  return "?";
}

std::string_view format_name(PackageFormat format) {
  switch (format) {
    case PackageFormat::kDeb:
      return "deb";
    case PackageFormat::kRpm:
      return "rpm";
    case PackageFormat::kAuto:
      return "auto";
  }
  return "?";
}

Result<PackageFormat> parse_package_format(const std::string& text) {
  if (text == "deb") return PackageFormat::kDeb;
  if (text == "rpm") return PackageFormat::kRpm;
  if (text == "auto") return PackageFormat::kAuto;
  return invalid_argument("unknown package format '" + text + "' (expected deb, rpm or auto)");
}

Result<PackageFormat> format_from_os_release(const std::string& os_release) {
  const std::string ids =
      os_release_value(os_release, "ID") + " " + os_release_value(os_release, "ID_LIKE");
  if (has_word(ids, {"debian", "ubuntu"})) return PackageFormat::kDeb;
  if (has_word(ids, {"rhel", "centos", "fedora", "rocky", "almalinux", "ol", "suse", "sles",
                     "opensuse"})) {
    return PackageFormat::kRpm;
  }
  return invalid_argument("cannot tell the package format from /etc/os-release (ID and ID_LIKE: '" +
                          ids + "'); pass --package-format deb or rpm");
}

std::string package_name(Component component, PackageFormat format) {
  const std::string prefix = format == PackageFormat::kRpm ? "EMC-ScaleIO-" : "emc-scaleio-";
  return prefix + std::string(component_name(component));
}

Result<std::string> pick_package_file(const std::vector<std::string>& file_names,
                                      Component component, const std::string& version,
                                      PackageFormat format) {
  const std::string prefix =
      lower("EMC-ScaleIO-" + std::string(component_name(component)) + "-" + version);
  const std::string extension = "." + std::string(format_name(format));
  std::vector<std::string> matches;
  for (const auto& name : file_names) {
    const std::string l = lower(name);
    if (l.size() <= prefix.size() || l.rfind(prefix, 0) != 0) continue;
    if (!is_version_separator(l[prefix.size()])) continue;  // 2.0-1 must not pick 2.0-12
    if (!l.ends_with(extension)) continue;
    matches.push_back(name);
  }
  std::sort(matches.begin(), matches.end());
  const std::string wanted =
      "EMC-ScaleIO-" + std::string(component_name(component)) + "-" + version + "*" + extension;
  if (matches.empty()) return not_found("no " + wanted + " in the package source");
  if (matches.size() > 1) {
    std::string names;
    for (const auto& m : matches) names += (names.empty() ? "" : ", ") + m;
    return invalid_argument("several files match " + wanted + ": " + names +
                            "; leave one per version in the package source");
  }
  return matches.front();
}

Command installed_version_command(Component component, PackageFormat format) {
  Command c;
  if (format == PackageFormat::kRpm) {
    c.argv = {"rpm", "-q", "--queryformat", "%{VERSION}-%{RELEASE}",
              package_name(component, format)};
  } else {
    c.argv = {"dpkg-query", "-W", "-f=${Version}", package_name(component, format)};
  }
  c.timeout = kQueryTimeout;
  return c;
}

bool version_matches(const std::string& installed, const std::string& wanted) {
  if (wanted.empty() || installed.size() < wanted.size()) return false;
  if (installed.rfind(wanted, 0) != 0) return false;
  return installed.size() == wanted.size() || is_version_separator(installed[wanted.size()]);
}

Command install_package_command(PackageFormat format, const std::string& file,
                                bool other_version_installed) {
  Command c;
  if (format == PackageFormat::kRpm) {
    c.argv = {"rpm", other_version_installed ? "-U" : "-i", file};
  } else {
    c.argv = {"dpkg", "-i", file};
  }
  c.timeout = kInstallTimeout;
  return c;
}

}  // namespace scaleio::node
