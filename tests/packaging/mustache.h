// The subset of Mustache that DC/OS package templates use, for rendering marathon.json.mustache
// in tests: variables with dotted names ({{a.b}}), sections ({{#a.b}}...{{/a.b}}) and inverted
// sections ({{^a.b}}...{{/a.b}}). Values are inserted as they are (no HTML escaping), as Cosmos
// does for JSON templates. Anything else ({{> partial}}, {{{triple}}}, {{&x}}, {{=<% %>=}}) is an
// error, so the template cannot drift into what this renderer does not check.
#pragma once

#include <set>
#include <stdexcept>
#include <string>

#include <nlohmann/json.hpp>

namespace scaleio::testing {

struct Rendered {
  std::string text;
  std::set<std::string> used;     // every name the template looked up
  std::set<std::string> missing;  // names that resolved to nothing (likely typos)
};

// Throws std::invalid_argument for unbalanced sections or unsupported tags.
Rendered render_mustache(const std::string& templ, const nlohmann::json& context);

// Every name the template mentions in a variable or section tag, rendered or not.
std::set<std::string> mustache_tag_names(const std::string& templ);

// Falsy as Mustache (and Cosmos) treat it: missing, null, false, "" or [].
bool mustache_falsy(const nlohmann::json* value);

}  // namespace scaleio::testing
