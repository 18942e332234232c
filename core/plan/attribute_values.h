// Parsing of single attribute values: comma lists, ScaleIO object names, device paths, IPs and
// the volume declarations of scaleio-sdc-volumes. Pure functions; errors as values.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/plan/plan.h"
#include "core/status.h"

namespace scaleio::plan {

// "a,b,,c" -> {"a","b","c"}; surrounding blanks trimmed, empty items dropped.
std::vector<std::string> split_list(std::string_view value);

// ScaleIO names: 1..31 characters, no spaces, no control characters, no '/', ',' or '='
// (the separators of our own grammar).
Status check_object_name(std::string_view kind, std::string_view name);

Status check_device_path(std::string_view path);

bool is_ipv4(std::string_view text);

struct VolumeDeclaration {
  std::string name;
  uint64_t requested_gb = 0;
  uint64_t size_gb = 0;  // rounded up to 8 GB
  PoolRef pool;
  VolumeType type = VolumeType::kThin;
};

// One item of scaleio-sdc-volumes: NAME=SIZE@DOMAIN/POOL[/thin|/thick], SIZE a whole number of GB
// ("64GB", also "64G").
Result<VolumeDeclaration> parse_volume(std::string_view item);

uint64_t round_up_to_8gb(uint64_t gb);

}  // namespace scaleio::plan
