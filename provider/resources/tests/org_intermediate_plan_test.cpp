// sarga_org_intermediate building blocks: durations, DNS subtrees, the re-issue and renewal
// decisions, the certificate checks and the chain order.
#include <gtest/gtest.h>

#include <openssl/x509.h>

#include "lib/pki/sign.h"
#include "provider/resources/org_intermediate/certificate_state.h"
#include "provider/resources/org_intermediate/duration.h"
#include "provider/resources/org_intermediate/renewal.h"
#include "provider/resources/org_intermediate/spec.h"

namespace sarga::resources::org_intermediate {
namespace {

TEST(OrgIntermediateDuration, ParsesGoStyleAndDays) {
  EXPECT_EQ(parse_duration("8760h"), 8760 * 3600);
  EXPECT_EQ(parse_duration("1h30m"), 5400);
  EXPECT_EQ(parse_duration("30d"), 30 * 86400);
  EXPECT_EQ(parse_duration("90s"), 90);
  EXPECT_EQ(parse_duration(""), std::nullopt);
  EXPECT_EQ(parse_duration("3600"), std::nullopt);
  EXPECT_EQ(parse_duration("1y"), std::nullopt);
  EXPECT_EQ(parse_duration("h"), std::nullopt);
  EXPECT_EQ(parse_duration("99999999999999999999h"), std::nullopt);
}

TEST(OrgIntermediateDns, SubtreesFollowRfc5280) {
  EXPECT_TRUE(dns_within("acme.example", "acme.example"));
  EXPECT_TRUE(dns_within("www.acme.example", "acme.example"));
  EXPECT_FALSE(dns_within("evilacme.example", "acme.example"));
  EXPECT_FALSE(dns_within("acme.example", ".acme.example"));
  EXPECT_TRUE(dns_within("a.acme.example", ".acme.example"));
  EXPECT_TRUE(dns_within(".a.acme.example", "acme.example"));
  EXPECT_FALSE(dns_within("other.example", "acme.example"));
}

OrgSpec spec_of(std::string cn, std::optional<int64_t> path_len, std::vector<std::string> dns) {
  OrgSpec s;
  s.common_name = std::move(cn);
  s.max_path_length = path_len;
  s.permitted_dns_domains = std::move(dns);
  return s;
}

TEST(OrgIntermediateRenewal, ReissueReasons) {
  CertFacts f{"Acme CA", 0, {"acme.example"}, 0, 1000};
  EXPECT_EQ(reissue_reason(f, spec_of("Acme CA", 0, {"acme.example"})), "");
  EXPECT_NE(reissue_reason(f, spec_of("Acme Issuing CA", 0, {"acme.example"})), "");
  EXPECT_NE(reissue_reason(f, spec_of("Acme CA", 1, {"acme.example"})), "");
  EXPECT_NE(reissue_reason(f, spec_of("Acme CA", 0, {"acme.example", "acme.test"})), "");
  // Unset max_path_length accepts whatever the root derived.
  EXPECT_EQ(reissue_reason(f, spec_of("Acme CA", std::nullopt, {"acme.example"})), "");
  CertFacts none{"Acme CA", std::nullopt, {}, 0, 1000};
  EXPECT_NE(reissue_reason(none, spec_of("Acme CA", 0, {})), "") << "0 and unset differ";
}

TEST(OrgIntermediateRenewal, DueInsideTheWindow) {
  EXPECT_FALSE(renewal_due(1000, 100, 899));
  EXPECT_TRUE(renewal_due(1000, 100, 900));
  EXPECT_TRUE(renewal_due(1000, 0, 1000));
  set_clock_for_tests([] { return int64_t{42}; });
  EXPECT_EQ(now_unix(), 42);
  set_clock_for_tests(nullptr);
  EXPECT_GT(now_unix(), 1700000000);
}

pki::RootSpec root_spec() {
  pki::RootSpec r;
  r.common_name = "Test Root";
  return r;
}

struct TestCa {
  pki::Key root_key = pki::Key::generate("ec-p256");
  pki::Certificate root = pki::make_root(root_key, root_spec());
};

TEST(OrgIntermediateCheck, AcceptsWhatWasAskedAndListsEveryMismatch) {
  TestCa ca;
  pki::Key key = pki::Key::generate("ec-p256");
  pki::IntermediateSpec is;
  is.common_name = "Acme CA";
  is.path_len = 0;
  is.permitted_dns = {"acme.example"};
  std::string pem = pki::sign_intermediate(key, ca.root, ca.root_key, is).pem();

  EXPECT_TRUE(check_issued(pem, ca.root.pem(), spec_of("Acme CA", 0, {"acme.example"})).empty());
  auto problems = check_issued(pem, ca.root.pem(), spec_of("Other", 1, {"other.example"}));
  ASSERT_EQ(problems.size(), 3u);
  EXPECT_NE(problems[0].find("pathLenConstraint is 0, expected 1"), std::string::npos) << problems[0];
  EXPECT_NE(problems[1].find("permitted DNS names are acme.example"), std::string::npos) << problems[1];
  EXPECT_NE(problems[2].find("subject CN"), std::string::npos) << problems[2];

  TestCa other;
  auto wrong_signer = check_issued(pem, other.root.pem(), spec_of("Acme CA", 0, {"acme.example"}));
  ASSERT_EQ(wrong_signer.size(), 1u);
  EXPECT_NE(wrong_signer[0].find("not signed by the root"), std::string::npos);

  // Constraints asked for but absent (what OpenBao does with a parameter it ignores).
  pki::IntermediateSpec bare;
  bare.common_name = "Acme CA";
  std::string bare_pem = pki::sign_intermediate(key, ca.root, ca.root_key, bare).pem();
  auto missing = check_issued(bare_pem, ca.root.pem(), spec_of("Acme CA", 0, {"acme.example"}));
  ASSERT_EQ(missing.size(), 3u);
  EXPECT_NE(missing[0].find("absent"), std::string::npos);
  EXPECT_NE(missing[1].find("nameConstraints are missing"), std::string::npos);
}

TEST(OrgIntermediateCheck, ChainStartsAtTheIntermediateWithoutDuplicates) {
  TestCa ca;
  pki::Key key = pki::Key::generate("ec-p384");
  pki::IntermediateSpec is;
  is.common_name = "Acme CA";
  std::string pem = pki::sign_intermediate(key, ca.root, ca.root_key, is).pem();
  // OpenBao's ca_chain repeats the new certificate first; a bundle may repeat the root.
  auto chain = chain_from(pem, {ca.root.pem(), pem, ca.root.pem() + ca.root.pem()});
  ASSERT_EQ(chain.size(), 2u);
  EXPECT_EQ(chain[0], pki::Certificate::from_pem(pem).pem());
  EXPECT_EQ(chain[1], ca.root.pem());

  CertFacts f = facts_of(pem);
  EXPECT_EQ(f.common_name, "Acme CA");
  EXPECT_EQ(f.path_len, std::nullopt);
  EXPECT_GT(f.not_after, f.not_before);
}

}  // namespace
}  // namespace sarga::resources::org_intermediate
