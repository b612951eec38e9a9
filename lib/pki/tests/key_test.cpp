#include <gtest/gtest.h>

#include <openssl/evp.h>
#include <openssl/pem.h>

#include "lib/pki/key.h"
#include "lib/pki/tests/pki_test_util.h"

using namespace sarga::pki;
using sarga::pki::testing::run;
using sarga::pki::testing::TempDir;

namespace {

std::string encrypted_pem(const Key& key, bool traditional) {
  BIO* b = BIO_new(BIO_s_mem());
  unsigned char pass[] = "secret";
  int ok = traditional ? PEM_write_bio_PrivateKey_traditional(b, key.get(), EVP_aes_256_cbc(), pass, 6, nullptr, nullptr)
                       : PEM_write_bio_PrivateKey(b, key.get(), EVP_aes_256_cbc(), pass, 6, nullptr, nullptr);
  EXPECT_EQ(ok, 1);
  char* data = nullptr;
  long n = BIO_get_mem_data(b, &data);
  std::string out(data, static_cast<size_t>(n));
  BIO_free(b);
  return out;
}

}  // namespace

class KeyAlgorithms : public ::testing::TestWithParam<const char*> {};

TEST_P(KeyAlgorithms, GeneratesAndRoundTripsThroughPem) {
  Key key = Key::generate(GetParam());
  EXPECT_TRUE(key.has_private());
  EXPECT_EQ(key.algorithm(), GetParam());
  std::string pem = key.private_pem();
  EXPECT_NE(pem.find("-----BEGIN PRIVATE KEY-----"), std::string::npos);  // PKCS#8
  Key back = Key::from_private_pem(pem);
  EXPECT_TRUE(back.same_public_key(key));
  EXPECT_EQ(back.algorithm(), GetParam());
  Key pub = Key::from_public_pem(key.public_pem());
  EXPECT_FALSE(pub.has_private());
  EXPECT_TRUE(pub.same_public_key(key));
  EXPECT_EQ(pub.public_key_sha256(), key.public_key_sha256());
  EXPECT_EQ(pub.public_key_sha256().size(), 64u);
  EXPECT_THROW(pub.private_pem(), Error);
  EXPECT_FALSE(Key::generate(GetParam()).same_public_key(key));
}

INSTANTIATE_TEST_SUITE_P(All, KeyAlgorithms, ::testing::Values("ec-p256", "ec-p384", "ed25519", "rsa-2048"));

TEST(KeySpec, ParsesTheDocumentedFormsOnly) {
  EXPECT_EQ(KeySpec::parse("rsa-3072").rsa_bits, 3072);
  EXPECT_EQ(KeySpec::parse("rsa-4096").to_string(), "rsa-4096");
  EXPECT_EQ(KeySpec::parse("ec-p384").algorithm, KeyAlgorithm::ec_p384);
  for (const char* bad : {"rsa-1024", "ec-p521", "", "RSA-2048", "dsa"}) {
    try {
      KeySpec::parse(bad);
      ADD_FAILURE() << bad;
    } catch (const Error& e) {
      EXPECT_NE(std::string(e.what()).find("use ec-p256, ec-p384, rsa-2048"), std::string::npos) << e.what();
    }
  }
}

TEST(Key, EncryptedPemIsRejectedWithAClearMessage) {
  Key key = Key::generate("ec-p256");
  for (bool traditional : {false, true}) {
    std::string pem = encrypted_pem(key, traditional);
    try {
      Key::from_private_pem(pem);
      ADD_FAILURE() << "encrypted key accepted";
    } catch (const Error& e) {
      EXPECT_NE(std::string(e.what()).find("encrypted"), std::string::npos) << e.what();
    }
  }
}

TEST(Key, MalformedInputNamesTheProblem) {
  try {
    Key::from_private_pem("hello");
    ADD_FAILURE();
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("no PRIVATE KEY PEM block"), std::string::npos);
  }
  try {
    Key::from_private_pem("-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n");
    ADD_FAILURE();
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("malformed private key PEM"), std::string::npos) << e.what();
  }
  EXPECT_THROW(Key::from_public_pem(Key::generate("ec-p256").private_pem()), Error);
}

TEST(Key, InteroperatesWithTheOpensslCli) {
  TempDir dir;
  // A key made by the CLI (traditional EC form) loads; ours passes `openssl pkey -check`.
  auto made = run("openssl ecparam -name prime256v1 -genkey -noout -out " + dir.file("cli.pem"));
  ASSERT_EQ(made.status, 0) << made.output;
  Key cli = Key::from_private_pem(sarga::pki::testing::read_file(dir.file("cli.pem")));
  EXPECT_EQ(cli.algorithm(), "ec-p256");
  std::string ours = dir.write("ours.pem", Key::generate("rsa-2048").private_pem());
  auto check = run("openssl pkey -check -noout -in " + ours);
  EXPECT_EQ(check.status, 0) << check.output;
  EXPECT_NE(check.output.find("Key is valid"), std::string::npos) << check.output;
  // A curve sarga does not offer loads but says so when asked for its type.
  ASSERT_EQ(run("openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-521 -out " + dir.file("p521.pem")).status, 0);
  Key p521 = Key::from_private_pem(sarga::pki::testing::read_file(dir.file("p521.pem")));
  EXPECT_THROW(p521.spec(), Error);
}
