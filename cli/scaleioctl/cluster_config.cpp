#include "cli/scaleioctl/cluster_config.h"

#include <fstream>
#include <sstream>

#include <nlohmann/json.hpp>

namespace scaleio::ctl {

namespace {

// A list setting: a JSON array of strings or one comma-separated string, as the daemon takes it.
Result<std::vector<std::string>> list_value(const nlohmann::json& v, const std::string& where) {
  std::vector<std::string> out;
  if (v.is_array()) {
    for (const auto& item : v) {
      if (!item.is_string()) return invalid_argument(where + ": every item must be a string");
      out.push_back(item.get<std::string>());
    }
    return out;
  }
  if (!v.is_string()) return invalid_argument(where + ": use a string or an array of strings");
  std::stringstream in(v.get<std::string>());
  std::string item;
  while (std::getline(in, item, ',')) {
    if (!item.empty()) out.push_back(item);
  }
  return out;
}

}  // namespace

Result<plan::ClusterSettings> load_cluster_settings(const std::string& config_path) {
  plan::ClusterSettings s;
  if (config_path.empty()) return s;
  std::ifstream in(config_path);
  if (!in) {
    return invalid_argument("--config: cannot read '" + config_path +
                            "'; check the path and permissions");
  }
  const nlohmann::json config = nlohmann::json::parse(in, nullptr, false);
  if (config.is_discarded() || !config.is_object()) {
    return invalid_argument("--config: '" + config_path + "' is not a JSON object");
  }
  const auto where = [&](const std::string& key) {
    return "--config: '" + config_path + "' key \"" + key + "\"";
  };
  const auto text = [&](const std::string& key, std::string& field) -> Status {
    if (!config.contains(key)) return {};
    if (!config[key].is_string()) return invalid_argument(where(key) + " must be a string");
    field = config[key].get<std::string>();
    return {};
  };
  if (Status st = text("cluster-name", s.cluster_name); !st.ok()) return st;
  if (Status st = text("default-domain", s.default_domain); !st.ok()) return st;
  if (Status st = text("default-pool", s.default_pool); !st.ok()) return st;
  if (config.contains("mdm-ips")) {
    auto ips = list_value(config["mdm-ips"], where("mdm-ips"));
    if (!ips.ok()) return ips.status();
    s.adopt_mdm_ips = *ips;
  }
  if (config.contains("default-devices")) {
    auto devices = list_value(config["default-devices"], where("default-devices"));
    if (!devices.ok()) return devices.status();
    s.default_devices = *devices;
  }
  return s;
}

}  // namespace scaleio::ctl
