// Source over a running daemon's HTTP API (scaleioctl --server URL). The admin token for pause
// and resume comes from a provider (--token-file or SCALEIO_ADMIN_TOKEN, never argv) and is sent
// only in the Authorization header of those two requests.
#pragma once

#include <functional>
#include <optional>

#include "cli/scaleioctl/http_client.h"
#include "cli/scaleioctl/source.h"

namespace scaleio::ctl {

// nullopt = no token was given; an error = one was given but cannot be read.
using TokenProvider = std::function<Result<std::optional<std::string>>()>;

class ServerSource final : public Source {
 public:
  ServerSource(HttpClient client, TokenProvider token)
      : client_(std::move(client)), token_(std::move(token)) {}

  std::string describe() const override { return client_.url(); }
  Result<nlohmann::json> plan() override { return get_json("/v1/plan"); }
  Result<nlohmann::json> state() override { return get_json("/v1/state"); }
  Result<nlohmann::json> drift() override { return get_json("/v1/drift"); }
  Result<nlohmann::json> reconcilers() override { return get_json("/v1/reconcilers"); }
  Result<nlohmann::json> events(const EventFilter& filter) override;
  Status follow(const EventFilter& filter, const EventCallback& on_event) override;
  Result<nlohmann::json> command(std::string_view command, const std::string& reconciler,
                                 const std::string& reason) override;
  // The API serves neither: both name --data-dir in their error.
  Result<nlohmann::json> history(const std::string& resource) override;
  Result<uint64_t> travel_to(const std::string& when) override;

 private:
  Result<nlohmann::json> get_json(const std::string& target) const;
  // A non-2xx answer as a Status that names the daemon and carries its message.
  Status answer_error(const HttpAnswer& answer, const std::string& what) const;
  Result<uint64_t> resolve_since(const EventFilter& filter) const;

  HttpClient client_;
  TokenProvider token_;
};

}  // namespace scaleio::ctl
