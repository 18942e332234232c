#pragma once
// Puts MesosMaster on the wire: /api/v1/scheduler and /api/v1 with the transport rules and the
// status-code order of mesos-v1-api.md. One front per master endpoint; the endpoint that is not
// the leader answers 307 towards the one that is.
#include <memory>

#include "adapters/http/http_server.h"
#include "sim/mesos_master.h"

namespace scaleio::sim {

using scaleio::http::HttpExchange;
using scaleio::http::HttpRequest;
using scaleio::http::HttpResponse;

class MesosHttpFront {
 public:
  MesosHttpFront(MesosMaster& master, int endpoint_index)
      : master_(master), endpoint_index_(endpoint_index) {}
  void handle(const std::shared_ptr<HttpExchange>& exchange);

 private:
  MesosMaster& master_;
  int endpoint_index_;
};

}  // namespace scaleio::sim
