#include "tests/packaging/packaging_support.h"

#include <sys/stat.h>

#include <cctype>
#include <fstream>
#include <regex>
#include <sstream>
#include <stdexcept>

#include "tests/support/child_process.h"
#include "tests/support/temp_dir.h"

namespace scaleio::testing {

std::string read_text(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error("cannot read " + path);
  std::stringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}

nlohmann::json read_json(const std::string& path) {
  try {
    return nlohmann::json::parse(read_text(path));
  } catch (const nlohmann::json::parse_error& e) {
    throw std::runtime_error(path + " is not valid JSON: " + e.what());
  }
}

std::string RunResult::text() const {
  std::string out;
  for (const auto& line : lines) out += line + "\n";
  return out;
}

RunResult run(const std::vector<std::string>& argv) {
  ChildProcess child(argv);
  child.close_stdin();
  RunResult result;
  result.lines = child.drain_lines(std::chrono::seconds(60));
  result.exit_code = child.wait(std::chrono::seconds(10));
  return result;
}

std::set<std::string> flags_in_help(const std::string& help) {
  std::set<std::string> flags;
  static const std::regex kFlag(R"((^|[\s,])--([a-z0-9][a-z0-9-]*))");
  for (std::sregex_iterator it(help.begin(), help.end(), kFlag), end; it != end; ++it) {
    flags.insert((*it)[2]);
  }
  return flags;
}

nlohmann::json schema_defaults(const nlohmann::json& schema) {
  nlohmann::json out = nlohmann::json::object();
  if (!schema.contains("properties")) return out;
  for (const auto& [name, property] : schema["properties"].items()) {
    if (property.value("type", "") == "object") {
      out[name] = schema_defaults(property);
    } else if (property.contains("default")) {
      out[name] = property["default"];
    }
  }
  return out;
}

nlohmann::json merged(nlohmann::json base, const nlohmann::json& overrides) {
  for (const auto& [key, value] : overrides.items()) {
    if (value.is_object() && base.contains(key) && base[key].is_object()) {
      base[key] = merged(base[key], value);
    } else {
      base[key] = value;
    }
  }
  return base;
}

std::string flag_of(const std::string& option) {
  std::string flag = option;
  for (char& c : flag) {
    if (c == '_') c = '-';
  }
  return flag;
}

std::string env_of_flag(const std::string& flag) {
  std::string env = "SCALEIO_OPERATOR_";
  for (char c : flag) env += c == '-' ? '_' : static_cast<char>(std::toupper(c));
  return env;
}

Launch launch_marathon_cmd(const nlohmann::json& app, const std::string& program) {
  TempDir dir;
  const std::string stand_in = dir.sub(program);
  {
    std::ofstream out(stand_in);
    out << "#!/bin/sh\n"
           "printf 'ARG %s\\n' \"$0\"\n"
           "for a in \"$@\"; do printf 'ARG %s\\n' \"$a\"; done\n"
           "env | grep '^SCALEIO_' | sed 's/^/ENV /'\n";
  }
  ::chmod(stand_in.c_str(), 0755);

  std::vector<std::string> argv = {"/usr/bin/env",
                                   "-i",
                                   "PATH=" + dir.path() + ":/usr/bin:/bin",
                                   std::string("HOST=") + kHost,
                                   std::string("PORT0=") + kPort0,
                                   std::string("MESOS_SANDBOX=") + kSandbox};
  if (app.contains("env")) {
    for (const auto& [name, value] : app["env"].items()) {
      if (value.is_string()) argv.push_back(name + "=" + value.get<std::string>());
    }
  }
  argv.push_back("/bin/sh");
  argv.push_back("-c");
  argv.push_back(app.at("cmd").get<std::string>());
  RunResult result = run(argv);
  if (result.exit_code != 0) {
    throw std::runtime_error("the app's cmd failed (" + std::to_string(result.exit_code) +
                             "): " + result.text());
  }
  Launch launch;
  for (const auto& line : result.lines) {
    if (line.rfind("ARG ", 0) == 0) launch.argv.push_back(line.substr(4));
    if (line.rfind("ENV ", 0) == 0) {
      const auto eq = line.find('=');
      launch.env[line.substr(4, eq - 4)] = line.substr(eq + 1);
    }
  }
  return launch;
}

}  // namespace scaleio::testing
