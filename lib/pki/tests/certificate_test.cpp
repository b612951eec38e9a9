#include <gtest/gtest.h>

#include "lib/pki/certificate.h"
#include "lib/pki/chain.h"
#include "lib/pki/csr.h"
#include "lib/pki/sign.h"
#include "lib/pki/tests/pki_test_util.h"

using namespace sarga::pki;
using sarga::pki::testing::run;
using sarga::pki::testing::TempDir;

namespace {

struct Pki {
  Key root_key = Key::generate("ec-p256");
  Certificate root = make_root(root_key, [] {
    RootSpec s;
    s.common_name = "Root";
    return s;
  }());
  Key int_key = Key::generate("ec-p256");
  Certificate intermediate = sign_intermediate(int_key, root, root_key, [] {
    IntermediateSpec s;
    s.common_name = "Org A CA";
    s.path_len = 0;
    s.permitted_dns = {"orga.example.com"};
    s.excluded_dns = {"secret.orga.example.com"};
    return s;
  }());

  Certificate leaf(const std::string& name) const {
    LeafSpec s;
    s.common_name = name;
    return sign_leaf(Key::generate("ec-p256"), intermediate, int_key, s);
  }
};

}  // namespace

TEST(Certificate, ParsesPemBundlesInOrderSkippingOtherBlocks) {
  Pki p;
  std::string bundle = p.intermediate.pem() + Key::generate("ec-p256").private_pem() + "junk between\n" + p.root.pem();
  auto certs = Certificate::all_from_pem(bundle);
  ASSERT_EQ(certs.size(), 2u);
  EXPECT_TRUE(certs[0].same_as(p.intermediate));
  EXPECT_TRUE(certs[1].same_as(p.root));
  EXPECT_TRUE(Certificate::from_pem(bundle).same_as(p.intermediate));
  EXPECT_TRUE(Certificate::from_der(p.root.der()).same_as(p.root));
}

TEST(Certificate, BadInputIsNamed) {
  Pki p;
  auto error_of = [](auto f) {
    try {
      f();
    } catch (const Error& e) {
      return std::string(e.what());
    }
    return std::string("<no error>");
  };
  EXPECT_NE(error_of([] { Certificate::all_from_pem("no pem here"); }).find("no CERTIFICATE PEM block"),
            std::string::npos);
  std::string broken = p.root.pem() + "-----BEGIN CERTIFICATE-----\nQUJD\n-----END CERTIFICATE-----\n";
  EXPECT_NE(error_of([&] { Certificate::all_from_pem(broken); }).find("PEM block 2"), std::string::npos);
  std::string bad_base64 = "-----BEGIN CERTIFICATE-----\n!!!!\n-----END CERTIFICATE-----\n";
  EXPECT_NE(error_of([&] { Certificate::all_from_pem(bad_base64); }).find("PEM block 1 is malformed"),
            std::string::npos);
  EXPECT_NE(error_of([&] { Certificate::from_der(p.root.der() + "x"); }).find("1 bytes of trailing data"),
            std::string::npos);
  EXPECT_THROW(Certificate::from_der(""), Error);
  EXPECT_THROW(Certificate::from_der("\x30\x03\x02\x01"), Error);
}

TEST(Certificate, InspectionMatchesTheOpensslCli) {
  Pki p;
  Certificate leaf = p.leaf("www.orga.example.com");
  EXPECT_FALSE(leaf.is_ca());
  EXPECT_FALSE(leaf.path_len().has_value());
  EXPECT_FALSE(leaf.can_sign_certificates());
  EXPECT_EQ(leaf.dns_names(), std::vector<std::string>{"www.orga.example.com"});
  EXPECT_EQ(leaf.issuer(), "CN=Org A CA");
  EXPECT_EQ(leaf.authority_key_id(), p.intermediate.subject_key_id());
  TempDir dir;
  std::string path = dir.write("leaf.pem", leaf.pem());
  auto fp = run("openssl x509 -noout -fingerprint -sha256 -in " + path);
  ASSERT_EQ(fp.status, 0) << fp.output;
  EXPECT_NE(fp.output.find(leaf.sha256_fingerprint()), std::string::npos) << fp.output;
  EXPECT_EQ(leaf.sha256_fingerprint().size(), 95u);
  auto dates = run("openssl x509 -noout -enddate -dateopt iso_8601 -in " + path);
  std::string rfc = to_rfc3339(leaf.not_after());  // 2026-12-22T02:30:00Z
  std::string iso = rfc.substr(0, 10) + " " + rfc.substr(11);  // "2026-12-22 02:30:00Z"
  EXPECT_NE(dates.output.find(iso), std::string::npos) << dates.output << " vs " << iso;
}

