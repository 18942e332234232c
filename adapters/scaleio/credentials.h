// Gateway credentials. The password comes from a file or an environment variable — never from
// argv (visible in ps) — and is never printed: Password has no stream operator and its
// holders never put it into messages.
#pragma once

#include <string>

#include "core/status.h"

namespace scaleio::gateway {

class Password {
 public:
  Password() = default;
  explicit Password(std::string value) : value_(std::move(value)) {}
  // The only way to the text; grep for it to audit every use.
  const std::string& reveal() const { return value_; }
  bool empty() const { return value_.empty(); }

 private:
  std::string value_;
};

struct Credentials {
  std::string user;
  Password password;
};

// Reads the file's first line (a trailing newline is not part of the password).
Result<Password> password_from_file(const std::string& path);
// Reads environment variable `name`; NotFound when it is unset or empty.
Result<Password> password_from_env(const std::string& name);

}  // namespace scaleio::gateway
