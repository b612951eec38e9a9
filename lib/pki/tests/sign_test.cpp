#include <gtest/gtest.h>

#include <openssl/x509.h>

#include "lib/pki/certificate.h"
#include "lib/pki/csr.h"
#include "lib/pki/sign.h"
#include "lib/pki/tests/pki_test_util.h"

using namespace sarga::pki;
using sarga::pki::testing::run;
using sarga::pki::testing::TempDir;

namespace {

struct Ca {
  Key key;
  Certificate cert;
};

Ca root_ca(std::optional<int> path_len = std::nullopt, const char* key_type = "ec-p256") {
  Key key = Key::generate(key_type);
  RootSpec spec;
  spec.common_name = "Sarga Test Root";
  spec.path_len = path_len;
  return {key, make_root(key, spec)};
}

IntermediateSpec org_spec(std::optional<int> path_len, std::vector<std::string> permitted = {"orga.example.com"}) {
  IntermediateSpec spec;
  spec.common_name = "Org A CA";
  spec.organization = "Org A";
  spec.ttl = std::chrono::hours(24 * 365);
  spec.path_len = path_len;
  spec.permitted_dns = std::move(permitted);
  return spec;
}

std::string error_of(const std::function<void()>& f) {
  try {
    f();
  } catch (const Error& e) {
    return e.what();
  }
  return "<no error>";
}

}  // namespace

TEST(MakeRoot, IsASelfSignedCaWithKeyIds) {
  Ca root = root_ca();
  EXPECT_TRUE(root.cert.is_ca());
  EXPECT_TRUE(root.cert.basic_constraints_critical());
  EXPECT_FALSE(root.cert.path_len().has_value());
  EXPECT_TRUE(root.cert.can_sign_certificates());
  EXPECT_TRUE(root.cert.is_self_issued());
  EXPECT_TRUE(root.cert.verify_signed_by(root.cert));
  EXPECT_TRUE(root.cert.matches_key(root.key));
  EXPECT_FALSE(root.cert.subject_key_id().empty());
  EXPECT_EQ(root.cert.subject_key_id(), root.cert.authority_key_id());
  EXPECT_EQ(root.cert.subject_cn(), "Sarga Test Root");
  EXPECT_FALSE(root.cert.name_constraints().present);
  EXPECT_EQ(root_ca(2).cert.path_len(), 2);
}

TEST(SignIntermediate, PathLenUnsetAndZeroAreDifferent) {
  Ca root = root_ca();
  Key sub = Key::generate("ec-p256");
  Certificate unset = sign_intermediate(sub, root.cert, root.key, org_spec(std::nullopt));
  Certificate zero = sign_intermediate(sub, root.cert, root.key, org_spec(0));
  Certificate three = sign_intermediate(sub, root.cert, root.key, org_spec(3));
  EXPECT_FALSE(unset.path_len().has_value());
  EXPECT_EQ(zero.path_len(), 0);
  EXPECT_EQ(three.path_len(), 3);
  for (const auto* c : {&unset, &zero, &three}) {
    EXPECT_TRUE(c->is_ca());
    EXPECT_TRUE(c->basic_constraints_critical());
    EXPECT_TRUE(c->verify_signed_by(root.cert));
    EXPECT_EQ(c->authority_key_id(), root.cert.subject_key_id());
    EXPECT_NE(c->subject_key_id(), root.cert.subject_key_id());
    EXPECT_TRUE(c->matches_key(sub));
  }
  // Cross-check the encoding with the openssl CLI.
  TempDir dir;
  auto text0 = run("openssl x509 -noout -text -in " + dir.write("zero.pem", zero.pem()));
  ASSERT_EQ(text0.status, 0) << text0.output;
  EXPECT_NE(text0.output.find("X509v3 Basic Constraints: critical"), std::string::npos) << text0.output;
  EXPECT_NE(text0.output.find("CA:TRUE, pathlen:0"), std::string::npos) << text0.output;
  auto textu = run("openssl x509 -noout -text -in " + dir.write("unset.pem", unset.pem()));
  EXPECT_EQ(textu.output.find("pathlen"), std::string::npos) << textu.output;
  EXPECT_NE(textu.output.find("CA:TRUE"), std::string::npos);
}

