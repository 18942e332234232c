#include "cli/operator/settings.h"

#include <arpa/inet.h>

#include <CLI/CLI.hpp>
#include <cctype>
#include <cstdlib>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <sstream>

namespace scaleio::operator_daemon {

namespace {

enum class Kind { kText, kList, kBool, kDuration, kNumber };

// One declaration per setting: its flag name (also the config key), help, and how a textual
// value is checked and stored.
struct SettingSpec {
  std::string name;
  Kind kind;
  std::string help;
  std::function<Status(OperatorSettings&, const std::string&)> apply;
};

std::vector<std::string> split_list(const std::string& text) {
  std::vector<std::string> out;
  std::stringstream in(text);
  for (std::string part; std::getline(in, part, ',');) {
    while (!part.empty() && std::isspace(static_cast<unsigned char>(part.front())))
      part.erase(0, 1);
    while (!part.empty() && std::isspace(static_cast<unsigned char>(part.back()))) part.pop_back();
    if (!part.empty()) out.push_back(part);
  }
  return out;
}

Status parse_bool(const std::string& text, bool& out) {
  std::string t;
  for (char c : text) t += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (t == "true" || t == "1" || t == "yes" || t == "on" || t.empty()) {
    out = true;
  } else if (t == "false" || t == "0" || t == "no" || t == "off") {
    out = false;
  } else {
    return invalid_argument("'" + text + "' is not a boolean (use true or false)");
  }
  return {};
}

Status parse_number(const std::string& text, double& out, double min, double max) {
  char* end = nullptr;
  const double v = std::strtod(text.c_str(), &end);
  if (text.empty() || end != text.c_str() + text.size()) {
    return invalid_argument("'" + text + "' is not a number");
  }
  if (v < min || v > max) {
    return invalid_argument("'" + text + "' is out of range [" + std::to_string(min) + ", " +
                            std::to_string(max) + "]");
  }
  out = v;
  return {};
}

bool is_ipv4(const std::string& text) {
  in_addr addr{};
  return inet_pton(AF_INET, text.c_str(), &addr) == 1;
}

Status check_url(const std::string& text, const std::string& what) {
  // Checked first, and the URL is not echoed: it may hold a password.
  if (text.find('@') != std::string::npos) {
    return invalid_argument("the URL of " + what +
                            " holds credentials (user:password@); give them through a file "
                            "instead");
  }
  if (!text.starts_with("http://") && !text.starts_with("https://")) {
    return invalid_argument("'" + text + "' is not an http:// or https:// URL of " + what);
  }
  return {};
}

Status check_host_port(const std::string& text) {
  const auto colon = text.rfind(':');
  if (colon == std::string::npos || colon == 0) {
    return invalid_argument("'" + text + "' is not HOST:PORT (e.g. 127.0.0.1:9110)");
  }
  double port = 0;
  if (!parse_number(text.substr(colon + 1), port, 0, 65535).ok() ||
      port != static_cast<int>(port)) {
    return invalid_argument("'" + text + "' has no valid port (0-65535)");
  }
  return {};
}

template <typename Rep, typename Period>
Status set_duration(std::chrono::duration<Rep, Period>& field, const std::string& text) {
  auto d = parse_duration(text);
  if (!d.ok()) return d.status();
  field = std::chrono::duration_cast<std::chrono::duration<Rep, Period>>(*d);
  return {};
}

std::vector<SettingSpec> specs() {
  using S = OperatorSettings;
  auto text = [](std::string S::*field) {
    return [field](S& s, const std::string& v) {
      s.*field = v;
      return Status();
    };
  };
  auto number = [](double S::*field, double min, double max) {
    return [=](S& s, const std::string& v) { return parse_number(v, s.*field, min, max); };
  };
  auto choice = [](std::string S::*field, std::vector<std::string> allowed) {
    return [=](S& s, const std::string& v) {
      for (const auto& a : allowed) {
        if (v == a) {
          s.*field = v;
          return Status();
        }
      }
      std::string list;
      for (const auto& a : allowed) list += (list.empty() ? "" : ", ") + a;
      return invalid_argument("'" + v + "' is not one of " + list);
    };
  };
  return {
      {"master", Kind::kList, "Mesos master(s), HOST:PORT or http(s)://HOST:PORT, comma separated",
       [](S& s, const std::string& v) {
         s.masters = split_list(v);
         if (s.masters.empty()) return invalid_argument("no master given");
         return Status();
       }},
      {"framework-name", Kind::kText, "Mesos framework name (default scaleio)",
       text(&S::framework_name)},
      {"role", Kind::kText, "Mesos role the framework subscribes with (default scaleio)",
       text(&S::role)},
      {"principal", Kind::kText, "Mesos principal for authentication", text(&S::principal)},
      {"secret-file", Kind::kText, "file holding the Mesos secret of the principal",
       text(&S::secret_file)},
      {"failover-timeout", Kind::kDuration,
       "how long Mesos keeps the framework's tasks while the operator is away (default 7d)",
       [](S& s, const std::string& v) { return set_duration(s.failover_timeout, v); }},
      {"agent-gone-after", Kind::kDuration,
       "how long an agent the master no longer lists (partitioned, restarting) stays in the plan "
       "before its host is removed from it (default 15m)",
       [](S& s, const std::string& v) {
         if (Status st = set_duration(s.agent_gone_after, v); !st.ok()) return st;
         // Shorter than a master's agent ping timeout (75 s by default) or an agent restart,
         // a routine hiccup would replace node tasks and, with --allow-removals, remove SDSs.
         if (s.agent_gone_after < std::chrono::seconds(60)) {
           return invalid_argument("'" + v + "' is shorter than 1m");
         }
         return Status();
       }},
      {"gateway", Kind::kText, "ScaleIO gateway URL, http(s)://HOST[:PORT]",
       [](S& s, const std::string& v) {
         if (Status st = check_url(v, "the ScaleIO gateway"); !st.ok()) return st;
         s.gateway = v;
         return Status();
       }},
      {"gateway-user", Kind::kText, "gateway user (default admin)", text(&S::gateway_user)},
      {"gateway-password-file", Kind::kText,
       "file holding the gateway password (or env SCALEIO_GATEWAY_PASSWORD)",
       text(&S::gateway_password_file)},
      {"gateway-ca-file", Kind::kText, "PEM file of the CA that signed the gateway's certificate",
       text(&S::gateway_ca_file)},
      {"gateway-insecure", Kind::kBool,
       "do not verify the gateway's TLS certificate (lab use only)",
       [](S& s, const std::string& v) { return parse_bool(v, s.gateway_insecure); }},
      {"gateway-request-stuck-after", Kind::kDuration,
       "/readyz fails, naming the request, when one gateway request has waited this long "
       "(default 15s, 1s-40s)",
       [](S& s, const std::string& v) {
         if (Status st = set_duration(s.gateway_request_stuck_after, v); !st.ok()) return st;
         // Shorter, an ordinary slow answer (a large listing) flips readiness; longer, the client
         // has given up on a hung gateway (4 attempts of 10 s) and the observer already reports
         // it unreachable.
         if (s.gateway_request_stuck_after < std::chrono::seconds(1) ||
             s.gateway_request_stuck_after > std::chrono::seconds(40)) {
           return invalid_argument("'" + v +
                                   "' is not between 1s and 40s (the client gives up on a hung "
                                   "gateway after 4 attempts of 10 s)");
         }
         return Status();
       }},
      {"cluster-name", Kind::kText, "ScaleIO system name (default scaleio)",
       text(&S::cluster_name)},
      {"mdm-ips", Kind::kList,
       "adopt the existing MDM cluster at these IPs (comma separated); personas then only "
       "cross-check",
       [](S& s, const std::string& v) {
         s.mdm_ips = split_list(v);
         for (const auto& ip : s.mdm_ips) {
           if (!is_ipv4(ip)) return invalid_argument("'" + ip + "' is not an IPv4 address");
         }
         return Status();
       }},
      {"default-domain", Kind::kText,
       "protection domain of data nodes that declare no SDS attributes (single global pool mode)",
       text(&S::default_domain)},
      {"default-pool", Kind::kText, "storage pool of that single global pool",
       text(&S::default_pool)},
      {"default-devices", Kind::kList, "devices of that single global pool (comma separated)",
       [](S& s, const std::string& v) {
         s.default_devices = split_list(v);
         return Status();
       }},
      {"scaleio-version", Kind::kText, "ScaleIO package version the node tasks install",
       text(&S::scaleio_version)},
      {"package-source", Kind::kText,
       "where node tasks fetch the ScaleIO packages (URL or directory on the agents)",
       text(&S::package_source)},
      {"mdm-cpus", Kind::kNumber, "CPUs of the node task on MDM hosts (default 1.5)",
       number(&S::mdm_cpus, 0.01, 64)},
      {"mdm-mem", Kind::kNumber, "memory in MB of the node task on MDM hosts (default 3072)",
       number(&S::mdm_mem_mb, 32, 1 << 20)},
      {"node-cpus", Kind::kNumber, "CPUs of the node task on other hosts (default 0.5)",
       number(&S::node_cpus, 0.01, 64)},
      {"node-mem", Kind::kNumber, "memory in MB of the node task on other hosts (default 512)",
       number(&S::node_mem_mb, 32, 1 << 20)},
      {"mdm-member-timeout", Kind::kDuration,
       "replace an MDM member out of the cluster this long (default 10m, 0 = never)",
       [](S& s, const std::string& v) { return set_duration(s.mdm_member_timeout, v); }},
      {"allow-removals", Kind::kBool,
       "allow removing SDSs, devices and pools that left the plan (when capacity allows)",
       [](S& s, const std::string& v) { return parse_bool(v, s.allow_removals); }},
      {"agent-admin-password-file", Kind::kText,
       "path ON THE AGENTS of a file holding the MDM admin password (e.g. a DC/OS secret); "
       "without it the password is not set",
       text(&S::agent_admin_password_file)},
      {"data-dir", Kind::kText, "directory of the event log (created 0700)", text(&S::data_dir)},
      {"listen", Kind::kText, "HTTP API address (default 127.0.0.1:9110)",
       [](S& s, const std::string& v) {
         if (Status st = check_host_port(v); !st.ok()) return st;
         s.listen = v;
         return Status();
       }},
      {"advertise-url", Kind::kText,
       "URL at which agents reach this daemon's artifact endpoint (default http://<listen>)",
       [](S& s, const std::string& v) {
         if (Status st = check_url(v, "this daemon"); !st.ok()) return st;
         s.advertise_url = v;
         return Status();
       }},
      {"admin-token-file", Kind::kText,
       "file holding the bearer token of state-changing endpoints (or env SCALEIO_ADMIN_TOKEN); "
       "without one they are disabled",
       text(&S::admin_token_file)},
      {"node-binary", Kind::kText,
       "the scaleio-node program agents fetch (default: next to scaleio-operator)",
       text(&S::node_binary)},
      {"observe-interval", Kind::kDuration, "how often the gateway is observed (default 10s)",
       [](S& s, const std::string& v) {
         if (Status st = set_duration(s.observe_interval, v); !st.ok()) return st;
         if (s.observe_interval < std::chrono::milliseconds(100)) {
           return invalid_argument("'" + v + "' is shorter than 100ms");
         }
         return Status();
       }},
      {"log-format", Kind::kText, "text or json (default text)",
       choice(&S::log_format, {"text", "json"})},
      {"log-level", Kind::kText, "debug, info, warn or error (default info)",
       choice(&S::log_level, {"debug", "info", "warn", "error"})},
  };
}

std::string env_name(const std::string& setting) {
  std::string out = "SCALEIO_OPERATOR_";
  for (char c : setting) {
    out += c == '-' ? '_' : static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  }
  return out;
}

// A config file value as the text a flag would carry.
Result<std::string> config_value_text(const nlohmann::json& v) {
  if (v.is_string()) return v.get<std::string>();
  if (v.is_boolean()) return std::string(v.get<bool>() ? "true" : "false");
  if (v.is_number()) return v.dump();
  if (v.is_array()) {
    std::string out;
    for (const auto& item : v) {
      if (!item.is_string()) return invalid_argument("a list must hold strings");
      out += (out.empty() ? "" : ",") + item.get<std::string>();
    }
    return out;
  }
  return invalid_argument("expected a string, number, boolean or list of strings");
}

Result<nlohmann::json> read_config_file(const std::string& path) {
  std::ifstream in(path);
  if (!in) {
    return invalid_argument("--config: cannot read '" + path + "'; check the path and permissions");
  }
  std::stringstream buffer;
  buffer << in.rdbuf();
  nlohmann::json j = nlohmann::json::parse(buffer.str(), nullptr, false);
  if (j.is_discarded() || !j.is_object()) {
    return invalid_argument("--config: '" + path +
                            "' is not a JSON object of settings, e.g. {\"master\": "
                            "\"127.0.0.1:5050\"}");
  }
  return j;
}

Status require(bool present, const std::string& setting, const std::string& what) {
  if (present) return {};
  return invalid_argument("--" + setting + " is required: " + what + " (flag, env " +
                          env_name(setting) + " or config key \"" + setting + "\")");
}

}  // namespace

EnvLookup process_environment() {
  return [](const std::string& name) -> std::optional<std::string> {
    const char* v = std::getenv(name.c_str());
    return v ? std::optional<std::string>(v) : std::nullopt;
  };
}

Result<std::chrono::milliseconds> parse_duration(const std::string& text) {
  static const std::map<std::string, double> kUnits = {
      {"ms", 1}, {"s", 1000}, {"m", 60'000}, {"h", 3'600'000}, {"d", 86'400'000}, {"", 1000}};
  size_t i = 0;
  while (i < text.size() && (std::isdigit(static_cast<unsigned char>(text[i])) || text[i] == '.')) {
    ++i;
  }
  const std::string number = text.substr(0, i);
  const auto unit = kUnits.find(text.substr(i));
  double value = 0;
  if (number.empty() || unit == kUnits.end() || !parse_number(number, value, 0, 1e12).ok()) {
    return invalid_argument("'" + text + "' is not a duration (e.g. 500ms, 10s, 5m, 2h, 7d)");
  }
  return std::chrono::milliseconds(static_cast<int64_t>(value * unit->second));
}

Result<ParsedSettings> parse_settings(const std::vector<std::string>& argv, const EnvLookup& env) {
  const std::vector<SettingSpec> all = specs();
  CLI::App app(
      "scaleio-operator: keeps a ScaleIO cluster on Mesos converged on the plan declared "
      "in agent attributes.\nEvery flag is also an environment variable "
      "SCALEIO_OPERATOR_<FLAG> and a key of the --config JSON file; flags win, then "
      "the environment, then the file.",
      "scaleio-operator");
  app.get_formatter()->column_width(32);
  // A setting given twice on the command line: the last one wins, as in most daemons.
  app.option_defaults()->multi_option_policy(CLI::MultiOptionPolicy::TakeLast);
  std::map<std::string, std::string> raw;
  std::map<std::string, CLI::Option*> options;
  for (const auto& spec : all) {
    const std::string flag = "--" + spec.name;
    if (spec.kind == Kind::kBool) {
      options[spec.name] = app.add_flag(flag + "{true}", raw[spec.name], spec.help);
    } else {
      options[spec.name] = app.add_option(flag, raw[spec.name], spec.help);
    }
  }
  std::string config_path;
  app.add_option("--config", config_path, "JSON file of settings (keys are the flag names)");
  bool show_version = false;
  app.add_flag("--version", show_version, "print the version and exit");

  std::vector<std::string> args(argv.begin() + (argv.empty() ? 0 : 1), argv.end());
  std::reverse(args.begin(), args.end());  // CLI11 takes the vector form reversed
  try {
    app.parse(args);
  } catch (const CLI::CallForHelp&) {
    return ParsedSettings{{}, app.help()};
  } catch (const CLI::ParseError& e) {
    return invalid_argument(std::string(e.what()) + " (see scaleio-operator --help)");
  }
  if (show_version) return ParsedSettings{{}, std::string("scaleio-operator " SCALEIO_VERSION)};

  if (config_path.empty()) config_path = env("SCALEIO_OPERATOR_CONFIG").value_or("");
  nlohmann::json config = nlohmann::json::object();
  if (!config_path.empty()) {
    auto loaded = read_config_file(config_path);
    if (!loaded.ok()) return loaded.status();
    config = std::move(*loaded);
    for (const auto& [key, value] : config.items()) {
      if (!options.count(key)) {
        return invalid_argument("--config: '" + config_path + "' has an unknown setting \"" + key +
                                "\" (keys are the flag names without --, e.g. \"data-dir\")");
      }
    }
  }

  ParsedSettings parsed;
  std::map<std::string, bool> given;
  for (const auto& spec : all) {
    std::string value;
    std::string origin;
    if (options[spec.name]->count() > 0) {
      value = raw[spec.name];
      origin = "--" + spec.name;
    } else if (auto e = env(env_name(spec.name))) {
      value = *e;
      origin = "--" + spec.name + " (from env " + env_name(spec.name) + ")";
    } else if (config.contains(spec.name)) {
      auto text = config_value_text(config[spec.name]);
      origin = "--" + spec.name + " (from config file " + config_path + ")";
      if (!text.ok()) return invalid_argument(origin + ": " + text.status().message());
      value = *text;
    } else {
      continue;
    }
    given[spec.name] = true;
    if (Status s = spec.apply(parsed.settings, value); !s.ok()) {
      return invalid_argument(origin + ": " + s.message());
    }
  }

  OperatorSettings& s = parsed.settings;
  if (Status st = require(given["master"], "master", "the Mesos master(s) to subscribe to");
      !st.ok())
    return st;
  if (Status st = require(given["gateway"], "gateway", "the ScaleIO gateway URL"); !st.ok())
    return st;
  if (Status st = require(given["data-dir"], "data-dir", "where the event log lives"); !st.ok())
    return st;
  if (s.gateway_insecure && !s.gateway_ca_file.empty()) {
    return invalid_argument(
        "--gateway-insecure and --gateway-ca-file contradict each other; give one");
  }
  if (s.advertise_url.empty()) s.advertise_url = "http://" + s.listen;
  if (s.default_domain.empty() != s.default_pool.empty() ||
      s.default_pool.empty() != s.default_devices.empty()) {
    return invalid_argument(
        "--default-domain, --default-pool and --default-devices go together; give all three or "
        "none");
  }
  return parsed;
}

}  // namespace scaleio::operator_daemon
