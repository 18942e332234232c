// Plain values exchanged between the Mesos driver port and its users. No wire format here: the
// adapter maps these to and from the v1 scheduler API's JSON (adapters/mesos/json_codec.h).
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "core/clock.h"
#include "core/events.pb.h"

namespace scaleio::mesos {

// Mesos TaskState, same names and order as mesos.proto (so logs read like Mesos' own).
enum class TaskState {
  kStarting = 0,
  kRunning = 1,
  kFinished = 2,
  kFailed = 3,
  kKilled = 4,
  kLost = 5,
  kStaging = 6,
  kError = 7,
  kKilling = 8,
  kDropped = 9,
  kUnreachable = 10,
  kGone = 11,
  kGoneByOperator = 12,
  kUnknown = 13,
};

// FINISHED, FAILED, KILLED, LOST, ERROR, DROPPED, GONE, GONE_BY_OPERATOR. UNREACHABLE and UNKNOWN
// are not terminal: the task may come back.
bool is_terminal(TaskState state);
// "TASK_RUNNING"; parse returns nullopt for names this build does not know.
const char* task_state_name(TaskState state);
std::optional<TaskState> parse_task_state(std::string_view name);

enum class StatusSource { kMaster = 0, kAgent = 1, kExecutor = 2 };

struct PortRange {
  uint64_t begin = 0;
  uint64_t end = 0;
  bool operator==(const PortRange&) const = default;
};

struct Offer {
  std::string id;
  std::string agent_id;
  std::string hostname;
  // Typed as in the agent's --attributes; `text` holds the printed form for non-TEXT types.
  std::vector<events::Attribute> attributes;
  double cpus = 0;
  double mem_mb = 0;
  double disk_mb = 0;
  std::vector<PortRange> ports;
};

struct TaskStatus {
  std::string task_id;
  std::string agent_id;
  TaskState state = TaskState::kStaging;
  std::string reason;  // "REASON_RECONCILIATION", empty when none
  std::string message;
  StatusSource source = StatusSource::kMaster;
  std::string uuid;  // raw bytes (16); empty = nothing to acknowledge
  std::optional<bool> healthy;
  double timestamp = 0;  // seconds since the epoch, as the sender stamped it
};

struct CommandUri {
  std::string value;
  bool executable = false;
  bool extract = true;
  bool cache = false;
};

struct TaskLaunch {
  std::string task_id;
  std::string name;
  std::string agent_id;  // of the offer(s) used
  double cpus = 0;
  double mem_mb = 0;
  double disk_mb = 0;
  // Run without a shell: `command` is the program, `arguments` its argv (argv[0] included).
  std::string command;
  std::vector<std::string> arguments;
  std::vector<CommandUri> uris;
  std::vector<std::pair<std::string, std::string>> environment;
  std::vector<std::pair<std::string, std::string>> labels;
};

// A task whose state to ask the master for (explicit reconciliation).
struct TaskRef {
  std::string task_id;
  std::string agent_id;  // may be empty
};

}  // namespace scaleio::mesos
