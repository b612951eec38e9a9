#include "lib/plug/digest.h"

#include <gtest/gtest.h>

namespace sarga::plug {
namespace {

// RFC 7616 section 3.9.1: the worked example, once with SHA-256 and once with MD5.
DigestChallenge rfc_challenge(const std::string& algorithm) {
  auto c = parse_digest_challenge(
      "Digest realm=\"http-auth@example.org\", qop=\"auth, auth-int\", algorithm=" + algorithm +
      ", nonce=\"7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v\", "
      "opaque=\"FQhe/qaU925kfnzjCev0ciny7QMkPqMAFRtzCUYo5tdS\"");
  EXPECT_TRUE(c.has_value());
  return *c;
}

TEST(PlugDigest, Rfc7616Sha256Example) {
  auto c = rfc_challenge("SHA-256");
  EXPECT_EQ(c.algorithm, "SHA-256");
  EXPECT_TRUE(c.qop_auth);
  EXPECT_EQ(c.realm, "http-auth@example.org");
  std::string h = digest_authorization(c, "Mufasa", "Circle of Life", "GET", "/dir/index.html",
                                       "f2/wE4q74E6zIJEtWaHKaf5wv/H5QzzpXusqGemxURZJ", 1);
  EXPECT_NE(h.find("response=\"753927fa0e85d155564e2e272a28d1802ca10daf4496794697cf8db5856cb6c1\""),
            std::string::npos)
      << h;
  EXPECT_NE(h.find("nc=00000001"), std::string::npos) << h;
  EXPECT_NE(h.find("opaque=\"FQhe/qaU925kfnzjCev0ciny7QMkPqMAFRtzCUYo5tdS\""), std::string::npos) << h;
}

TEST(PlugDigest, Rfc7616Md5Example) {
  auto c = rfc_challenge("MD5");
  std::string h = digest_authorization(c, "Mufasa", "Circle of Life", "GET", "/dir/index.html",
                                       "f2/wE4q74E6zIJEtWaHKaf5wv/H5QzzpXusqGemxURZJ", 1);
  EXPECT_NE(h.find("response=\"8ca523f5e9506fed4657c9700eebdbec\""), std::string::npos) << h;
}

TEST(PlugDigest, RejectsOtherSchemesAndAlgorithms) {
  EXPECT_FALSE(parse_digest_challenge("Basic realm=\"x\""));
  EXPECT_FALSE(parse_digest_challenge("Digest realm=\"x\", nonce=\"n\", algorithm=SHA-512-256"));
  EXPECT_FALSE(parse_digest_challenge("Digest realm=\"x\""));  // no nonce
  auto md5 = parse_digest_challenge("digest realm=\"x\", nonce=\"n\"");
  ASSERT_TRUE(md5);
  EXPECT_EQ(md5->algorithm, "MD5");
  EXPECT_FALSE(md5->qop_auth);
}

TEST(PlugDigest, CnoncesDiffer) { EXPECT_NE(make_cnonce(), make_cnonce()); }

}  // namespace
}  // namespace sarga::plug
