#include "cli/scaleio_node/scli_commands.h"

namespace scaleio::node {

namespace {

// Every scli flag scaleio-node uses. Checked against public scripts that drive ScaleIO 2.0 (see
// the header); the ones marked "unverified" were not seen in such material.
struct ScliFlags {
  const char* program = "scli";
  // create-cluster
  const char* create_cluster = "--create_mdm_cluster";
  const char* master_mdm_ip = "--master_mdm_ip";
  const char* master_mdm_management_ip = "--master_mdm_management_ip";
  const char* master_mdm_name = "--master_mdm_name";
  const char* accept_license = "--accept_license";
  const char* approve_certificate = "--approve_certificate";
  // add-standby
  const char* add_standby = "--add_standby_mdm";
  const char* new_mdm_ip = "--new_mdm_ip";
  const char* new_mdm_management_ip = "--new_mdm_management_ip";
  const char* mdm_role = "--mdm_role";
  const char* new_mdm_name = "--new_mdm_name";
  // switch-mode
  const char* switch_cluster_mode = "--switch_cluster_mode";
  const char* cluster_mode = "--cluster_mode";
  const char* add_slave_mdm_ip = "--add_slave_mdm_ip";
  const char* add_tb_ip = "--add_tb_ip";
  const char* remove_slave_mdm_ip = "--remove_slave_mdm_ip";
  const char* remove_tb_ip = "--remove_tb_ip";
  // Skips scli's interactive confirmation when members are removed (seen in a Puppet module's
  // 1_node switch; unverified for other modes).
  const char* i_am_sure = "--i_am_sure";
  // login / set-password
  const char* login = "--login";
  const char* username = "--username";
  const char* admin_user = "admin";
  const char* password = "--password";
  const char* set_password = "--set_password";
  const char* old_password = "--old_password";
  const char* new_password = "--new_password";
};
constexpr ScliFlags kScliFlags;

constexpr auto kScliTimeout = std::chrono::minutes(2);

Command scli(std::vector<std::string> args) {
  Command c;
  c.argv.push_back(kScliFlags.program);
  for (auto& a : args) c.argv.push_back(std::move(a));
  c.timeout = kScliTimeout;
  return c;
}

std::string comma_list(const std::vector<std::string>& items) {
  std::string out;
  for (const auto& item : items) out += (out.empty() ? "" : ",") + item;
  return out;
}

void add_secret(Command& c, const std::string& password) {
  if (password != kScliDefaultPassword) c.secrets.push_back(password);
}

}  // namespace

Command scli_create_cluster(const std::string& master_ip, const std::string& master_name) {
  const auto& f = kScliFlags;
  return scli({f.create_cluster, f.master_mdm_ip, master_ip, f.master_mdm_management_ip, master_ip,
               f.master_mdm_name, master_name, f.accept_license, f.approve_certificate});
}

Command scli_add_standby(const std::string& ip, const std::string& role, const std::string& name) {
  const auto& f = kScliFlags;
  Command c = scli({f.add_standby, f.new_mdm_ip, ip, f.mdm_role, role});
  if (role == "manager") {
    c.argv.push_back(f.new_mdm_management_ip);
    c.argv.push_back(ip);
  }
  c.argv.push_back(f.new_mdm_name);
  c.argv.push_back(name);
  return c;
}

Command scli_switch_mode(const SwitchModeRequest& request) {
  const auto& f = kScliFlags;
  Command c = scli({f.switch_cluster_mode, f.cluster_mode, request.mode});
  auto add_list = [&c](const char* flag, const std::vector<std::string>& ips) {
    if (ips.empty()) return;
    c.argv.push_back(flag);
    c.argv.push_back(comma_list(ips));
  };
  add_list(f.add_slave_mdm_ip, request.add_slave_ips);
  add_list(f.add_tb_ip, request.add_tb_ips);
  add_list(f.remove_slave_mdm_ip, request.remove_slave_ips);
  add_list(f.remove_tb_ip, request.remove_tb_ips);
  if (!request.remove_slave_ips.empty() || !request.remove_tb_ips.empty()) {
    c.argv.push_back(f.i_am_sure);
  }
  return c;
}

Command scli_login(const std::string& password) {
  const auto& f = kScliFlags;
  Command c = scli({f.login, f.username, f.admin_user, f.password, password});
  add_secret(c, password);
  return c;
}

Command scli_set_password(const std::string& old_password, const std::string& new_password) {
  const auto& f = kScliFlags;
  Command c = scli({f.set_password, f.old_password, old_password, f.new_password, new_password});
  add_secret(c, old_password);
  add_secret(c, new_password);
  return c;
}

}  // namespace scaleio::node
