#include "reconcilers/nodes/node_task_spec.h"

#include <charconv>

namespace scaleio::reconcilers {

namespace {

std::string joined(const std::vector<std::string>& words, char separator) {
  std::string out;
  for (const auto& w : words) {
    if (!out.empty()) out += separator;
    out += w;
  }
  return out;
}

// FNV-1a, folded to 32 bits: a change detector for one host's spec, not a security boundary.
std::string short_digest(std::string_view text) {
  uint64_t h = 1469598103934665603ull;
  for (unsigned char c : text) {
    h ^= c;
    h *= 1099511628211ull;
  }
  uint32_t folded = static_cast<uint32_t>(h ^ (h >> 32));
  static const char* kHex = "0123456789abcdef";
  std::string out(8, '0');
  for (int i = 7; i >= 0; --i, folded >>= 4) out[i] = kHex[folded & 0xf];
  return out;
}

bool is_hex(std::string_view s) {
  return !s.empty() && s.find_first_not_of("0123456789abcdef") == std::string_view::npos;
}

}  // namespace

std::vector<std::string> plan_mdm_ips(const plan::Plan& plan) {
  if (!plan.mdm.adopt_mdm_ips.empty()) return plan.mdm.adopt_mdm_ips;
  std::vector<std::string> out;
  auto add = [&](const std::string& host) {
    auto it = plan.nodes.find(host);
    if (it != plan.nodes.end() && !it->second.ip.empty()) out.push_back(it->second.ip);
  };
  if (!plan.mdm.primary.empty()) {
    add(plan.mdm.primary);
    for (const auto& host : plan.mdm.secondaries) add(host);
    return out;
  }
  // An invalid cluster plan names no primary; the nodes still learn the managers there are.
  for (const auto& [host, node] : plan.nodes) {
    if (node.runs_mdm()) add(host);
  }
  return out;
}

NodeTaskSpec node_task_spec(const plan::PlannedNode& node, const std::vector<std::string>& mdm_ips,
                            const NodesSettings& settings) {
  NodeTaskSpec spec;
  spec.hostname = node.hostname;
  spec.roles = node.roles();
  spec.mdm_ips = mdm_ips;
  spec.version = settings.package_version;
  spec.mdm_host = node.runs_mdm() || node.runs_tiebreaker();
  spec.resources = spec.mdm_host ? settings.mdm_host : settings.other_host;
  // Resources and URLs are left out on purpose: changing them must not reinstall every node.
  spec.generation =
      short_digest("roles=" + joined(spec.roles, ',') + ";mdm-ips=" + joined(spec.mdm_ips, ',') +
                   ";version=" + spec.version);
  return spec;
}

std::string node_task_id(std::string_view hostname, std::string_view generation,
                         uint64_t incarnation) {
  return std::string(kNodeTaskPrefix) + std::string(hostname) + "." + std::string(generation) +
         "." + std::to_string(incarnation);
}

std::optional<NodeTaskId> parse_node_task_id(std::string_view task_id) {
  if (!task_id.starts_with(kNodeTaskPrefix)) return std::nullopt;
  std::string_view rest = task_id.substr(kNodeTaskPrefix.size());
  // From the right: hostnames may hold dots, generation and incarnation do not.
  const size_t last = rest.rfind('.');
  if (last == std::string_view::npos || last == 0) return std::nullopt;
  const size_t middle = rest.rfind('.', last - 1);
  if (middle == std::string_view::npos || middle == 0) return std::nullopt;
  NodeTaskId id;
  id.hostname = std::string(rest.substr(0, middle));
  std::string_view generation = rest.substr(middle + 1, last - middle - 1);
  std::string_view incarnation = rest.substr(last + 1);
  if (!is_hex(generation) || incarnation.empty()) return std::nullopt;
  auto [end, error] =
      std::from_chars(incarnation.data(), incarnation.data() + incarnation.size(), id.incarnation);
  if (error != std::errc() || end != incarnation.data() + incarnation.size()) return std::nullopt;
  id.generation = std::string(generation);
  return id;
}

mesos::TaskLaunch node_task_launch(const NodeTaskSpec& spec, const std::string& task_id,
                                   const std::string& agent_id, const NodesSettings& settings) {
  mesos::TaskLaunch task;
  task.task_id = task_id;
  task.name = "scaleio-node " + spec.hostname;
  task.agent_id = agent_id;
  task.cpus = spec.resources.cpus;
  task.mem_mb = spec.resources.mem_mb;
  task.command = "./scaleio-node";
  task.arguments = {"./scaleio-node", "install", "--roles", joined(spec.roles, ',')};
  // The simulated agent (and scaleio-node) refuse a flag without a value: leave empty ones out.
  if (!spec.mdm_ips.empty()) {
    task.arguments.insert(task.arguments.end(), {"--mdm-ips", joined(spec.mdm_ips, ',')});
  }
  if (!spec.version.empty())
    task.arguments.insert(task.arguments.end(), {"--version", spec.version});
  if (!settings.package_source.empty()) {
    task.arguments.insert(task.arguments.end(), {"--package-source", settings.package_source});
  }
  // Fetched into the sandbox as ./scaleio-node; a plain binary, so not extracted.
  mesos::CommandUri uri;
  uri.value = settings.artifact_url;
  uri.executable = true;
  uri.extract = false;
  task.uris.push_back(uri);
  task.labels = {{"scaleio-host", spec.hostname}, {"scaleio-generation", spec.generation}};
  return task;
}

}  // namespace scaleio::reconcilers
