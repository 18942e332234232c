// What an error message may quote of an answer the client could not read: the first 60
// characters, non-printable ones replaced (never the whole body, which may be megabytes).
#pragma once

#include <string>
#include <string_view>

namespace scaleio::gateway {

std::string body_excerpt(std::string_view body);

}  // namespace scaleio::gateway
