// The four reconcilers, built from the daemon's settings, in the order the runtime lists them.
#pragma once

#include <memory>
#include <vector>

#include "adapters/scaleio/credentials.h"
#include "cli/operator/settings.h"
#include "core/ports/gateway_client.h"
#include "core/ports/mesos_driver.h"
#include "reconcilers/offer_pool.h"
#include "reconcilers/reconciler.h"

namespace scaleio::operator_daemon {

struct ReconcilerDeps {
  GatewayClient& gateway;
  mesos::MesosDriver& driver;
  reconcilers::OfferPool& offers;
  const OperatorSettings& settings;
};

std::vector<std::unique_ptr<reconcilers::Reconciler>> make_reconcilers(const ReconcilerDeps& deps);

}  // namespace scaleio::operator_daemon
