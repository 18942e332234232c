#include "adapters/scaleio/credentials.h"

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <sstream>

namespace scaleio::gateway {

Result<Password> password_from_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    return not_found("cannot read the gateway password file " + path + ": " + std::strerror(errno));
  }
  std::string line;
  std::getline(in, line);
  if (!line.empty() && line.back() == '\r') line.pop_back();
  if (line.empty()) return invalid_argument("the gateway password file " + path + " is empty");
  return Password(std::move(line));
}

Result<Password> password_from_env(const std::string& name) {
  const char* value = std::getenv(name.c_str());
  if (value == nullptr || *value == '\0') {
    return not_found("environment variable " + name + " (gateway password) is not set");
  }
  return Password(value);
}

}  // namespace scaleio::gateway
