#include "sim/node_command.h"

#include <sstream>

namespace scaleio::sim {

namespace {

const std::set<std::string> kRoles = {"mdm", "tb", "sds", "sdc", "lia"};
const std::set<std::string> kMdmVerbs = {"create-cluster", "add-standby", "switch-mode",
                                         "set-password"};

std::vector<std::string> split(const std::string& text, char separator) {
  std::vector<std::string> parts;
  std::stringstream in(text);
  std::string part;
  while (std::getline(in, part, separator)) {
    if (!part.empty()) parts.push_back(part);
  }
  return parts;
}

std::string joined(const std::vector<std::string>& words) {
  std::string out;
  for (const auto& w : words) out += (out.empty() ? "" : " ") + w;
  return out;
}

NodeCommand invalid(std::vector<std::string> argv, std::string error) {
  NodeCommand c;
  c.kind = NodeCommand::Kind::kInvalid;
  c.argv = std::move(argv);
  c.error = std::move(error);
  return c;
}

bool is_node_program(const std::string& word) {
  return word == "scaleio-node" || (word.size() > 13 && word.ends_with("/scaleio-node"));
}

NodeCommand parse_install(std::vector<std::string> argv) {
  NodeCommand c;
  c.kind = NodeCommand::Kind::kInstall;
  c.argv = argv;
  for (std::size_t i = 1; i < argv.size(); ++i) {
    const std::string& flag = argv[i];
    if (i + 1 >= argv.size())
      return invalid(argv, "scaleio-node install: " + flag + " needs a value");
    const std::string& value = argv[++i];
    if (flag == "--roles") {
      for (const auto& role : split(value, ',')) {
        if (!kRoles.count(role)) {
          return invalid(argv, "scaleio-node install: unknown role '" + role +
                                   "' (expected mdm, tb, sds, sdc, lia)");
        }
        c.roles.insert(role);
      }
    } else if (flag == "--mdm-ips") {
      c.mdm_ips = split(value, ',');
    } else if (flag == "--version") {
      c.version = value;
    } else if (flag == "--package-source") {
      c.package_source = value;
    } else {
      return invalid(argv, "scaleio-node install: unknown flag " + flag);
    }
  }
  if (c.roles.empty()) return invalid(argv, "scaleio-node install: --roles is required");
  return c;
}

}  // namespace

NodeCommand parse_node_command(const nlohmann::json& command_info) {
  std::vector<std::string> words;
  if (!command_info.is_object()) return invalid({}, "task has no command");
  const bool shell = command_info.value("shell", true);
  const std::string value = command_info.value("value", std::string());
  if (shell) {
    std::istringstream in(value);
    for (std::string w; in >> w;) words.push_back(w);
  } else {
    if (command_info.contains("arguments") && command_info["arguments"].is_array()) {
      for (const auto& a : command_info["arguments"]) {
        if (a.is_string()) words.push_back(a.get<std::string>());
      }
    }
    if (words.empty()) words.push_back(value);
  }
  if (words.empty() || !is_node_program(words.front())) {
    return invalid(words, "unknown scaleio-node command: " + (shell ? value : joined(words)));
  }
  std::vector<std::string> argv(words.begin() + 1, words.end());
  if (!argv.empty() && argv[0] == "install") return parse_install(argv);
  if (argv.size() >= 2 && argv[0] == "mdm" && kMdmVerbs.count(argv[1])) {
    NodeCommand c;
    c.kind = NodeCommand::Kind::kMdm;
    c.argv = argv;
    return c;
  }
  return invalid(argv, "unknown scaleio-node command: " + joined(argv));
}

}  // namespace scaleio::sim
