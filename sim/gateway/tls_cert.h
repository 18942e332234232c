// A throw-away PKI for the sim's HTTPS gateway: a self-signed CA and a server certificate for
// 127.0.0.1 / localhost, made fresh at start-up. The CA goes to --gateway-ca-out so clients can
// verify the gateway instead of disabling verification.
#pragma once

#include <string>
#include <vector>

#include "core/status.h"

namespace scaleio::sim {

struct TlsMaterial {
  std::string cert_pem;  // server certificate
  std::string key_pem;   // server private key (PKCS#8)
  std::string ca_pem;    // the CA that signed it
  // Server certificate followed by the CA, for ssl::context::use_certificate_chain.
  std::string chain_pem() const { return cert_pem + ca_pem; }
};

struct TlsSubject {
  std::vector<std::string> dns_names = {"localhost"};
  std::vector<std::string> ip_addresses = {"127.0.0.1"};
  int valid_days = 365;
};

Result<TlsMaterial> generate_tls_material(const TlsSubject& subject = {});

}  // namespace scaleio::sim
