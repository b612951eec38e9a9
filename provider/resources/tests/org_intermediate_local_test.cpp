// sarga_org_intermediate, backend "local", through the framework's generic algorithms (the
// code path the gRPC service uses): create, empty re-plan, renewal in place and with a new
// key, re-issue on changed constraints, name constraints enforced, key file mode, drift,
// and input errors with attribute paths.
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <filesystem>
#include <fstream>

#include <openssl/x509.h>

#include "lib/pki/chain.h"
#include "lib/pki/sign.h"
#include "provider/framework/model.h"
#include "provider/framework/operations.h"
#include "provider/framework/provider.h"
#include "provider/resources/org_intermediate/renewal.h"
#include "provider/resources/register.h"

namespace sarga::resources {
namespace {

using cty::Value;
constexpr const char* kType = "sarga_org_intermediate";

Value strings(const std::vector<std::string>& v) {
  cty::Value::Elements e;
  for (const auto& s : v) e.push_back(Value::string(s));
  return Value::set(cty::Type::string(), std::move(e));
}

class OrgLocal : public ::testing::Test {
 protected:
  OrgLocal() : provider_("0.1.0", [](const std::string&) { return std::nullopt; }), ops_(provider_) {
    register_all(provider_);
    dir_ = std::filesystem::temp_directory_path() /
           ("org-local-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::create_directories(dir_);
    pki::RootSpec rs;
    rs.common_name = "Local Test Root";
    root_ = pki::make_root(root_key_, rs);
    root_pem_ = root_->pem();
  }
  ~OrgLocal() override {
    org_intermediate::set_clock_for_tests(nullptr);
    std::filesystem::remove_all(dir_);
  }

  const framework::Schema& schema() { return provider_.find_resource(kType)->schema; }

  Value config(const std::map<std::string, Value>& extra = {}) {
    framework::Model m(schema().null_object());
    m.set("backend", Value::string("local"));
    m.set("name", Value::string("acme"));
    m.set("common_name", Value::string("Acme CA"));
    m.set("ttl", Value::string("240h"));
    m.set("renew_before", Value::string("24h"));
    m.set("max_path_length", Value::number_int(0));
    m.set("permitted_dns_domains", strings({"acme.example"}));
    m.set("root_certificate_pem", Value::string(root_pem_));
    m.set("root_key_pem", Value::string(root_key_.private_pem()));
    for (const auto& [k, v] : extra) m.set(k, v);
    return m.value();
  }

  // ProposedNewState as tofu builds it: config, with computed-and-unset values from prior.
  Value proposed(const Value& prior, const Value& cfg) {
    framework::Model m(cfg);
    for (const auto& a : schema().block.attributes) {
      if (a.is_write_only) continue;
      if (a.is_computed && cfg.attribute(a.name).is_null()) m.set(a.name, prior.attribute(a.name));
    }
    return m.value();
  }

  framework::PlanResult plan(const Value& prior, const Value& cfg) {
    auto p = ops_.plan(kType, prior, prior.is_null() ? cfg : proposed(prior, cfg), cfg, "");
    EXPECT_FALSE(p.diagnostics.has_errors()) << p.diagnostics.to_string();
    return p;
  }

  Value apply(const Value& prior, const Value& cfg) {
    auto p = plan(prior, cfg);
    auto a = ops_.apply(kType, prior, p.planned, cfg, p.planned_private);
    EXPECT_FALSE(a.diagnostics.has_errors()) << a.diagnostics.to_string();
    return a.state;
  }

  Value null_state() { return Value::null(schema().implied_type()); }

  pki::Key root_key_ = pki::Key::generate("ec-p256");
  std::optional<pki::Certificate> root_;
  std::string root_pem_;
  framework::Provider provider_;
  framework::Operations ops_;
  std::filesystem::path dir_;
};


int64_t unix_of(pki::TimePoint t) {
  return std::chrono::duration_cast<std::chrono::seconds>(t.time_since_epoch()).count();
}

TEST_F(OrgLocal, CreatesAConstrainedCaAndReplansEmpty) {
  Value state = apply(null_state(), config());
  framework::Model m(state);
  EXPECT_EQ(m.get_string("id"), "local/acme");
  auto cert = pki::Certificate::from_pem(*m.get_string("certificate"));
  EXPECT_TRUE(cert.is_ca());
  EXPECT_EQ(cert.path_len(), std::optional<int>(0));
  EXPECT_EQ(cert.permitted_dns(), std::vector<std::string>{"acme.example"});
  EXPECT_TRUE(cert.name_constraints().critical);
  EXPECT_EQ(m.get_string("serial"), cert.serial_colon_hex());
  EXPECT_EQ(m.get_string("fingerprint"), cert.sha256_fingerprint());
  EXPECT_EQ(m.get_bool("ready_for_renewal"), false);
  auto chain = m.get_strings("ca_chain").value();
  ASSERT_EQ(chain.size(), 2u);
  EXPECT_EQ(chain[0], cert.pem());
  EXPECT_EQ(chain[1], root_pem_);
  EXPECT_TRUE(m.is_null("root_key_pem")) << "write-only values are never stored";
  EXPECT_TRUE(m.is_null("mount"));

  // Leaves inside the organisation's domain verify; outside they break the name constraint.
  auto key = pki::Key::from_private_pem(*m.get_string("private_key_pem"));
  ASSERT_TRUE(cert.matches_key(key));
  auto leaf_key = pki::Key::generate("ec-p256");
  pki::LeafSpec inside;
  inside.common_name = "www.acme.example";
  auto ok = pki::verify_chain(pki::sign_leaf(leaf_key, cert, key, inside), {cert}, *root_);
  EXPECT_TRUE(ok.ok) << ok.error;
  pki::LeafSpec outside;
  outside.common_name = "www.evil.example";
  auto bad = pki::verify_chain(pki::sign_leaf(leaf_key, cert, key, outside), {cert}, *root_);
  EXPECT_FALSE(bad.ok);
  EXPECT_EQ(bad.error_code, X509_V_ERR_PERMITTED_VIOLATION) << bad.error;

  auto again = plan(state, config());
  EXPECT_EQ(again.planned, state);
  EXPECT_TRUE(again.requires_replace.empty());
  EXPECT_EQ(ops_.read(kType, state, "").state, state);
}

TEST_F(OrgLocal, RenewsInPlaceWithTheSameKey) {
  Value state = apply(null_state(), config());
  framework::Model before(state);
  auto cert = pki::Certificate::from_pem(*before.get_string("certificate"));
  int64_t late = unix_of(cert.not_after()) - 3600;  // inside the 24h window
  org_intermediate::set_clock_for_tests([late] { return late; });

  Value refreshed = ops_.read(kType, state, "").state;
  EXPECT_EQ(framework::Model(refreshed).get_bool("ready_for_renewal"), true);
  auto p = plan(refreshed, config());
  EXPECT_TRUE(p.requires_replace.empty());
  EXPECT_FALSE(framework::Model(p.planned).is_known("certificate"));
  EXPECT_TRUE(framework::Model(p.planned).is_known("private_key_pem"));

  auto a = ops_.apply(kType, refreshed, p.planned, config(), p.planned_private);
  ASSERT_FALSE(a.diagnostics.has_errors()) << a.diagnostics.to_string();
  framework::Model after(a.state);
  EXPECT_NE(after.get_string("serial"), before.get_string("serial"));
  EXPECT_EQ(after.get_string("private_key_pem"), before.get_string("private_key_pem"));
  auto renewed = pki::Certificate::from_pem(*after.get_string("certificate"));
  EXPECT_TRUE(renewed.public_key().same_public_key(cert.public_key()));
  EXPECT_TRUE(renewed.verify_signed_by(*root_));
}

TEST_F(OrgLocal, RotateKeyRenewsByReplacement) {
  Value cfg = config({{"rotate_key", Value::boolean(true)}});
  Value state = apply(null_state(), cfg);
  auto cert = pki::Certificate::from_pem(*framework::Model(state).get_string("certificate"));
  int64_t late = unix_of(cert.not_after()) - 60;
  org_intermediate::set_clock_for_tests([late] { return late; });
  auto p = plan(ops_.read(kType, state, "").state, cfg);
  ASSERT_EQ(p.requires_replace.size(), 1u);
  EXPECT_EQ(p.requires_replace[0].to_string(), "ready_for_renewal");
}

TEST_F(OrgLocal, ConstraintChangesReissueAndKeyTypeReplaces) {
  Value state = apply(null_state(), config());
  Value wider = config({{"permitted_dns_domains", strings({"acme.example", "acme.test"})}});
  auto p = plan(state, wider);
  EXPECT_TRUE(p.requires_replace.empty());
  EXPECT_FALSE(framework::Model(p.planned).is_known("certificate"));
  auto a = ops_.apply(kType, state, p.planned, wider, p.planned_private);
  ASSERT_FALSE(a.diagnostics.has_errors()) << a.diagnostics.to_string();
  auto cert = pki::Certificate::from_pem(*framework::Model(a.state).get_string("certificate"));
  EXPECT_EQ(cert.permitted_dns().size(), 2u);

  framework::Model unset_cfg(wider), one_cfg(wider);
  unset_cfg.set("max_path_length", Value::null(cty::Type::number()));
  one_cfg.set("max_path_length", Value::number_int(1));
  auto unset = plan(a.state, unset_cfg.value());
  EXPECT_TRUE(framework::Model(unset.planned).is_known("certificate")) << "unset accepts pathlen 0";
  auto one = plan(a.state, one_cfg.value());
  EXPECT_FALSE(framework::Model(one.planned).is_known("certificate"));

  framework::Model later(wider);  // a value only known at apply time may change the certificate
  later.set("common_name", Value::unknown(cty::Type::string()));
  EXPECT_FALSE(framework::Model(plan(a.state, later.value()).planned).is_known("certificate"));

  auto rekey = plan(a.state, config({{"key_type", Value::string("ed25519")}}));
  ASSERT_EQ(rekey.requires_replace.size(), 1u);
  EXPECT_EQ(rekey.requires_replace[0].to_string(), "key_type");
}

TEST_F(OrgLocal, KeyFileIsPrivateAndItsLossIsDrift) {
  std::string key_file = (dir_ / "keys" / "acme.key").string();
  std::string root_file = (dir_ / "root.pem").string();
  std::ofstream(root_file) << root_pem_;
  Value cfg = config({{"private_key_file", Value::string(key_file)},
                      {"root_certificate_pem", Value::null(cty::Type::string())},
                      {"root_certificate_file", Value::string(root_file)},
                      {"key_type", Value::string("rsa-2048")}});
  Value state = apply(null_state(), cfg);
  framework::Model m(state);
  EXPECT_TRUE(m.is_null("private_key_pem"));
  struct stat st{};
  ASSERT_EQ(::stat(key_file.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  auto cert = pki::Certificate::from_pem(*m.get_string("certificate"));
  std::ifstream in(key_file);
  std::string pem((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  EXPECT_TRUE(cert.matches_key(pki::Key::from_private_pem(pem)));
  EXPECT_EQ(cert.public_key().algorithm(), "rsa-2048");

  EXPECT_EQ(ops_.read(kType, state, "").state, state);
  std::filesystem::remove(key_file);
  EXPECT_TRUE(ops_.read(kType, state, "").state.is_null());

  auto gone = ops_.apply(kType, state, null_state(), null_state(), "");
  EXPECT_FALSE(gone.diagnostics.has_errors()) << gone.diagnostics.to_string();
}

TEST_F(OrgLocal, WrongRootKeyIsAClearError) {
  auto other = pki::Key::generate("ec-p256");
  Value cfg = config({{"root_key_pem", Value::string(other.private_pem())}});
  auto p = plan(null_state(), cfg);
  auto a = ops_.apply(kType, null_state(), p.planned, cfg, p.planned_private);
  ASSERT_TRUE(a.diagnostics.has_errors());
  EXPECT_NE(a.diagnostics.to_string().find("Root key does not match"), std::string::npos) << a.diagnostics.to_string();
  EXPECT_TRUE(a.state.is_null()) << "nothing was created";
}

TEST_F(OrgLocal, IntermediateMayNotOutliveTheRoot) {
  Value cfg = config({{"ttl", Value::string("90000h")}});  // the root lives 87600h
  auto p = plan(null_state(), cfg);
  auto a = ops_.apply(kType, null_state(), p.planned, cfg, p.planned_private);
  ASSERT_TRUE(a.diagnostics.has_errors());
  ASSERT_TRUE(a.diagnostics.items()[0].attribute.has_value());
  EXPECT_EQ(a.diagnostics.items()[0].attribute->to_string(), "ttl");
  EXPECT_NE(a.diagnostics.items()[0].detail.find("shorten ttl"), std::string::npos);
}

TEST_F(OrgLocal, DefaultsApplyWhenTheConfigLeavesThemOut) {
  Value cfg = config({{"ttl", Value::null(cty::Type::string())},
                      {"renew_before", Value::null(cty::Type::string())}});
  Value state = apply(null_state(), cfg);
  framework::Model m(state);
  EXPECT_EQ(m.get_string("ttl"), "8760h");
  auto cert = pki::Certificate::from_pem(*m.get_string("certificate"));
  int64_t lifetime = unix_of(cert.not_after()) - unix_of(cert.not_before());
  EXPECT_NEAR(lifetime, 8760 * 3600 + 30, 5);
  EXPECT_EQ(plan(state, cfg).planned, state);
}

TEST_F(OrgLocal, InputErrorsNameTheAttribute) {
  auto paths_of = [&](const Value& cfg) {
    std::vector<std::string> paths;
    for (const auto& d : ops_.validate_resource_config(kType, cfg))
      if (d.severity == framework::Severity::Error && d.attribute) paths.push_back(d.attribute->to_string());
    return paths;
  };
  EXPECT_EQ(paths_of(config({{"root_key_pem", Value::null(cty::Type::string())}})),
            std::vector<std::string>{"root_key_pem"});
  EXPECT_EQ(paths_of(config({{"renew_before", Value::string("240h")}})), std::vector<std::string>{"renew_before"});
  EXPECT_EQ(paths_of(config({{"ttl", Value::string("ten days")}})), std::vector<std::string>{"ttl"});
  EXPECT_EQ(paths_of(config({{"root_mount", Value::string("pki_root")}})), std::vector<std::string>{"root_mount"});
  EXPECT_EQ(paths_of(config({{"permitted_dns_domains", strings({"Acme.Example"})}})),
            std::vector<std::string>{"permitted_dns_domains"});

  framework::Model bao(config());
  bao.set("backend", Value::string("openbao"));
  for (const char* n : {"root_certificate_pem", "root_key_pem"}) bao.set(n, Value::null(cty::Type::string()));
  EXPECT_EQ(paths_of(bao.value()), std::vector<std::string>{"root_mount"});
}

}  // namespace
}  // namespace sarga::resources
