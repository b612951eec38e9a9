// Every hardening rule: verify fails on a weak fixture tree, apply fixes it, verify passes.
#include <gtest/gtest.h>

#include <algorithm>

#include "builder/steps/hardening.h"
#include "builder/steps/tests/fake_apt.h"
#include "builder/steps/tests/fixture.h"
#include "builder/steps/tests/vm_fixture.h"

namespace h = sarga::steps::hardening;
using sarga::steps::Rootfs;
using sarga::testing::FakeApt;
using sarga::testing::TempDir;

namespace {

h::Target target_for(const h::Rule& r) { return r.lxc ? h::Target::lxc : h::Target::vm; }

class RuleTest : public ::testing::TestWithParam<std::string> {};

TEST_P(RuleTest, VerifyFailsThenApplyFixes) {
  TempDir dir;
  sarga::testing::make_weak_rootfs(dir.path());
  sarga::testing::add_weak_vm_files(dir.path());
  Rootfs root(dir.path());
  FakeApt apt{root, {}};
  const h::Rule* rule = h::find_rule(GetParam());
  ASSERT_NE(rule, nullptr);
  h::Env env{root, target_for(*rule), [&](const std::string& w, const std::vector<std::string>& a) { apt(w, a); }};
  auto before = rule->verify(env);
  EXPECT_EQ(before.status, h::Check::Status::fail) << GetParam() << " passed on the weak fixture: " << before.detail;
  EXPECT_FALSE(before.detail.empty());
  rule->apply(env);
  auto after = rule->verify(env);
  EXPECT_EQ(after.status, h::Check::Status::pass) << GetParam() << ": " << after.detail;
  // Applying twice changes nothing further and still verifies.
  rule->apply(env);
  EXPECT_EQ(rule->verify(env).status, h::Check::Status::pass) << GetParam();
}

std::vector<std::string> rule_names() {
  std::vector<std::string> names;
  for (const auto& r : h::all_rules()) names.push_back(r.name);
  return names;
}

INSTANTIATE_TEST_SUITE_P(AllRules, RuleTest, ::testing::ValuesIn(rule_names()),
                         [](const ::testing::TestParamInfo<std::string>& i) {
                           std::string n = i.param;
                           std::replace(n.begin(), n.end(), '-', '_');
                           return n;
                         });

TEST(Hardening, ProfilesDifferForContainersAndVms) {
  auto names = [](const std::string& p) {
    std::vector<std::string> out;
    for (const auto* r : h::profile_rules(p)) out.push_back(r->name);
    return out;
  };
  auto lxc = names("lxc-baseline"), vm = names("vm-baseline");
  auto has = [](const std::vector<std::string>& v, const char* n) { return std::find(v.begin(), v.end(), n) != v.end(); };
  EXPECT_TRUE(has(lxc, "sysctl-network"));
  EXPECT_FALSE(has(lxc, "sysctl-kernel"));
  EXPECT_FALSE(has(lxc, "kernel-modules-denylist"));
  EXPECT_TRUE(has(vm, "sysctl-kernel"));
  EXPECT_TRUE(has(vm, "kernel-modules-denylist"));
  EXPECT_GE(lxc.size(), 30u);
  EXPECT_THROW(h::profile_rules("desktop"), std::invalid_argument);
}

TEST(Hardening, RootLoginDependsOnTarget) {
  TempDir dir;
  sarga::testing::make_weak_rootfs(dir.path());
  Rootfs root(dir.path());
  const h::Rule* rule = h::find_rule("sshd-permit-root-login");
  rule->apply(h::Env{root, h::Target::lxc, nullptr});
  auto conf = root.read("/etc/ssh/sshd_config.d/00-sarga-hardening.conf").value_or("");
  EXPECT_NE(conf.find("PermitRootLogin prohibit-password"), std::string::npos) << conf;
  // The same tree fails the VM expectation ("no").
  EXPECT_EQ(rule->verify(h::Env{root, h::Target::vm, nullptr}).status, h::Check::Status::fail);
}

TEST(Hardening, SshdFirstValueWinsAcrossIncludes) {
  TempDir dir;
  sarga::testing::put(dir.path(), "/etc/ssh/sshd_config", "PermitRootLogin yes\nInclude /etc/ssh/sshd_config.d/*.conf\n");
  sarga::testing::put(dir.path(), "/etc/ssh/sshd_config.d/50-x.conf", "PermitRootLogin prohibit-password\n");
  Rootfs root(dir.path());
  const h::Rule* rule = h::find_rule("sshd-permit-root-login");
  auto c = rule->verify(h::Env{root, h::Target::lxc, nullptr});
  EXPECT_EQ(c.status, h::Check::Status::fail);
  EXPECT_NE(c.detail.find("\"yes\""), std::string::npos) << c.detail;
}

TEST(Hardening, SkipByNameAndUnknownNamesRejected) {
  TempDir dir;
  sarga::testing::make_weak_rootfs(dir.path());
  Rootfs root(dir.path());
  FakeApt apt{root, {}};
  h::Env env{root, h::Target::lxc, [&](const std::string& w, const std::vector<std::string>& a) { apt(w, a); }};
  auto out = h::apply_profile(env, "lxc-baseline", {"sshd-crypto"}, true);
  bool skipped = false;
  for (const auto& o : out) {
    if (o.rule == "sshd-crypto") {
      skipped = o.status == "skip";
    } else {
      EXPECT_NE(o.status, "fail") << o.rule << ": " << o.detail;
    }
  }
  EXPECT_TRUE(skipped);
  // The skipped rule really was not applied.
  EXPECT_EQ(h::find_rule("sshd-crypto")->verify(env).status, h::Check::Status::fail);
  EXPECT_THROW(h::apply_profile(env, "lxc-baseline", {"sshd-crypt"}, true), std::invalid_argument);
  EXPECT_EQ(apt.calls.size(), 4u);  // purge telnet; update, install, clean for unattended-upgrades
}

TEST(Hardening, AuditOnlyEnvCannotInstall) {
  TempDir dir;
  sarga::testing::make_weak_rootfs(dir.path());
  Rootfs root(dir.path());
  h::Env env{root, h::Target::lxc, nullptr};
  EXPECT_THROW(h::find_rule("unattended-upgrades")->apply(env), std::runtime_error);
}

}  // namespace
