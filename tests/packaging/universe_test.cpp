// The DC/OS Universe package (packaging/universe): config.json's defaults rendered through
// marathon.json.mustache must give a valid Marathon app, every option must reach the daemon as a
// setting the real scaleio-operator knows, and secrets must travel only as DC/OS secret references.
#include <catch2/catch.hpp>

#include "cli/operator/settings.h"
#include "tests/packaging/mustache.h"
#include "tests/packaging/packaging_support.h"

using namespace scaleio::testing;
using nlohmann::json;

namespace {

const std::string kUniverse = SCALEIO_SOURCE_DIR "/packaging/universe/";

json config_schema() {
  return read_json(kUniverse + "config.json");
}

// What a user must give at least (`dcos package install --options`): the required option that
// has no default.
const json kMinimalOptions = {{"operator", {{"gateway", "https://scaleio-gateway.example:443"}}}};

// A valid, non-default value for every operator option. An option added to config.json without a
// sample here fails the coverage test, so every option is exercised.
const json kSampleOperatorOptions = {
    {"master", "10.0.0.1:5050,10.0.0.2:5050"},
    {"framework_name", "scaleio-test"},
    {"role", "storage"},
    {"principal", "scaleio-principal"},
    {"mesos_secret", "test/mesos-secret"},
    {"failover_timeout", "2d"},
    {"gateway", "https://10.0.0.9:8443"},
    {"gateway_user", "operator"},
    {"gateway_password_secret", "test/gateway-password"},
    {"gateway_ca_file", "/etc/ssl/scaleio-ca.pem"},
    {"gateway_insecure", true},
    {"cluster_name", "prod-scaleio"},
    {"mdm_ips", "10.0.0.11,10.0.0.12,10.0.0.13"},
    {"default_domain", "pd1"},
    {"default_pool", "sp1"},
    {"default_devices", "/dev/xvdf,/dev/xvdg"},
    {"scaleio_version", "2.0-13000"},
    {"package_source", "http://repo.example/scaleio/"},
    {"mdm_cpus", 2.5},
    {"mdm_mem", 4096},
    {"node_cpus", 0.75},
    {"node_mem", 768},
    {"mdm_member_timeout", "15m"},
    {"agent_gone_after", "30m"},
    {"gateway_request_stuck_after", "20s"},
    {"allow_removals", true},
    {"agent_admin_password_file", "/run/secrets/mdm-admin"},
    {"admin_token_secret", "test/admin-token"},
    {"advertise_url", "http://operator.example:9110"},
    {"node_binary", "/opt/scaleio/scaleio-node"},
    {"observe_interval", "20s"},
    {"log_format", "text"},
    {"log_level", "debug"},
};

// Flags of --help that config.json does not offer, and why.
const std::map<std::string, std::string> kFlagsNotInConfig = {
    {"help", "prints the help"},
    {"version", "prints the version"},
    {"config", "settings come from Marathon's env, not a file"},
    {"listen", "set by the template: 0.0.0.0:$PORT0, the port Marathon gives"},
    {"data-dir", "set by the template: the persistent volume"},
};

json resource() {
  return read_json(kUniverse + "resource.json");
}

struct RenderedApp {
  Rendered rendered;
  json app;
};

RenderedApp render_app(const json& options) {
  json context = merged(schema_defaults(config_schema()), options);
  context["resource"] = resource();
  RenderedApp out;
  out.rendered = render_mustache(read_text(kUniverse + "marathon.json.mustache"), context);
  INFO(out.rendered.text);
  REQUIRE_NOTHROW(out.app = json::parse(out.rendered.text));
  return out;
}

json sample_options() {
  return {{"operator", kSampleOperatorOptions}};
}

std::set<std::string> operator_help_flags() {
  RunResult help = run({SCALEIO_OPERATOR_BINARY, "--help"});
  REQUIRE(help.exit_code == 0);
  std::set<std::string> flags = flags_in_help(help.text());
  REQUIRE(flags.count("master") == 1);  // the parse found the real list
  return flags;
}

// The secret option's container file: the volume that mounts the secret whose source is `source`.
std::optional<std::string> secret_file_of(const json& app, const std::string& source) {
  for (const auto& [key, secret] : app.at("secrets").items()) {
    if (secret.at("source") != source) continue;
    for (const auto& volume : app.at("container").at("volumes")) {
      if (volume.value("secret", "") == key) {
        return std::string(kSandbox) + "/" + volume.at("containerPath").get<std::string>();
      }
    }
  }
  return std::nullopt;
}

std::optional<std::string> flag_value(const std::vector<std::string>& argv,
                                      const std::string& flag) {
  for (size_t i = 1; i + 1 < argv.size(); ++i) {
    if (argv[i] == "--" + flag) return argv[i + 1];
  }
  return std::nullopt;
}

std::string as_setting_text(const json& v) {
  if (v.is_string()) return v.get<std::string>();
  if (v.is_boolean()) return v.get<bool>() ? "true" : "false";
  return v.dump();
}

scaleio::Result<scaleio::operator_daemon::ParsedSettings> parse_as_daemon(const Launch& launch) {
  auto env = [&](const std::string& name) -> std::optional<std::string> {
    auto it = launch.env.find(name);
    if (it == launch.env.end()) return std::nullopt;
    return it->second;
  };
  return scaleio::operator_daemon::parse_settings(launch.argv, env);
}

}  // namespace

