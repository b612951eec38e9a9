// Integration tests against a REAL OpenBao dev server (the pinned `bao`, no mocks): mounts,
// the PKI intermediate flow, errors, namespaces and TLS. Certificates are checked with lib/pki.
#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <mutex>
#include <thread>
#include <random>

#include "lib/openbao/client.h"
#include "lib/openbao/tests/bao_dev_server.h"
#include "lib/pki/certificate.h"
#include "lib/pki/chain.h"
#include "lib/pki/csr.h"

using namespace sarga::openbao;
using sarga::openbao::testing::BaoDevServer;
namespace pki = sarga::pki;

namespace {

Options options_for(const BaoDevServer& s) {
  Options o;
  o.address = s.address();
  o.token = s.root_token();
  o.tls.ca_file = s.ca_file();
  return o;
}

Client root_client() { return Client(options_for(BaoDevServer::shared())); }

// Mount names unique per test so tests stay independent on the shared server.
std::string unique(const std::string& prefix) {
  static std::mt19937_64 rng{std::random_device{}()};
  static std::mutex m;
  std::lock_guard<std::mutex> lock(m);
  return prefix + "_" + std::to_string(rng() % 1'000'000'000);
}

struct RootCa {
  std::string mount;
  GeneratedRoot root;
};

RootCa make_root(const Client& c) {
  RootCa r{unique("root"), {}};
  c.mount(r.mount, MountConfig{"pki", "test root", "", "87600h"});
  GenerateRootRequest req;
  req.common_name = "Sarga Test Root";
  req.ttl = "87600h";
  req.key_type = "ec";
  req.key_bits = 256;
  r.root = c.generate_root(r.mount, req);
  return r;
}

}  // namespace

TEST(OpenBaoServer, MountLifecycle) {
  Client c = root_client();
  EXPECT_TRUE(c.healthy());
  std::string m = unique("pki_m");
  EXPECT_FALSE(c.mount_exists(m));
  c.mount(m, MountConfig{"pki", "org mount", "1h", "43800h"});
  auto info = c.mount_info(m);
  ASSERT_TRUE(info);
  EXPECT_EQ(info->type, "pki");
  EXPECT_EQ(info->description, "org mount");
  EXPECT_EQ(info->max_lease_ttl, 43800LL * 3600);
  EXPECT_EQ(info->default_lease_ttl, 3600);
  c.tune(m, MountTune{std::nullopt, std::string("87600h"), std::string("tuned")});
  info = c.mount_info(m);
  EXPECT_EQ(info->max_lease_ttl, 87600LL * 3600);
  EXPECT_EQ(info->description, "tuned");
  try {
    c.mount(m, MountConfig{});
    ADD_FAILURE() << "second mount at the same path accepted";
  } catch (const Error& e) {
    EXPECT_EQ(e.status(), 400);
    EXPECT_NE(std::string(e.what()).find("path is already in use"), std::string::npos) << e.what();
  }
  c.unmount(m);
  EXPECT_FALSE(c.mount_exists(m));
  EXPECT_NO_THROW(c.unmount(m));  // idempotent
}

TEST(OpenBaoServer, IntermediateFlowWithPathLenAndNameConstraints) {
  Client c = root_client();
  RootCa root = make_root(c);
  pki::Certificate root_cert = pki::Certificate::from_pem(root.root.certificate);
  EXPECT_TRUE(root_cert.is_ca());
  EXPECT_EQ(root_cert.serial_colon_hex(), root.root.serial_number);

  std::string org = unique("pki_org");
  c.mount(org, MountConfig{"pki", "", "", "43800h"});
  UrlsConfig urls;
  urls.issuing_certificates = {c.options().address + "/v1/" + org + "/ca"};
  urls.crl_distribution_points = {c.options().address + "/v1/" + org + "/crl"};
  c.write_urls(org, urls);
  EXPECT_EQ(c.read_urls(org).issuing_certificates, urls.issuing_certificates);
  EXPECT_EQ(c.read_urls(org).crl_distribution_points, urls.crl_distribution_points);

  GenerateIntermediateRequest gen;
  gen.common_name = "Org A CA";
  gen.key_type = "ec";
  gen.key_bits = 256;
  GeneratedCsr csr = c.generate_intermediate(org, gen);
  EXPECT_FALSE(csr.key_id.empty());
  EXPECT_TRUE(csr.private_key.empty());  // internal: never returned
  pki::Csr parsed_csr = pki::Csr::from_pem(csr.csr);
  EXPECT_TRUE(parsed_csr.verify_signature());

  SignIntermediateRequest sign;
  sign.csr = csr.csr;
  sign.common_name = "Org A CA";
  sign.ttl = "8760h";
  sign.max_path_length = 0;
  sign.permitted_dns_domains = {"orga.example.com"};
  SignedCertificate signed_cert = c.sign_intermediate(root.mount, sign);
  pki::Certificate inter = pki::Certificate::from_pem(signed_cert.certificate);
  EXPECT_TRUE(inter.is_ca());
  EXPECT_EQ(inter.path_len(), 0);
  EXPECT_TRUE(inter.name_constraints().critical);
  EXPECT_EQ(inter.permitted_dns(), std::vector<std::string>{"orga.example.com"});
  EXPECT_TRUE(inter.verify_signed_by(root_cert));
  EXPECT_TRUE(inter.matches_key(parsed_csr.public_key()));
  EXPECT_EQ(signed_cert.serial_number, inter.serial_colon_hex());
  EXPECT_EQ(signed_cert.expiration, std::chrono::system_clock::to_time_t(inter.not_after()));
  ASSERT_GE(signed_cert.ca_chain.size(), 2u);  // the new certificate first, then the signer
  EXPECT_TRUE(pki::Certificate::from_pem(signed_cert.ca_chain[0]).same_as(inter));
  EXPECT_TRUE(pki::Certificate::from_pem(signed_cert.issuing_ca).same_as(root_cert));

  SetSignedResult set = c.set_signed(org, signed_cert.certificate + "\n" + root.root.certificate);
  ASSERT_EQ(set.imported_issuers.size(), 2u);  // the root is imported too, without a key
  std::string issuer_id = set.issuer_for_key(csr.key_id);
  ASSERT_FALSE(issuer_id.empty());
  EXPECT_EQ(set.mapping[issuer_id], csr.key_id);
  EXPECT_EQ(c.read_issuers_config(org).default_issuer, issuer_id);  // first issuer becomes default
  auto issuer = c.read_issuer(org, "default");
  ASSERT_TRUE(issuer);
  EXPECT_EQ(issuer->issuer_id, issuer_id);
  EXPECT_EQ(issuer->key_id, csr.key_id);
  EXPECT_TRUE(pki::Certificate::from_pem(issuer->certificate).same_as(inter));
  auto listed = c.list_issuers(org);
  EXPECT_EQ(listed.size(), 2u);
  EXPECT_NE(std::find(listed.begin(), listed.end(), issuer_id), listed.end());

  c.patch_issuer(org, issuer_id, {{"issuer_name", "org-a-2026"}, {"leaf_not_after_behavior", "truncate"}});
  issuer = c.read_issuer(org, "org-a-2026");
  ASSERT_TRUE(issuer);
  EXPECT_EQ(issuer->issuer_name, "org-a-2026");
  EXPECT_EQ(issuer->leaf_not_after_behavior, "truncate");
  EXPECT_FALSE(issuer->usage.empty());

  // A leaf from the org CA verifies up to the root; one outside the constraint cannot exist.
  c.write_role(org, "web", {{"allowed_domains", "orga.example.com"}, {"allow_subdomains", true}, {"max_ttl", "72h"}});
  ASSERT_TRUE(c.read_role(org, "web"));
  IssueRequest ir;
  ir.common_name = "www.orga.example.com";
  ir.ttl = "1h";
  IssuedCertificate leaf = c.issue(org, "web", ir);
  EXPECT_FALSE(leaf.private_key.empty());
  pki::Certificate leaf_cert = pki::Certificate::from_pem(leaf.certificate);
  auto verdict = pki::verify_chain(leaf_cert, {inter}, root_cert, "www.orga.example.com");
  EXPECT_TRUE(verdict.ok) << verdict.error;

  std::int64_t revoked_at = c.revoke(org, leaf.serial_number);
  EXPECT_GT(revoked_at, 0);
  std::string crl = c.read_crl_pem(org);
  EXPECT_NE(crl.find("BEGIN X509 CRL"), std::string::npos) << crl.substr(0, 200);
  EXPECT_NO_THROW(c.tidy(org, TidyRequest{}));
  c.delete_role(org, "web");
  EXPECT_FALSE(c.read_role(org, "web"));
}

TEST(OpenBaoServer, UnsetPathLengthIsNotZero) {
  Client c = root_client();
  RootCa root = make_root(c);
  std::string org = unique("pki_nolen");
  c.mount(org, MountConfig{"pki", "", "", "43800h"});
  GenerateIntermediateRequest gen;
  gen.common_name = "Unlimited CA";
  GeneratedCsr csr = c.generate_intermediate(org, gen);
  SignIntermediateRequest sign;
  sign.csr = csr.csr;
  sign.common_name = "Unlimited CA";
  sign.ttl = "24h";
  sign.issuer_ref = root.root.issuer_id;  // the issuer/<ref>/sign-intermediate path
  pki::Certificate inter = pki::Certificate::from_pem(c.sign_intermediate(root.mount, sign).certificate);
  EXPECT_TRUE(inter.is_ca());
  EXPECT_FALSE(inter.path_len().has_value());
  EXPECT_FALSE(inter.name_constraints().present);

  // use_csr_values copies the CSR's subject; without it the signer's fields decide.
  gen.subject.organization = "Org From CSR";
  sign.csr = c.generate_intermediate(org, gen).csr;
  sign.use_csr_values = true;
  EXPECT_NE(pki::Certificate::from_pem(c.sign_intermediate(root.mount, sign).certificate).subject().find("O=Org From CSR"),
            std::string::npos);
  sign.use_csr_values = false;
  EXPECT_EQ(pki::Certificate::from_pem(c.sign_intermediate(root.mount, sign).certificate).subject().find("Org From CSR"),
            std::string::npos);
}

TEST(OpenBaoServer, ReissueWithTheExistingKeyKeepsTheKeyAndAddsAnIssuer) {
  Client c = root_client();
  RootCa root = make_root(c);
  std::string org = unique("pki_re");
  c.mount(org, MountConfig{"pki", "", "", "43800h"});
  GenerateIntermediateRequest gen;
  gen.common_name = "Org R CA";
  GeneratedCsr first = c.generate_intermediate(org, gen);
  SignIntermediateRequest sign;
  sign.csr = first.csr;
  sign.common_name = "Org R CA";
  sign.ttl = "24h";
  sign.max_path_length = 0;
  std::string first_issuer = c.set_signed(org, c.sign_intermediate(root.mount, sign).certificate).imported_issuers.at(0);

  gen.type = "existing";
  gen.key_ref = first.key_id;
  GeneratedCsr again = c.generate_intermediate(org, gen);
  EXPECT_EQ(again.key_id, first.key_id);
  EXPECT_TRUE(pki::Csr::from_pem(again.csr).public_key().same_public_key(pki::Csr::from_pem(first.csr).public_key()));
  sign.csr = again.csr;
  SetSignedResult second = c.set_signed(org, c.sign_intermediate(root.mount, sign).certificate);
  ASSERT_EQ(second.imported_issuers.size(), 1u);
  EXPECT_NE(second.imported_issuers[0], first_issuer);
  EXPECT_TRUE(second.imported_keys.empty());  // the key was already in the mount
  EXPECT_EQ(c.read_issuers_config(org).default_issuer, first_issuer);  // default does not move by itself
  c.set_default_issuer(org, second.imported_issuers[0]);
  EXPECT_EQ(c.read_issuers_config(org).default_issuer, second.imported_issuers[0]);
  c.revoke_issuer(org, first_issuer);
  auto old = c.read_issuer(org, first_issuer);
  ASSERT_TRUE(old);
  EXPECT_EQ(old->raw.value("revoked", false), true);
}

TEST(OpenBaoServer, MissingThingsAndErrors) {
  Client c = root_client();
  std::string org = unique("pki_missing");
  EXPECT_FALSE(c.read_issuer(org, "default"));  // no such mount: 404
  c.mount(org, MountConfig{});
  EXPECT_FALSE(c.read_issuer(org, "default"));  // no default issuer yet (a 500 from OpenBao)
  EXPECT_FALSE(c.read_issuer(org, "nope"));
  EXPECT_TRUE(c.list_issuers(org).empty());
  EXPECT_FALSE(c.try_read(org + "/roles/none"));
  try {
    c.write(org + "/root/sign-intermediate", {{"common_name", "x"}});
    ADD_FAILURE();
  } catch (const Error& e) {
    EXPECT_GE(e.status(), 400);
    EXPECT_FALSE(e.errors().empty());
    EXPECT_EQ(e.path(), org + "/root/sign-intermediate");
  }
  // Unknown parameters are ignored by OpenBao with a warning: the client surfaces it.
  RootCa root = make_root(c);
  GenerateIntermediateRequest gen;
  gen.common_name = "Warned CA";
  GeneratedCsr csr = c.generate_intermediate(org, gen);
  SignIntermediateRequest sign;
  sign.csr = csr.csr;
  sign.common_name = "Warned CA";
  sign.ttl = "24h";
  sign.extra = {{"excluded_dns_domains", "x.example.com"}};
  SignedCertificate s = c.sign_intermediate(root.mount, sign);
  std::string all;
  for (const auto& w : s.warnings) all += w + "\n";
  EXPECT_NE(all.find("excluded_dns_domains"), std::string::npos) << all;
}

TEST(OpenBaoServer, BadTokenIsForbiddenAndNeverEchoed) {
  const BaoDevServer& server = BaoDevServer::shared();
  Options o = options_for(server);
  o.token = "sarga-wrong-token-value";
  std::vector<std::string> log;
  o.log = [&](const std::string& line) { log.push_back(line); };
  Client c(o);
  try {
    c.read("sys/mounts");
    ADD_FAILURE();
  } catch (const Error& e) {
    EXPECT_TRUE(e.forbidden());
    EXPECT_NE(std::string(e.what()).find("permission denied"), std::string::npos) << e.what();
    EXPECT_EQ(std::string(e.what()).find(o.token), std::string::npos);
  }
  for (const auto& line : log) EXPECT_EQ(line.find(o.token), std::string::npos) << line;
  // No server at all: a transport error with status 0, still without the token.
  Options gone = o;
  gone.address = "http://127.0.0.1:1";
  gone.max_retries = 0;
  try {
    Client(gone).read("sys/mounts");
    ADD_FAILURE();
  } catch (const Error& e) {
    EXPECT_EQ(e.status(), 0);
    EXPECT_EQ(std::string(e.what()).find(o.token), std::string::npos);
  }
  EXPECT_FALSE(Client(gone).healthy());
}

TEST(OpenBaoServer, NamespaceHeaderScopesEveryCall) {
  Client root = root_client();
  std::string ns = unique("team");
  root.write("sys/namespaces/" + ns);
  Options o = root.options();
  o.namespace_ = ns;
  Client scoped(o);
  scoped.mount("pki_ns", MountConfig{});
  EXPECT_TRUE(scoped.mount_exists("pki_ns"));
  EXPECT_FALSE(root.mount_exists("pki_ns"));     // not at the root namespace
  EXPECT_TRUE(root.mount_exists(ns + "/pki_ns"));  // the same mount, addressed by path
}

TEST(OpenBaoServer, TlsIsVerifiedUnlessTheCaIsGivenOrInsecureIsChosen) {
  BaoDevServer tls_server(true);
  ASSERT_EQ(tls_server.address().rfind("https://", 0), 0u);
  Options o = options_for(tls_server);
  EXPECT_TRUE(Client(o).mount_exists("secret"));  // dev mode mounts kv at secret/
  Options untrusted = o;
  untrusted.tls.ca_file.clear();
  untrusted.max_retries = 0;
  try {
    Client(untrusted).read("sys/mounts");
    ADD_FAILURE() << "an unknown CA was accepted";
  } catch (const Error& e) {
    EXPECT_EQ(e.status(), 0) << e.what();
  }
  Options insecure = untrusted;
  insecure.tls.insecure = true;
  EXPECT_TRUE(Client(insecure).mount_exists("secret"));
}

TEST(OpenBaoServer, CancelledClientStopsBeforeSending) {
  Options o = options_for(BaoDevServer::shared());
  o.cancelled = [] { return true; };
  o.max_retries = 0;
  try {
    Client(o).read("sys/mounts");
    ADD_FAILURE() << "a cancelled client still answered";
  } catch (const Error& e) {
    EXPECT_EQ(e.status(), 0);
    EXPECT_NE(std::string(e.what()).find("cancel"), std::string::npos) << e.what();
  }
}

TEST(OpenBaoServer, OneClientServesManyThreads) {
  Client c = root_client();
  std::string m = unique("pki_threads");
  c.mount(m, MountConfig{});
  std::atomic<int> ok{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 8; ++t)
    threads.emplace_back([&, t] {
      for (int i = 0; i < 10; ++i) {
        c.write_role(m, "r" + std::to_string(t), {{"allow_any_name", true}, {"max_ttl", std::to_string(i + 1) + "h"}});
        auto role = c.read_role(m, "r" + std::to_string(t));
        if (role && role->value("max_ttl", 0) == (i + 1) * 3600) ++ok;
      }
    });
  for (auto& th : threads) th.join();
  EXPECT_EQ(ok.load(), 80);
}