TEST(SignIntermediate, NameConstraintsAreCriticalAndPermittedDns) {
  Ca root = root_ca();
  IntermediateSpec spec = org_spec(0, {"orga.example.com", ".dev.orga.example.com"});
  spec.excluded_dns = {"secret.orga.example.com"};
  Certificate c = sign_intermediate(Key::generate("ec-p384"), root.cert, root.key, spec);
  NameConstraints nc = c.name_constraints();
  EXPECT_TRUE(nc.present);
  EXPECT_TRUE(nc.critical);
  EXPECT_FALSE(nc.has_non_dns);
  EXPECT_EQ(nc.permitted_dns, (std::vector<std::string>{"orga.example.com", ".dev.orga.example.com"}));
  EXPECT_EQ(nc.excluded_dns, std::vector<std::string>{"secret.orga.example.com"});
  EXPECT_EQ(c.permitted_dns(), nc.permitted_dns);
  TempDir dir;
  auto text = run("openssl x509 -noout -text -in " + dir.write("c.pem", c.pem()));
  EXPECT_NE(text.output.find("X509v3 Name Constraints: critical"), std::string::npos) << text.output;
  EXPECT_NE(text.output.find("DNS:orga.example.com"), std::string::npos) << text.output;
  // None given: no extension at all.
  EXPECT_FALSE(sign_intermediate(Key::generate("ec-p256"), root.cert, root.key, org_spec(0, {})).name_constraints().present);
}

TEST(SignIntermediate, FromCsrUsesTheCsrKeyAndTheSpecSubject) {
  Ca root = root_ca(std::nullopt, "ed25519");
  Key sub = Key::generate("rsa-2048");
  CsrSpec cs;
  cs.common_name = "ignored by the signer";
  Csr csr = Csr::make(sub, cs);
  Certificate c = sign_intermediate(csr, root.cert, root.key, org_spec(1));
  EXPECT_TRUE(c.matches_key(sub));
  EXPECT_EQ(c.subject_cn(), "Org A CA");
  EXPECT_EQ(c.issuer_cn(), "Sarga Test Root");
  EXPECT_TRUE(c.verify_signed_by(root.cert));
  // A CSR whose signature no longer matches its key is refused.
  Csr tampered = Csr::from_pem(csr.pem());
  ASSERT_EQ(X509_REQ_set_pubkey(tampered.get(), Key::generate("rsa-2048").get()), 1);
  EXPECT_NE(error_of([&] { sign_intermediate(tampered, root.cert, root.key, org_spec(1)); }).find("CSR signature"),
            std::string::npos);
}

