#include "reconcilers/mdm_quorum/one_shot_tasks.h"

#include <cstdio>

#include "reconcilers/mdm_quorum/membership.h"

namespace scaleio::reconcilers::mdm {

namespace {

constexpr size_t kSequenceDigits = 12;

OneShotTask base(std::string_view verb, const std::string& host, const std::string& agent_id,
                 uint64_t sequence) {
  OneShotTask t;
  t.verb = std::string(verb);
  t.host = host;
  t.agent_id = agent_id;
  t.task_id = task_id_for(verb, host, sequence);
  t.arguments = {"./scaleio-node", "mdm", std::string(verb)};
  return t;
}

}  // namespace

std::string task_id_for(std::string_view verb, const std::string& host, uint64_t sequence) {
  char digits[kSequenceDigits + 1];
  std::snprintf(digits, sizeof digits, "%012llu", static_cast<unsigned long long>(sequence));
  return std::string(kTaskPrefix) + std::string(verb) + "." + host + "." + digits;
}

bool is_one_shot_task(std::string_view task_id) {
  return task_id.starts_with(kTaskPrefix);
}

uint64_t task_sequence(std::string_view task_id) {
  if (!is_one_shot_task(task_id) || task_id.size() < kSequenceDigits + 1) return 0;
  const std::string_view digits = task_id.substr(task_id.size() - kSequenceDigits);
  if (task_id[task_id.size() - kSequenceDigits - 1] != '.') return 0;
  uint64_t value = 0;
  for (char c : digits) {
    if (c < '0' || c > '9') return 0;
    value = value * 10 + static_cast<uint64_t>(c - '0');
  }
  return value;
}

OneShotTask create_cluster_task(const std::string& host, const std::string& agent_id,
                                const std::string& master_ip, uint64_t sequence) {
  OneShotTask t = base(kCreateCluster, host, agent_id, sequence);
  t.arguments.insert(t.arguments.end(),
                     {"--master-ip", master_ip, "--master-name", mdm_name_for(host)});
  return t;
}

OneShotTask set_password_task(const std::string& host, const std::string& agent_id,
                              uint64_t sequence) {
  OneShotTask t = base(kSetPassword, host, agent_id, sequence);
  t.needs_admin_password = true;
  return t;
}

mesos::TaskLaunch to_launch(const OneShotTask& task, const MdmQuorumSettings& settings) {
  mesos::TaskLaunch launch;
  launch.task_id = task.task_id;
  launch.name = "scaleio-mdm " + task.verb + " on " + task.host;
  launch.agent_id = task.agent_id;
  launch.cpus = settings.task_cpus;
  launch.mem_mb = settings.task_mem_mb;
  launch.command = "./scaleio-node";
  launch.arguments = task.arguments;
  if (!settings.node_artifact_url.empty()) {
    mesos::CommandUri uri;
    uri.value = settings.node_artifact_url;
    uri.executable = true;
    uri.extract = false;
    uri.cache = true;
    launch.uris.push_back(std::move(uri));
  }
  if (task.needs_admin_password) {
    launch.environment.emplace_back(std::string(kAdminPasswordFileEnv),
                                    settings.admin_password_file);
  }
  launch.labels.emplace_back("scaleio.reconciler", "mdm_quorum");
  launch.labels.emplace_back("scaleio.mdm-verb", task.verb);
  return launch;
}

const KnownTask* latest_attempt(const MesosTasksProjection& tasks, std::string_view verb) {
  const std::string prefix = std::string(kTaskPrefix) + std::string(verb) + ".";
  const KnownTask* latest = nullptr;
  uint64_t latest_sequence = 0;
  for (auto it = tasks.tasks().lower_bound(prefix);
       it != tasks.tasks().end() && it->first.starts_with(prefix); ++it) {
    const uint64_t sequence = task_sequence(it->first);
    if (latest == nullptr || sequence > latest_sequence) {
      latest = &it->second;
      latest_sequence = sequence;
    }
  }
  return latest;
}

bool node_task_running(const MesosTasksProjection& tasks, const std::string& agent_id) {
  if (agent_id.empty()) return false;
  for (const auto& [id, task] : tasks.tasks()) {
    if (task.agent_id == agent_id && task.state == "TASK_RUNNING" &&
        id.starts_with(kNodeTaskPrefix)) {
      return true;
    }
  }
  return false;
}

}  // namespace scaleio::reconcilers::mdm
