#include "tests/packaging/mustache.h"

#include <vector>

namespace scaleio::testing {

namespace {

struct Tag {
  char kind = 0;  // 0 variable, '#', '^', '/', '!'
  std::string name;
  size_t begin = 0;  // index of "{{"
  size_t end = 0;    // index after "}}"
};

std::string trim(const std::string& s) {
  const auto first = s.find_first_not_of(" \t");
  if (first == std::string::npos) return "";
  return s.substr(first, s.find_last_not_of(" \t") - first + 1);
}

std::vector<Tag> scan(const std::string& templ) {
  std::vector<Tag> tags;
  size_t pos = 0;
  while ((pos = templ.find("{{", pos)) != std::string::npos) {
    const size_t close = templ.find("}}", pos + 2);
    if (close == std::string::npos) {
      throw std::invalid_argument("unclosed tag at offset " + std::to_string(pos));
    }
    std::string body = templ.substr(pos + 2, close - pos - 2);
    Tag tag;
    tag.begin = pos;
    tag.end = close + 2;
    if (!body.empty() && std::string("#^/!").find(body[0]) != std::string::npos) {
      tag.kind = body[0];
      body.erase(0, 1);
    } else if (!body.empty() && std::string(">{&=").find(body[0]) != std::string::npos) {
      throw std::invalid_argument("unsupported tag {{" + body + "}}");
    }
    tag.name = trim(body);
    if (tag.kind != '!' && tag.name.empty()) throw std::invalid_argument("empty tag");
    tags.push_back(tag);
    pos = tag.end;
  }
  return tags;
}

class Renderer {
 public:
  Renderer(const std::string& templ, Rendered& out)
      : templ_(templ), tags_(scan(templ)), out_(out) {}

  void render(const nlohmann::json& root) {
    stack_.push_back(&root);
    render_range(0, 0, templ_.size());
  }

 private:
  // Looks a dotted name up through the context stack, innermost first (the first segment
  // decides the context, as Mustache specifies).
  const nlohmann::json* lookup(const std::string& name) {
    out_.used.insert(name);
    if (name == ".") return stack_.back();
    std::vector<std::string> parts;
    size_t start = 0;
    for (size_t dot; (dot = name.find('.', start)) != std::string::npos; start = dot + 1) {
      parts.push_back(name.substr(start, dot - start));
    }
    parts.push_back(name.substr(start));
    for (auto it = stack_.rbegin(); it != stack_.rend(); ++it) {
      const nlohmann::json* v = *it;
      if (!v->is_object() || !v->contains(parts[0])) continue;
      for (const auto& part : parts) {
        if (!v->is_object() || !v->contains(part)) {
          out_.missing.insert(name);
          return nullptr;
        }
        v = &(*v)[part];
      }
      return v;
    }
    out_.missing.insert(name);
    return nullptr;
  }

  static std::string text_of(const nlohmann::json& v) {
    if (v.is_string()) return v.get<std::string>();
    if (v.is_null()) return "";
    return v.dump();
  }

  // Renders template text [from, to), whose first tag is tags_[tag]. Sections are matched with
  // find_close(), so a closing tag met here is one without its opening tag.
  void render_range(size_t tag, size_t from, size_t to) {
    size_t pos = from;
    while (tag < tags_.size() && tags_[tag].begin < to) {
      const Tag& t = tags_[tag];
      out_.text += templ_.substr(pos, t.begin - pos);
      pos = t.end;
      if (t.kind == '/') throw std::invalid_argument("{{/" + t.name + "}} closes nothing");
      if (t.kind == '!') {
        ++tag;
        continue;
      }
      if (t.kind == 0) {
        const nlohmann::json* v = lookup(t.name);
        if (v) out_.text += text_of(*v);
        ++tag;
        continue;
      }
      const size_t close = find_close(tag);
      const size_t body_from = t.end, body_to = tags_[close].begin;
      const nlohmann::json* v = lookup(t.name);
      const bool falsy = mustache_falsy(v);
      if (t.kind == '^') {
        if (falsy) render_body(tag + 1, body_from, body_to, nullptr);
      } else if (!falsy) {
        if (v->is_array()) {
          for (const auto& item : *v) render_body(tag + 1, body_from, body_to, &item);
        } else {
          render_body(tag + 1, body_from, body_to, v->is_object() ? v : nullptr);
        }
      }
      pos = tags_[close].end;
      tag = close + 1;
    }
    out_.text += templ_.substr(pos, to - pos);
  }

  void render_body(size_t tag, size_t from, size_t to, const nlohmann::json* context) {
    if (context) stack_.push_back(context);
    render_range(tag, from, to);
    if (context) stack_.pop_back();
  }

  size_t find_close(size_t open) const {
    int depth = 0;
    for (size_t i = open; i < tags_.size(); ++i) {
      if (tags_[i].kind == '#' || tags_[i].kind == '^') ++depth;
      if (tags_[i].kind == '/' && --depth == 0) {
        if (tags_[i].name != tags_[open].name) {
          throw std::invalid_argument("{{/" + tags_[i].name + "}} closes " + tags_[open].name);
        }
        return i;
      }
    }
    throw std::invalid_argument("{{#" + tags_[open].name + "}} is never closed");
  }

  const std::string& templ_;
  std::vector<Tag> tags_;
  Rendered& out_;
  std::vector<const nlohmann::json*> stack_;
};

}  // namespace

bool mustache_falsy(const nlohmann::json* value) {
  if (value == nullptr || value->is_null()) return true;
  if (value->is_boolean()) return !value->get<bool>();
  if (value->is_string()) return value->get<std::string>().empty();
  if (value->is_array()) return value->empty();
  return false;
}

std::set<std::string> mustache_tag_names(const std::string& templ) {
  std::set<std::string> names;
  for (const Tag& t : scan(templ)) {
    if (t.kind != '!') names.insert(t.name);
  }
  return names;
}

Rendered render_mustache(const std::string& templ, const nlohmann::json& context) {
  Rendered out;
  Renderer(templ, out).render(context);
  return out;
}

}  // namespace scaleio::testing
