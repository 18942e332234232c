// The one-shot `scaleio-node mdm ...` verbs a Mesos task runs on an MDM node. They stand in for
// scli (cluster bring-up has no REST call), so failures carry scli's exact error form.
#include <map>
#include <sstream>

#include "sim/gateway/scaleio_world.h"

namespace scaleio::sim {

namespace {

using Flags = std::map<std::string, std::string>;

Result<Flags> parse_flags(const std::vector<std::string>& args) {
  Flags flags;
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string& arg = args[i];
    if (arg.rfind("--", 0) != 0) return invalid_argument("unexpected argument: " + arg);
    const auto eq = arg.find('=');
    if (eq != std::string::npos) {
      flags[arg.substr(2, eq - 2)] = arg.substr(eq + 1);
    } else if (i + 1 < args.size() && args[i + 1].rfind("--", 0) != 0) {
      flags[arg.substr(2)] = args[++i];
    } else {
      flags[arg.substr(2)] = "";
    }
  }
  return flags;
}

std::vector<std::string> split_list(const std::string& text) {
  std::vector<std::string> out;
  std::stringstream in(text);
  std::string item;
  while (std::getline(in, item, ',')) {
    if (!item.empty()) out.push_back(item);
  }
  return out;
}

Result<std::string> required(const Flags& flags, const std::string& name) {
  auto it = flags.find(name);
  if (it == flags.end() || it->second.empty()) return invalid_argument("missing --" + name);
  return it->second;
}

}  // namespace

Result<std::string> ScaleioWorld::run_mdm_command(const std::string& hostname,
                                                  const std::vector<std::string>& argv) {
  size_t start = 0;
  if (!argv.empty() && argv[0] == "scaleio-node") start = 1;
  if (argv.size() < start + 2 || argv[start] != "mdm") {
    return invalid_argument("unknown scaleio-node command (expected `mdm <verb> ...`)");
  }
  if (!find_node(hostname)) return not_found("no such node: " + hostname);
  const std::string& verb = argv[start + 1];
  const std::vector<std::string> args(argv.begin() + static_cast<long>(start) + 2, argv.end());
  if (verb == "create-cluster") return scli_create_cluster(hostname, args);
  if (verb == "add-standby") return scli_add_standby(args);
  if (verb == "switch-mode") return scli_switch_mode(args);
  if (verb == "set-password") {
    if (auto up = require_mdm(); !up.ok()) return scli_failure(up.error());
    return std::string("Password changed successfully\n");
  }
  return invalid_argument("unknown scaleio-node mdm verb: " + verb);
}

Result<std::string> ScaleioWorld::scli_create_cluster(const std::string& hostname,
                                                      const std::vector<std::string>& args) {
  auto flags = parse_flags(args);
  if (!flags.ok()) return flags.status();
  auto ip = required(*flags, "master-ip");
  if (!ip.ok()) return ip.status();
  auto name = required(*flags, "master-name");
  if (!name.ok()) return name.status();
  // scli talks to the MDM on the node it runs on: without the package there is nothing to talk to.
  auto local = reachable_node(find_node(hostname)->install.ip, "mdm", "MDM");
  if (!local.ok()) return scli_failure(local.error());
  auto created = create_cluster(*ip, *name);
  if (!created.ok()) return scli_failure(created.error());
  return "Successfully created the MDM Cluster. Master MDM ID: " + created.value() + "\n";
}

Result<std::string> ScaleioWorld::scli_add_standby(const std::vector<std::string>& args) {
  auto flags = parse_flags(args);
  if (!flags.ok()) return flags.status();
  auto ip = required(*flags, "ip");
  if (!ip.ok()) return ip.status();
  auto role_text = required(*flags, "role");
  if (!role_text.ok()) return role_text.status();
  MdmRole role;
  if (*role_text == "manager") {
    role = MdmRole::kManager;
  } else if (*role_text == "tb") {
    role = MdmRole::kTieBreaker;
  } else {
    return invalid_argument("--role must be manager or tb, not " + *role_text);
  }
  const std::string name = flags->count("name") ? flags->at("name") : "";
  auto added = add_standby_mdm({*ip}, role, name);
  if (!added.ok()) return scli_failure(added.error());
  return "Successfully added a standby MDM. Object ID " + added.value() + "\n";
}

Result<std::string> ScaleioWorld::scli_switch_mode(const std::vector<std::string>& args) {
  auto flags = parse_flags(args);
  if (!flags.ok()) return flags.status();
  auto mode_text = required(*flags, "mode");
  if (!mode_text.ok()) return mode_text.status();
  const auto mode = parse_mode(*mode_text);
  if (!mode) return invalid_argument("--mode must be 1_node, 3_node or 5_node");
  ModeChange change;
  change.mode = *mode;
  const std::pair<const char*, std::vector<std::string>*> lists[] = {
      {"add-slaves", &change.add_slaves},
      {"add-tbs", &change.add_tie_breakers},
      {"remove-slaves", &change.remove_slaves},
      {"remove-tbs", &change.remove_tie_breakers},
  };
  for (const auto& [flag, into] : lists) {
    auto it = flags->find(flag);
    if (it == flags->end()) continue;
    for (const auto& key : split_list(it->second)) {
      const MdmMember* member = find_member_by_name_or_ip(key);
      if (!member) {
        return scli_failure(mdm_error(mdm_code::kNotFound, "Could not find the MDM " + key));
      }
      into->push_back(member->id);
    }
  }
  if (auto switched = switch_cluster_mode(change); !switched.ok()) {
    return scli_failure(switched.error());
  }
  return "Successfully switched the cluster mode to " + mode_name(*mode) + "\n";
}

}  // namespace scaleio::sim