TEST(Chain, OrdersLeafFirstAndDropsDuplicates) {
  Pki p;
  Certificate leaf = p.leaf("www.orga.example.com");
  Certificate stranger = make_root(Key::generate("ec-p256"), [] {
    RootSpec s;
    s.common_name = "Unrelated";
    return s;
  }());
  auto ordered = order_chain({p.root, stranger, leaf, p.intermediate, p.root, p.intermediate});
  ASSERT_EQ(ordered.size(), 4u);
  EXPECT_TRUE(ordered[0].same_as(leaf));
  EXPECT_TRUE(ordered[1].same_as(p.intermediate));
  EXPECT_TRUE(ordered[2].same_as(p.root));
  EXPECT_TRUE(ordered[3].same_as(stranger));
  EXPECT_TRUE(order_chain({}).empty());
  std::string bundle = to_pem_bundle({p.intermediate, p.root});
  EXPECT_EQ(bundle, p.intermediate.pem() + p.root.pem());
  EXPECT_EQ(Certificate::all_from_pem(bundle).size(), 2u);
}

TEST(Chain, VerifyEnforcesNameConstraintsPathLengthHostAndTime) {
  Pki p;
  Certificate good = p.leaf("www.orga.example.com");
  VerifyResult ok = verify_chain(good, {p.intermediate}, p.root, "www.orga.example.com");
  EXPECT_TRUE(ok.ok) << ok.error;

  VerifyResult outside = verify_chain(p.leaf("evil.example.net"), {p.intermediate}, p.root);
  EXPECT_FALSE(outside.ok);
  EXPECT_EQ(outside.error_code, 47) << outside.error;  // permitted subtree violation
  VerifyResult excluded = verify_chain(p.leaf("a.secret.orga.example.com"), {p.intermediate}, p.root);
  EXPECT_EQ(excluded.error_code, 48) << excluded.error;  // excluded subtree violation

  VerifyResult host = verify_chain(good, {p.intermediate}, p.root, "other.orga.example.com");
  EXPECT_EQ(host.error_code, 62) << host.error;  // hostname mismatch

  VerifyResult later = verify_chain(good, {p.intermediate}, p.root, {},
                                    std::chrono::system_clock::now() + std::chrono::hours(24 * 400));
  EXPECT_EQ(later.error_code, 10) << later.error;  // certificate has expired

  VerifyResult missing = verify_chain(good, {}, p.root);
  EXPECT_FALSE(missing.ok);
  EXPECT_EQ(missing.error_code, 20) << missing.error;  // unable to get local issuer certificate

  // A CA below the pathlen:0 intermediate: sign_intermediate refuses to make one, so the
  // openssl CLI does; verification must then fail with "path length constraint exceeded".
  TempDir dir;
  Key sub_key = Key::generate("ec-p256");
  CsrSpec cs;
  cs.common_name = "Too Deep";
  std::string ext = dir.write("ext.cnf", "[v3]\nbasicConstraints=critical,CA:TRUE\nkeyUsage=critical,keyCertSign,cRLSign\n");
  auto made = run("openssl x509 -req -in " + dir.write("sub.csr", Csr::make(sub_key, cs).pem()) + " -CA " +
                  dir.write("int.pem", p.intermediate.pem()) + " -CAkey " + dir.write("int.key", p.int_key.private_pem()) +
                  " -set_serial 7 -days 30 -extfile " + ext + " -extensions v3 -out " + dir.file("sub.pem"));
  ASSERT_EQ(made.status, 0) << made.output;
  Certificate sub = Certificate::from_pem(sarga::pki::testing::read_file(dir.file("sub.pem")));
  EXPECT_TRUE(sub.is_ca());
  EXPECT_EQ(sub.serial_colon_hex(), "07");
  LeafSpec ls;
  ls.common_name = "deep.orga.example.com";
  Certificate deep_leaf = sign_leaf(Key::generate("ec-p256"), sub, sub_key, ls);
  VerifyResult deep = verify_chain(deep_leaf, {sub, p.intermediate}, p.root);
  EXPECT_FALSE(deep.ok);
  EXPECT_EQ(deep.error_code, 25) << deep.error;  // path length constraint exceeded
}

TEST(Chain, CrossCheckedWithOpensslVerify) {
  Pki p;
  TempDir dir;
  std::string root = dir.write("root.pem", p.root.pem());
  std::string inter = dir.write("int.pem", p.intermediate.pem());
  auto good = run("openssl verify -CAfile " + root + " -untrusted " + inter + " " +
                  dir.write("good.pem", p.leaf("api.orga.example.com").pem()));
  EXPECT_EQ(good.status, 0) << good.output;
  auto bad = run("openssl verify -CAfile " + root + " -untrusted " + inter + " " +
                 dir.write("bad.pem", p.leaf("evil.example.net").pem()));
  EXPECT_NE(bad.status, 0);
  EXPECT_NE(bad.output.find("error 47"), std::string::npos) << bad.output;
}