TEST_CASE("package.json and resource.json name this version") {
  const json package = read_json(kUniverse + "package.json");
  CHECK(package.at("packagingVersion") == "4.0");
  CHECK(package.at("name") == "scaleio-operator");
  CHECK(package.at("version") == SCALEIO_VERSION);
  CHECK(package.at("framework") == true);
  for (const char* field : {"description", "maintainer", "preInstallNotes", "postInstallNotes"}) {
    INFO(field);
    CHECK_FALSE(package.at(field).get<std::string>().empty());
  }
  const std::string image =
      resource().at("assets").at("container").at("docker").at("operator_image");
  CHECK(image.ends_with(std::string(":") + SCALEIO_VERSION));
}

TEST_CASE("every config.json option has a type, a description and a default of its type") {
  const json schema = config_schema();
  for (const char* section : {"service", "operator"}) {
    const json& s = schema.at("properties").at(section);
    for (const auto& [name, property] : s.at("properties").items()) {
      INFO(section << "." << name);
      CHECK_FALSE(property.value("description", "").empty());
      const std::string type = property.at("type");
      const bool required =
          std::find(s["required"].begin(), s["required"].end(), name) != s["required"].end();
      if (!property.contains("default")) {
        // Only a required option may lack a default: the user must give it.
        CHECK(required);
        continue;
      }
      const json& d = property["default"];
      if (type == "string") CHECK(d.is_string());
      if (type == "number") CHECK(d.is_number());
      if (type == "integer") CHECK(d.is_number_integer());
      if (type == "boolean") CHECK(d.is_boolean());
      if (property.contains("enum")) {
        CHECK(std::find(property["enum"].begin(), property["enum"].end(), d) !=
              property["enum"].end());
      }
    }
  }
  // The one value nobody can guess.
  const json& op = schema["properties"]["operator"];
  CHECK_FALSE(op["properties"]["gateway"].contains("default"));
}

TEST_CASE("the template rendered with the defaults is a valid Marathon app") {
  RenderedApp r = render_app(kMinimalOptions);
  CHECK(r.rendered.missing.empty());
  const json& app = r.app;
  CHECK(app.at("id") == "/scaleio-operator");
  CHECK(app.at("instances") == 1);  // one writer of the event log
  CHECK(app.at("cpus").is_number());
  CHECK(app.at("cpus").get<double>() > 0);
  CHECK(app.at("mem").get<double>() >= 256);
  CHECK_FALSE(app.at("cmd").get<std::string>().empty());

  REQUIRE(app.at("healthChecks").size() == 1);
  const json& health = app["healthChecks"][0];
  CHECK(health.at("path") == "/healthz");
  CHECK(health.at("protocol") == "MESOS_HTTP");
  CHECK(health.at("portIndex") == 0);

  // The data dir is a persistent local volume, and the daemon's --data-dir is on it.
  json persistent;
  for (const auto& volume : app.at("container").at("volumes")) {
    if (volume.contains("persistent")) persistent = volume;
  }
  REQUIRE(persistent.is_object());
  CHECK(persistent.at("mode") == "RW");
  CHECK(persistent.at("persistent").at("size") == 2048);
  const Launch launch = launch_marathon_cmd(app, "scaleio-operator");
  CHECK(flag_value(launch.argv, "data-dir") ==
        std::string(kSandbox) + "/" + persistent.at("containerPath").get<std::string>());
  // A resident app is replaced in place: never two writers, never relaunched elsewhere.
  CHECK(app.at("upgradeStrategy").at("minimumHealthCapacity") == 0);
  CHECK(app.at("upgradeStrategy").at("maximumOverCapacity") == 0);
  CHECK(app.at("unreachableStrategy") == "disabled");

  // One port: the API, which also serves /metrics and /healthz; the daemon listens on it.
  REQUIRE(app.at("portDefinitions").size() == 1);
  const json& port = app["portDefinitions"][0];
  CHECK(port.at("name") == "api");
  CHECK(port.at("labels").at("DCOS_METRICS_FORMAT") == "prometheus");
  CHECK(port.at("labels").at("DCOS_METRICS_ENDPOINT") == "/metrics");
  CHECK(flag_value(launch.argv, "listen") == std::string("0.0.0.0:") + kPort0);
  CHECK(flag_value(launch.argv, "advertise-url") == std::string("http://") + kHost + ":" + kPort0);

  const json& labels = app.at("labels");
  CHECK(labels.at("DCOS_PACKAGE_FRAMEWORK_NAME") == "scaleio");
  CHECK(labels.at("PROMETHEUS_SCRAPE") == "true");
  CHECK(labels.at("PROMETHEUS_PORT_NAME") == port.at("name"));
  CHECK(labels.at("PROMETHEUS_PATH") == "/metrics");
  CHECK(app.at("container").at("docker").at("image") ==
        resource()["assets"]["container"]["docker"]["operator_image"]);
}

