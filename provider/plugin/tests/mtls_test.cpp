// The AutoMTLS certificate must match go-plugin's profile (protocol.md 1.4).
#include <gtest/gtest.h>

#include <openssl/evp.h>
#include <openssl/pem.h>

#include <memory>

#include "provider/plugin/mtls.h"
#include "provider/plugin/tests/cert_inspect.h"

namespace sarga::plugin {
namespace {

using testing::has_dns_san;
using testing::parse_der;

TEST(SelfSigned, HasGoPluginProfile) {
  Certificate c = make_self_signed(Curve::P256);
  auto cert = parse_der(c.cert_der);
  ASSERT_TRUE(cert);
  EXPECT_TRUE(has_dns_san(cert.get(), "localhost"));
  EXPECT_EQ(X509_check_ca(cert.get()), 1);
  uint32_t ext_ku = X509_get_extended_key_usage(cert.get());
  EXPECT_TRUE(ext_ku & XKU_SSL_SERVER);
  EXPECT_TRUE(ext_ku & XKU_SSL_CLIENT);
  uint32_t ku = X509_get_key_usage(cert.get());
  EXPECT_TRUE(ku & KU_DIGITAL_SIGNATURE);
  EXPECT_TRUE(ku & KU_KEY_ENCIPHERMENT);
  EXPECT_TRUE(ku & KU_KEY_AGREEMENT);
  EXPECT_TRUE(ku & KU_KEY_CERT_SIGN);
  EXPECT_EQ(X509_check_host(cert.get(), "localhost", 0, 0, nullptr), 1);
  // Self-signed: its own key verifies it; already valid now (back-dated), not expired.
  EXPECT_EQ(X509_verify(cert.get(), X509_get0_pubkey(cert.get())), 1);
  EXPECT_LT(X509_cmp_current_time(X509_get0_notBefore(cert.get())), 0);
  EXPECT_GT(X509_cmp_current_time(X509_get0_notAfter(cert.get())), 0);
  EXPECT_NE(c.key_pem.find("PRIVATE KEY"), std::string::npos);
  EXPECT_NE(c.cert_pem.find("BEGIN CERTIFICATE"), std::string::npos);
}

TEST(SelfSigned, CertificateCarriesThePrivateKeysPublicHalf) {
  for (Curve curve : {Curve::P256, Curve::P384, Curve::P521}) {
    Certificate c = make_self_signed(curve);
    auto cert = parse_der(c.cert_der);
    ASSERT_TRUE(cert);
    std::unique_ptr<BIO, decltype(&BIO_free)> bio(BIO_new_mem_buf(c.key_pem.data(), static_cast<int>(c.key_pem.size())), BIO_free);
    std::unique_ptr<EVP_PKEY, decltype(&EVP_PKEY_free)> key(PEM_read_bio_PrivateKey(bio.get(), nullptr, nullptr, nullptr), EVP_PKEY_free);
    ASSERT_TRUE(key);
    EXPECT_EQ(X509_check_private_key(cert.get(), key.get()), 1);
    EXPECT_EQ(EVP_PKEY_eq(X509_get0_pubkey(cert.get()), key.get()), 1);
  }
}

TEST(SelfSigned, FreshKeyAndSerialEachTime) {
  Certificate a = make_self_signed(Curve::P256);
  Certificate b = make_self_signed(Curve::P256);
  EXPECT_NE(a.key_pem, b.key_pem);
  auto ca = parse_der(a.cert_der);
  auto cb = parse_der(b.cert_der);
  EXPECT_NE(ASN1_INTEGER_cmp(X509_get0_serialNumber(ca.get()), X509_get0_serialNumber(cb.get())), 0);
}

TEST(SelfSigned, P521ForGoPluginStyleClients) {
  Certificate c = make_self_signed(Curve::P521, "HashiCorp");
  auto cert = parse_der(c.cert_der);
  ASSERT_TRUE(cert);
  EXPECT_EQ(EVP_PKEY_get_bits(X509_get0_pubkey(cert.get())), 521);
  EXPECT_EQ(X509_get_signature_nid(cert.get()), NID_ecdsa_with_SHA512);
  char org[64] = {};
  X509_NAME_get_text_by_NID(X509_get_subject_name(cert.get()), NID_organizationName, org, sizeof org);
  EXPECT_STREQ(org, "HashiCorp");
}

TEST(PemCheck, AcceptsCertificateRejectsOthers) {
  Certificate c = make_self_signed(Curve::P256);
  EXPECT_TRUE(is_pem_certificate(c.cert_pem));
  EXPECT_FALSE(is_pem_certificate(c.key_pem));
  EXPECT_FALSE(is_pem_certificate("not a certificate"));
  EXPECT_FALSE(is_pem_certificate(""));
}

}  // namespace
}  // namespace sarga::plugin
