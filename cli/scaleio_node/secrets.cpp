#include "cli/scaleio_node/secrets.h"

#include <cstdlib>
#include <fstream>

namespace scaleio::node {

GetEnv process_environment() {
  return [](const std::string& name) -> std::optional<std::string> {
    const char* value = std::getenv(name.c_str());
    if (value == nullptr) return std::nullopt;
    return std::string(value);
  };
}

Result<std::string> read_secret_file(const std::string& file) {
  std::ifstream in(file);
  if (!in) return not_found("cannot read secret file " + file);
  std::string line;
  std::getline(in, line);
  if (!line.empty() && line.back() == '\r') line.pop_back();
  if (line.empty()) return invalid_argument("secret file " + file + " is empty");
  return line;
}

Result<std::optional<std::string>> read_secret(const GetEnv& env, const std::string& file_var,
                                               const std::string& value_var) {
  if (auto file = env(file_var); file && !file->empty()) {
    auto secret = read_secret_file(*file);
    if (!secret.ok()) {
      return Status(secret.status().code(), file_var + ": " + secret.status().message());
    }
    return std::optional<std::string>(std::move(*secret));
  }
  if (auto value = env(value_var)) {
    if (value->empty()) return invalid_argument(value_var + " is set but empty");
    return std::optional<std::string>(std::move(*value));
  }
  return std::optional<std::string>();
}

}  // namespace scaleio::node