TEST_CASE("the template refers only to options config.json declares") {
  const json schema = config_schema();
  for (const auto& name : mustache_tag_names(read_text(kUniverse + "marathon.json.mustache"))) {
    INFO(name);
    if (name.starts_with("resource.")) continue;
    const auto dot = name.find('.');
    REQUIRE(dot != std::string::npos);
    const json& section = schema["properties"][name.substr(0, dot)];
    CHECK(section.is_object());
    if (section.is_object()) CHECK(section["properties"].contains(name.substr(dot + 1)));
  }
}

TEST_CASE("every config.json operator option reaches the daemon as a flag it knows") {
  const std::set<std::string> help = operator_help_flags();
  const json schema = config_schema();
  RenderedApp r = render_app(sample_options());
  CHECK(r.rendered.missing.empty());
  const Launch launch = launch_marathon_cmd(r.app, "scaleio-operator");

  for (const auto& [option, property] : schema["properties"]["operator"]["properties"].items()) {
    INFO("option operator." << option);
    REQUIRE(kSampleOperatorOptions.contains(option));
    const json& sample = kSampleOperatorOptions[option];
    CHECK(sample != property.value("default", json()));  // a sample the defaults cannot fake
    if (option.ends_with("_secret")) {
      // A DC/OS secret: mounted as a file, whose path goes to the daemon's --*-file flag.
      const auto file = secret_file_of(r.app, sample);
      REQUIRE(file);
      bool passed = false;
      for (size_t i = 1; i + 1 < launch.argv.size(); ++i) {
        if (launch.argv[i + 1] != *file) continue;
        const std::string flag = launch.argv[i].substr(2);
        INFO("flag --" << flag);
        CHECK(help.count(flag) == 1);
        CHECK(flag.ends_with("-file"));
        passed = true;
      }
      CHECK(passed);
      continue;
    }
    const std::string flag = flag_of(option);
    CHECK(help.count(flag) == 1);
    const auto env = launch.env.find(env_of_flag(flag));
    REQUIRE(env != launch.env.end());
    CHECK(env->second == as_setting_text(sample));
  }
}

TEST_CASE("every flag of scaleio-operator --help is offered by config.json") {
  const json schema = config_schema();
  std::set<std::string> offered;
  for (const auto& [option, property] : schema["properties"]["operator"]["properties"].items()) {
    offered.insert(flag_of(option));
  }
  // What the *_secret options become (checked against the rendered app in the test above).
  const std::map<std::string, std::string> secret_flags = {
      {"gateway-password-file", "gateway-password-secret"},
      {"admin-token-file", "admin-token-secret"},
      {"secret-file", "mesos-secret"}};
  for (const auto& flag : operator_help_flags()) {
    INFO("--" << flag);
    if (kFlagsNotInConfig.count(flag)) continue;
    const auto secret = secret_flags.find(flag);
    CHECK(offered.count(secret != secret_flags.end() ? secret->second : flag) == 1);
  }
  // The allow-list holds only flags that exist, and the template sets the two it claims to.
  const Launch launch = launch_marathon_cmd(render_app(kMinimalOptions).app, "scaleio-operator");
  for (const auto& [flag, why] : kFlagsNotInConfig) {
    INFO("--" << flag << ": " << why);
    CHECK(operator_help_flags().count(flag) == 1);
  }
  CHECK(flag_value(launch.argv, "listen"));
  CHECK(flag_value(launch.argv, "data-dir"));
}

