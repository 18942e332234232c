#include "sim/gateway/tls_cert.h"

#include <memory>

#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

namespace scaleio::sim {

namespace {

struct Free {
  void operator()(EVP_PKEY* p) const { EVP_PKEY_free(p); }
  void operator()(X509* p) const { X509_free(p); }
  void operator()(BIO* p) const { BIO_free(p); }
  void operator()(X509_EXTENSION* p) const { X509_EXTENSION_free(p); }
  void operator()(BIGNUM* p) const { BN_free(p); }
};
using KeyPtr = std::unique_ptr<EVP_PKEY, Free>;
using CertPtr = std::unique_ptr<X509, Free>;

Status openssl_error(const std::string& what) {
  char buf[256] = {0};
  ERR_error_string_n(ERR_get_error(), buf, sizeof buf);
  return internal_error("TLS material: " + what + ": " + buf);
}

Status add_extension(X509* cert, X509* issuer, int nid, const std::string& value) {
  X509V3_CTX ctx;
  X509V3_set_ctx_nodb(&ctx);
  X509V3_set_ctx(&ctx, issuer, cert, nullptr, nullptr, 0);
  std::unique_ptr<X509_EXTENSION, Free> ext(X509V3_EXT_conf_nid(nullptr, &ctx, nid, value.c_str()));
  if (!ext || X509_add_ext(cert, ext.get(), -1) != 1) return openssl_error(value);
  return Status();
}

Result<CertPtr> new_certificate(EVP_PKEY* key, const std::string& common_name, int valid_days) {
  CertPtr cert(X509_new());
  if (!cert) return openssl_error("X509_new");
  X509_set_version(cert.get(), 2);  // v3
  std::unique_ptr<BIGNUM, Free> serial(BN_new());
  if (!serial || BN_rand(serial.get(), 63, BN_RAND_TOP_ANY, BN_RAND_BOTTOM_ANY) != 1 ||
      !BN_to_ASN1_INTEGER(serial.get(), X509_get_serialNumber(cert.get()))) {
    return openssl_error("serial number");
  }
  // Back-date an hour so a client with a slightly slow clock accepts it.
  X509_gmtime_adj(X509_getm_notBefore(cert.get()), -3600);
  X509_gmtime_adj(X509_getm_notAfter(cert.get()), static_cast<long>(valid_days) * 86400);
  X509_NAME* name = X509_get_subject_name(cert.get());
  X509_NAME_add_entry_by_txt(name, "O", MBSTRING_ASC,
                             reinterpret_cast<const unsigned char*>("scaleio-sim"), -1, -1, 0);
  X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC,
                             reinterpret_cast<const unsigned char*>(common_name.c_str()), -1, -1,
                             0);
  if (X509_set_pubkey(cert.get(), key) != 1) return openssl_error("X509_set_pubkey");
  return cert;
}

Result<std::string> to_pem(X509* cert, EVP_PKEY* key) {
  std::unique_ptr<BIO, Free> bio(BIO_new(BIO_s_mem()));
  if (!bio) return openssl_error("BIO_new");
  const int ok =
      cert ? PEM_write_bio_X509(bio.get(), cert)
           : PEM_write_bio_PrivateKey(bio.get(), key, nullptr, nullptr, 0, nullptr, nullptr);
  if (ok != 1) return openssl_error("PEM write");
  char* data = nullptr;
  const long size = BIO_get_mem_data(bio.get(), &data);
  return std::string(data, static_cast<size_t>(size));
}

}  // namespace

Result<TlsMaterial> generate_tls_material(const TlsSubject& subject) {
  KeyPtr ca_key(EVP_EC_gen("P-256"));
  KeyPtr server_key(EVP_EC_gen("P-256"));
  if (!ca_key || !server_key) return openssl_error("EVP_EC_gen");

  auto ca = new_certificate(ca_key.get(), "scaleio-sim gateway CA", subject.valid_days);
  if (!ca.ok()) return ca.status();
  X509* ca_cert = ca->get();
  X509_set_issuer_name(ca_cert, X509_get_subject_name(ca_cert));
  for (const auto& [nid, value] : {std::pair{NID_basic_constraints, "critical,CA:TRUE"},
                                   std::pair{NID_key_usage, "critical,keyCertSign,cRLSign"},
                                   std::pair{NID_subject_key_identifier, "hash"}}) {
    if (auto s = add_extension(ca_cert, ca_cert, nid, value); !s.ok()) return s;
  }
  if (X509_sign(ca_cert, ca_key.get(), EVP_sha256()) == 0) return openssl_error("sign CA");

  const std::string cn = subject.dns_names.empty() ? "localhost" : subject.dns_names.front();
  auto server = new_certificate(server_key.get(), cn, subject.valid_days);
  if (!server.ok()) return server.status();
  X509* server_cert = server->get();
  X509_set_issuer_name(server_cert, X509_get_subject_name(ca_cert));
  std::string san;
  for (const auto& dns : subject.dns_names) san += (san.empty() ? "" : ",") + ("DNS:" + dns);
  for (const auto& ip : subject.ip_addresses) san += (san.empty() ? "" : ",") + ("IP:" + ip);
  for (const auto& [nid, value] :
       {std::pair{NID_basic_constraints, std::string("critical,CA:FALSE")},
        std::pair{NID_key_usage, std::string("critical,digitalSignature,keyEncipherment")},
        std::pair{NID_ext_key_usage, std::string("serverAuth")},
        std::pair{NID_subject_key_identifier, std::string("hash")},
        std::pair{NID_authority_key_identifier, std::string("keyid")},
        std::pair{NID_subject_alt_name, san}}) {
    if (auto s = add_extension(server_cert, ca_cert, nid, value); !s.ok()) return s;
  }
  if (X509_sign(server_cert, ca_key.get(), EVP_sha256()) == 0) return openssl_error("sign server");

  TlsMaterial out;
  auto cert_pem = to_pem(server_cert, nullptr);
  auto key_pem = to_pem(nullptr, server_key.get());
  auto ca_pem = to_pem(ca_cert, nullptr);
  if (!cert_pem.ok()) return cert_pem.status();
  if (!key_pem.ok()) return key_pem.status();
  if (!ca_pem.ok()) return ca_pem.status();
  out.cert_pem = std::move(cert_pem.value());
  out.key_pem = std::move(key_pem.value());
  out.ca_pem = std::move(ca_pem.value());
  return out;
}

}  // namespace scaleio::sim
