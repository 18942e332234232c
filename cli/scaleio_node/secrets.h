// Secrets (the MDM admin password, the LIA token) reach scaleio-node through the environment or a
// file the environment names, never through its argv, which anyone on the agent can read.
#pragma once

#include <functional>
#include <optional>
#include <string>

#include "core/status.h"

namespace scaleio::node {

using GetEnv = std::function<std::optional<std::string>(const std::string& name)>;
GetEnv process_environment();

inline constexpr const char* kAdminPasswordFileEnv = "SCALEIO_ADMIN_PASSWORD_FILE";
inline constexpr const char* kAdminPasswordEnv = "SCALEIO_ADMIN_PASSWORD";
inline constexpr const char* kLiaTokenEnv = "SCALEIO_LIA_TOKEN";

// The first line of `file` (without its line end). The error names the file, never the content.
Result<std::string> read_secret_file(const std::string& file);

// The first line of the file named by env `file_var` when set, else env `value_var`; nullopt
// when neither is set. An empty secret is an error (InvalidArgument).
Result<std::optional<std::string>> read_secret(const GetEnv& env, const std::string& file_var,
                                               const std::string& value_var);

}  // namespace scaleio::node