TEST_CASE("the daemon's own parser accepts the rendered app's settings") {
  using scaleio::operator_daemon::OperatorSettings;
  SECTION("defaults") {
    const Launch launch = launch_marathon_cmd(render_app(kMinimalOptions).app, "scaleio-operator");
    auto parsed = parse_as_daemon(launch);
    INFO(parsed.status().message());
    REQUIRE(parsed.ok());
    const OperatorSettings& s = parsed->settings;
    CHECK(s.masters == std::vector<std::string>{"leader.mesos:5050"});
    CHECK(s.gateway == "https://scaleio-gateway.example:443");
    CHECK(s.gateway_password_file == std::string(kSandbox) + "/gateway-password");
    CHECK(s.admin_token_file.empty());
    CHECK(s.secret_file.empty());
    CHECK(s.framework_name == "scaleio");
    CHECK(s.mdm_cpus == 1.5);
    CHECK(s.mdm_mem_mb == 3072);
    CHECK(s.node_cpus == 0.5);
    CHECK(s.node_mem_mb == 512);
    CHECK_FALSE(s.allow_removals);
    CHECK_FALSE(s.gateway_insecure);
    CHECK(s.log_format == "json");
    CHECK(s.listen == std::string("0.0.0.0:") + kPort0);
    CHECK(s.advertise_url == std::string("http://") + kHost + ":" + kPort0);
    CHECK(s.data_dir == std::string(kSandbox) + "/data");
  }
  SECTION("every option set") {
    json options = sample_options();
    options["operator"]["gateway_insecure"] = false;  // contradicts gateway_ca_file
    const Launch launch = launch_marathon_cmd(render_app(options).app, "scaleio-operator");
    auto parsed = parse_as_daemon(launch);
    INFO(parsed.status().message());
    REQUIRE(parsed.ok());
    const OperatorSettings& s = parsed->settings;
    CHECK(s.masters == std::vector<std::string>{"10.0.0.1:5050", "10.0.0.2:5050"});
    CHECK(s.principal == "scaleio-principal");
    CHECK(s.secret_file == std::string(kSandbox) + "/mesos-secret");
    CHECK(s.admin_token_file == std::string(kSandbox) + "/admin-token");
    CHECK(s.failover_timeout == std::chrono::hours(48));
    CHECK(s.mdm_ips.size() == 3);
    CHECK(s.default_devices == std::vector<std::string>{"/dev/xvdf", "/dev/xvdg"});
    CHECK(s.mdm_cpus == 2.5);
    CHECK(s.node_mem_mb == 768);
    CHECK(s.allow_removals);
    CHECK(s.mdm_member_timeout == std::chrono::minutes(15));
    CHECK(s.agent_gone_after == std::chrono::minutes(30));
    CHECK(s.gateway_request_stuck_after == std::chrono::seconds(20));
    CHECK(s.observe_interval == std::chrono::seconds(20));
    CHECK(s.advertise_url == "http://operator.example:9110");
    CHECK(s.node_binary == "/opt/scaleio/scaleio-node");
    CHECK(s.log_level == "debug");
  }
}

TEST_CASE("secrets reach the DC/OS app only as secret references") {
  // config.json holds no secret value: secret options name DC/OS secrets, and paths are paths.
  // Kept in a local: a range-for over items() of a temporary reads freed memory (found by ASan).
  const json schema = config_schema();
  for (const auto& [option, property] : schema["properties"]["operator"]["properties"].items()) {
    INFO(option);
    const bool secretish = option.find("password") != std::string::npos ||
                           option.find("token") != std::string::npos ||
                           option.find("secret") != std::string::npos;
    if (secretish) CHECK((option.ends_with("_secret") || option.ends_with("_file")));
  }
  const json app = render_app(sample_options()).app;
  REQUIRE(app.at("secrets").size() == 3);
  for (const auto& [key, secret] : app["secrets"].items()) {
    INFO(key);
    CHECK(secret.size() == 1);  // only "source"
    const std::string source = secret.at("source");
    // Referenced by a file volume, and the secret's path appears nowhere else.
    CHECK(secret_file_of(app, source));
    const std::string text = app.dump();
    CHECK(text.find(source) == text.rfind(source));
  }
  // No secret-carrying environment variable holds a plain value.
  for (const char* name :
       {"SCALEIO_GATEWAY_PASSWORD", "SCALEIO_ADMIN_TOKEN", "SCALEIO_MESOS_SECRET"}) {
    INFO(name);
    CHECK_FALSE(app.at("env").contains(name));
  }
  for (const auto& [name, value] : app["env"].items()) {
    INFO(name);
    CHECK(value.is_string());
  }
}