TEST(SignIntermediate, ValidityFollowsTheInjectedClock) {
  Ca root = root_ca();
  IntermediateSpec spec = org_spec(0);
  auto now = std::chrono::system_clock::from_time_t(1'900'000'000);
  spec.now = now;
  spec.ttl = std::chrono::hours(48);
  Certificate c = sign_intermediate(Key::generate("ec-p256"), root.cert, root.key, spec);
  EXPECT_EQ(c.not_before(), now - std::chrono::seconds(30));
  EXPECT_EQ(c.not_after(), now + std::chrono::hours(48));
  EXPECT_EQ(to_rfc3339(c.not_after()), "2030-03-19T17:46:40Z");
  spec.not_after = now + std::chrono::hours(1);
  EXPECT_EQ(sign_intermediate(Key::generate("ec-p256"), root.cert, root.key, spec).not_after(),
            now + std::chrono::hours(1));
  spec.not_after = now - std::chrono::hours(1);
  EXPECT_NE(error_of([&] { sign_intermediate(Key::generate("ec-p256"), root.cert, root.key, spec); }).find("expire"),
            std::string::npos);
}

TEST(SignIntermediate, SerialsAreRandom128BitAndFormattedLikeOpenBao) {
  Ca root = root_ca();
  Certificate a = sign_intermediate(Key::generate("ec-p256"), root.cert, root.key, org_spec(0));
  Certificate b = sign_intermediate(Key::generate("ec-p256"), root.cert, root.key, org_spec(0));
  EXPECT_NE(a.serial_hex(), b.serial_hex());
  EXPECT_EQ(a.serial_hex().size(), 32u);
  std::string colon = a.serial_colon_hex();
  EXPECT_EQ(colon.size(), 47u);  // 16 bytes "xx:" * 15 + "xx"
  std::string joined;
  for (char ch : colon)
    if (ch != ':') joined += ch;
  EXPECT_EQ(joined, a.serial_hex());
  TempDir dir;
  auto serial = run("openssl x509 -noout -serial -in " + dir.write("a.pem", a.pem()));
  std::string upper = a.serial_hex();
  for (auto& ch : upper) ch = static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
  std::string expected = "serial=" + upper;
  EXPECT_EQ(serial.output.substr(0, serial.output.find('\n')), expected);
}

TEST(SignIntermediate, RefusesWhatWouldBeAnInvalidChain) {
  Ca root = root_ca();
  Key sub = Key::generate("ec-p256");
  // Issuer pathlen 0: no CA below it.
  Ca zero = root_ca(0);
  EXPECT_NE(error_of([&] { sign_intermediate(sub, zero.cert, zero.key, org_spec(std::nullopt)); }).find("pathlen 0"),
            std::string::npos);
  Ca one = root_ca(1);
  EXPECT_NE(error_of([&] { sign_intermediate(sub, one.cert, one.key, org_spec(1)); }).find("exceeds"),
            std::string::npos);
  EXPECT_NO_THROW(sign_intermediate(sub, one.cert, one.key, org_spec(0)));
  // A leaf cannot issue; a foreign key cannot sign for the root.
  LeafSpec ls;
  ls.common_name = "www.orga.example.com";
  Certificate leaf = sign_leaf(sub, root.cert, root.key, ls);
  EXPECT_NE(error_of([&] { sign_intermediate(sub, leaf, sub, org_spec(0)); }).find("is not a CA"), std::string::npos);
  EXPECT_NE(error_of([&] { sign_intermediate(sub, root.cert, sub, org_spec(0)); }).find("does not belong"),
            std::string::npos);
  EXPECT_NE(error_of([&] { sign_intermediate(sub, root.cert, Key::from_public_pem(root.key.public_pem()), org_spec(0)); })
                .find("no private part"),
            std::string::npos);
  // Malformed constraints name the list and index.
  std::string bad = error_of([&] { sign_intermediate(sub, root.cert, root.key, org_spec(0, {"ok.example", "foo..bar"})); });
  EXPECT_NE(bad.find("permitted_dns[1] \"foo..bar\" has an empty label"), std::string::npos) << bad;
  EXPECT_NE(error_of([&] { sign_intermediate(sub, root.cert, root.key, org_spec(0, {"*.example.com"})); })
                .find("permitted_dns[0]"),
            std::string::npos);
  EXPECT_NE(error_of([&] { sign_intermediate(sub, root.cert, root.key, org_spec(-1)); }).find("path_len"),
            std::string::npos);
  IntermediateSpec nocn = org_spec(0);
  nocn.common_name.clear();
  EXPECT_NE(error_of([&] { sign_intermediate(sub, root.cert, root.key, nocn); }).find("common_name"), std::string::npos);
}

TEST(Csr, MakeParseAndVerify) {
  Key key = Key::generate("ec-p256");
  CsrSpec spec;
  spec.common_name = "Org B CA";
  spec.organization = "Org B";
  spec.country = "DE";
  spec.dns_names = {"ca.orgb.example.com"};
  Csr csr = Csr::make(key, spec);
  Csr back = Csr::from_pem(csr.pem());
  EXPECT_EQ(back.subject_cn(), "Org B CA");
  EXPECT_EQ(back.subject(), "CN=Org B CA,O=Org B,C=DE");
  EXPECT_EQ(back.dns_names(), spec.dns_names);
  EXPECT_TRUE(back.verify_signature());
  EXPECT_TRUE(back.public_key().same_public_key(key));
  TempDir dir;
  auto v = run("openssl req -verify -noout -in " + dir.write("r.pem", csr.pem()));
  EXPECT_EQ(v.status, 0) << v.output;
  EXPECT_NE(v.output.find("verify OK"), std::string::npos) << v.output;
  spec.dns_names = {"bad name"};
  EXPECT_NE(error_of([&] { Csr::make(key, spec); }).find("dns_names[0]"), std::string::npos);
  EXPECT_THROW(Csr::make(Key::from_public_pem(key.public_pem()), CsrSpec{"x", {}, {}, {}, {}}), Error);
  EXPECT_NE(error_of([] { Csr::from_pem("nothing"); }).find("no CERTIFICATE REQUEST"), std::string::npos);
}
