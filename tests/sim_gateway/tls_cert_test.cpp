// The start-up PKI: parse the PEMs back with OpenSSL and check what clients will verify.
#include <catch2/catch.hpp>

#include <memory>

#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include "sim/gateway/tls_cert.h"

namespace scaleio::sim::testing {

namespace {
struct Free {
  void operator()(X509* p) const { X509_free(p); }
  void operator()(EVP_PKEY* p) const { EVP_PKEY_free(p); }
  void operator()(BIO* p) const { BIO_free(p); }
  void operator()(X509_STORE* p) const { X509_STORE_free(p); }
  void operator()(X509_STORE_CTX* p) const { X509_STORE_CTX_free(p); }
};

std::unique_ptr<X509, Free> read_cert(const std::string& pem) {
  std::unique_ptr<BIO, Free> bio(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
  return std::unique_ptr<X509, Free>(PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr));
}
}  // namespace

TEST_CASE("TLS material: a CA-signed server certificate for 127.0.0.1 and localhost") {
  auto material = generate_tls_material();
  INFO(material.status().to_string());
  REQUIRE(material.ok());
  auto cert = read_cert(material->cert_pem);
  auto ca = read_cert(material->ca_pem);
  REQUIRE(cert);
  REQUIRE(ca);

  CHECK(X509_check_ip_asc(cert.get(), "127.0.0.1", 0) == 1);
  CHECK(X509_check_host(cert.get(), "localhost", 0, 0, nullptr) == 1);
  CHECK(X509_check_ip_asc(cert.get(), "10.1.2.3", 0) != 1);
  CHECK(X509_check_ca(ca.get()) >= 1);
  CHECK(X509_check_ca(cert.get()) == 0);

  std::unique_ptr<BIO, Free> key_bio(
      BIO_new_mem_buf(material->key_pem.data(), static_cast<int>(material->key_pem.size())));
  std::unique_ptr<EVP_PKEY, Free> key(
      PEM_read_bio_PrivateKey(key_bio.get(), nullptr, nullptr, nullptr));
  REQUIRE(key);
  CHECK(X509_check_private_key(cert.get(), key.get()) == 1);

  // A client trusting only the CA file verifies the server certificate.
  std::unique_ptr<X509_STORE, Free> store(X509_STORE_new());
  X509_STORE_add_cert(store.get(), ca.get());
  std::unique_ptr<X509_STORE_CTX, Free> ctx(X509_STORE_CTX_new());
  REQUIRE(X509_STORE_CTX_init(ctx.get(), store.get(), cert.get(), nullptr) == 1);
  CHECK(X509_verify_cert(ctx.get()) == 1);

  CHECK(material->chain_pem().find(material->ca_pem) != std::string::npos);
  // Fresh material each start-up.
  auto other = generate_tls_material();
  REQUIRE(other.ok());
  CHECK(other->ca_pem != material->ca_pem);
}

}  // namespace scaleio::sim::testing
