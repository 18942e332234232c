#include "cli/operator/reconciler_set.h"

#include "reconcilers/mdm_quorum/mdm_quorum_reconciler.h"
#include "reconcilers/nodes/nodes_reconciler.h"
#include "reconcilers/sdc_mappings/sdc_mappings_reconciler.h"
#include "reconcilers/storage_pools/storage_pools_reconciler.h"

namespace scaleio::operator_daemon {

std::vector<std::unique_ptr<reconcilers::Reconciler>> make_reconcilers(const ReconcilerDeps& deps) {
  const OperatorSettings& s = deps.settings;
  const std::string artifact_url = s.advertise_url + "/v1/artifacts/scaleio-node";

  reconcilers::NodesSettings nodes;
  nodes.package_version = s.scaleio_version;
  nodes.package_source = s.package_source;
  nodes.artifact_url = artifact_url;
  nodes.mdm_host = {s.mdm_cpus, s.mdm_mem_mb};
  nodes.other_host = {s.node_cpus, s.node_mem_mb};

  reconcilers::MdmQuorumSettings mdm;
  mdm.member_loss_timeout = s.mdm_member_timeout;
  mdm.node_artifact_url = artifact_url;
  mdm.admin_password_file = s.agent_admin_password_file;

  std::vector<std::unique_ptr<reconcilers::Reconciler>> out;
  out.push_back(std::make_unique<reconcilers::NodesReconciler>(deps.driver, deps.offers, nodes));
  out.push_back(std::make_unique<reconcilers::MdmQuorumReconciler>(deps.gateway, deps.driver,
                                                                   deps.offers, mdm));
  out.push_back(std::make_unique<reconcilers::StoragePoolsReconciler>(deps.gateway));
  out.push_back(std::make_unique<reconcilers::SdcMappingsReconciler>(deps.gateway));
  return out;
}

}  // namespace scaleio::operator_daemon
