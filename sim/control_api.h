#pragma once
// The simulator's control API (--control-listen): read the world, inject faults. Every action is
// logged to stderr as one line. Endpoints are listed by GET / and in docs/simulator.md.
#include <memory>
#include <nlohmann/json.hpp>
#include <string>

#include "adapters/http/http_server.h"
#include "core/status.h"
#include "sim/mesos_master.h"

namespace scaleio::sim {

using scaleio::http::HttpExchange;
using scaleio::http::HttpRequest;
using scaleio::http::HttpResponse;

// The ScaleIO half of the controls; implemented over ScaleioWorld and GatewayService by the
// simulator, so this file needs neither.
class ScaleioControl {
 public:
  virtual ~ScaleioControl() = default;
  virtual nlohmann::json world_json() const = 0;
  virtual Status fail_component(const std::string& hostname, const std::string& component) = 0;
  virtual Status restore_component(const std::string& hostname, const std::string& component) = 0;
  // {errors_for_seconds, timeout_for_seconds, expire_tokens, restart, latency_ms}
  virtual Status set_gateway_faults(const nlohmann::json& request) = 0;
};

class ControlApi {
 public:
  // `scaleio` may be null (Mesos-only simulation): its endpoints then answer 501.
  ControlApi(MesosMaster& master, ScaleioControl* scaleio) : master_(master), scaleio_(scaleio) {}
  void handle(const std::shared_ptr<HttpExchange>& exchange);
  // The same without HTTP (for in-process use): status code and JSON body.
  std::pair<int, nlohmann::json> dispatch(const std::string& method, const std::string& target,
                                          const std::string& body);
  nlohmann::json world_json() const;

 private:
  MesosMaster& master_;
  ScaleioControl* scaleio_;
};

}  // namespace scaleio::sim
