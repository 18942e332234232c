#include "core/plan/attribute_values.h"

#include <cctype>
#include <charconv>

namespace scaleio::plan {

namespace {

std::string_view trim(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  return s;
}

constexpr size_t kMaxNameLength = 31;
constexpr uint64_t kMaxVolumeGb = 1024ull * 1024;  // 1 PB: beyond any ScaleIO 2.x pool

}  // namespace

std::vector<std::string> split_list(std::string_view value) {
  std::vector<std::string> out;
  size_t start = 0;
  while (start <= value.size()) {
    size_t comma = value.find(',', start);
    if (comma == std::string_view::npos) comma = value.size();
    std::string_view item = trim(value.substr(start, comma - start));
    if (!item.empty()) out.emplace_back(item);
    start = comma + 1;
  }
  return out;
}

Status check_object_name(std::string_view kind, std::string_view name) {
  if (name.empty()) return invalid_argument(std::string(kind) + " name is empty");
  if (name.size() > kMaxNameLength) {
    return invalid_argument(std::string(kind) + " name '" + std::string(name) + "' is " +
                            std::to_string(name.size()) +
                            " characters long; ScaleIO allows at most 31");
  }
  for (char c : name) {
    auto u = static_cast<unsigned char>(c);
    if (std::isspace(u) || std::iscntrl(u)) {
      return invalid_argument(std::string(kind) + " name '" + std::string(name) +
                              "' contains a space or control character; ScaleIO names have none");
    }
    if (c == '/' || c == ',' || c == '=' || c == '@' || c == ':' || c == ';') {
      return invalid_argument(std::string(kind) + " name '" + std::string(name) + "' contains '" +
                              std::string(1, c) + "', which is not allowed");
    }
  }
  return Status();
}

Status check_device_path(std::string_view path) {
  if (path.empty() || path.front() != '/') {
    return invalid_argument("device path '" + std::string(path) +
                            "' is not absolute; write it as /dev/...");
  }
  if (path == "/" || path.back() == '/') {
    return invalid_argument("device path '" + std::string(path) + "' names a directory");
  }
  for (char c : path) {
    if (std::isspace(static_cast<unsigned char>(c)) ||
        std::iscntrl(static_cast<unsigned char>(c))) {
      return invalid_argument("device path '" + std::string(path) + "' contains a blank");
    }
  }
  return Status();
}

bool is_ipv4(std::string_view text) {
  int parts = 0;
  size_t start = 0;
  while (start <= text.size()) {
    size_t dot = text.find('.', start);
    if (dot == std::string_view::npos) dot = text.size();
    std::string_view part = text.substr(start, dot - start);
    if (part.empty() || part.size() > 3) return false;
    unsigned value = 0;
    auto [end, ec] = std::from_chars(part.data(), part.data() + part.size(), value);
    if (ec != std::errc() || end != part.data() + part.size() || value > 255) return false;
    if (part.size() > 1 && part.front() == '0') return false;
    ++parts;
    start = dot + 1;
    if (dot == text.size()) break;
  }
  return parts == 4;
}

uint64_t round_up_to_8gb(uint64_t gb) {
  return (gb + 7) / 8 * 8;
}

Result<VolumeDeclaration> parse_volume(std::string_view raw) {
  std::string_view item = trim(raw);
  const std::string quoted = "'" + std::string(item) + "'";
  const std::string form = ": write NAME=SIZE@DOMAIN/POOL[/thick], e.g. pgdata=64GB@pd1/sp1";
  size_t eq = item.find('=');
  size_t at = item.find('@');
  if (eq == std::string_view::npos || at == std::string_view::npos || at < eq) {
    return invalid_argument("volume " + quoted + " is not NAME=SIZE@DOMAIN/POOL" + form);
  }
  VolumeDeclaration v;
  v.name = std::string(trim(item.substr(0, eq)));
  if (Status s = check_object_name("volume", v.name); !s.ok()) return s;

  std::string_view size = trim(item.substr(eq + 1, at - eq - 1));
  std::string_view digits = size;
  if (digits.ends_with("GB") || digits.ends_with("gb") || digits.ends_with("Gb")) {
    digits.remove_suffix(2);
  } else if (digits.ends_with("G") || digits.ends_with("g")) {
    digits.remove_suffix(1);
  } else {
    return invalid_argument("volume '" + v.name + "' size '" + std::string(size) +
                            "' has no GB unit; sizes are whole numbers of GB, e.g. 64GB");
  }
  auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), v.requested_gb);
  if (digits.empty() || ec != std::errc() || end != digits.data() + digits.size()) {
    return invalid_argument("volume '" + v.name + "' size '" + std::string(size) +
                            "' is not a whole number of GB (e.g. 64GB; 1.5GB is not allowed)");
  }
  if (v.requested_gb == 0 || v.requested_gb > kMaxVolumeGb) {
    return invalid_argument("volume '" + v.name + "' size " + std::string(size) +
                            " is out of range (1GB to 1048576GB)");
  }
  v.size_gb = round_up_to_8gb(v.requested_gb);

  std::vector<std::string> where;
  std::string_view rest = item.substr(at + 1);
  size_t start = 0;
  while (start <= rest.size()) {
    size_t slash = rest.find('/', start);
    if (slash == std::string_view::npos) slash = rest.size();
    where.emplace_back(trim(rest.substr(start, slash - start)));
    start = slash + 1;
  }
  if (where.size() < 2 || where.size() > 3) {
    return invalid_argument("volume '" + v.name + "' location '" + std::string(rest) +
                            "' is not DOMAIN/POOL[/thick|/thin]" + form);
  }
  v.pool = {where[0], where[1]};
  if (Status s = check_object_name("protection domain", v.pool.domain); !s.ok()) return s;
  if (Status s = check_object_name("storage pool", v.pool.pool); !s.ok()) return s;
  if (where.size() == 3) {
    if (where[2] == "thick") {
      v.type = VolumeType::kThick;
    } else if (where[2] != "thin") {
      return invalid_argument("volume '" + v.name + "' type '" + where[2] +
                              "' is neither thin nor thick");
    }
  }
  return v;
}

}  // namespace scaleio::plan
