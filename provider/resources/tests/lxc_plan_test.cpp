// sarga_lxc through the framework's generic algorithms, without PVE: validation, plan-time
// refusals (shrink, storage move), replacement only for what exists at create only, and the
// read-back rendering that keeps plans empty.
#include <gtest/gtest.h>

#include "provider/framework/model.h"
#include "provider/framework/operations.h"
#include "provider/framework/provider.h"
#include "provider/resources/lxc/model.h"
#include "provider/resources/register.h"

namespace sarga::resources {
namespace {

using cty::Value;
constexpr const char* kType = "sarga_lxc";

class LxcPlan : public ::testing::Test {
 protected:
  LxcPlan() : provider_("0.1.0", [](const std::string&) { return std::nullopt; }), ops_(provider_) {
    register_all(provider_);
  }

  const framework::Schema& schema() { return provider_.find_resource(kType)->schema; }
  cty::Type attr_type(const std::string& name) { return schema().implied_type().attribute_type(name); }

  Value mp(const char* storage, double size, const char* path) {
    return Value::object({{"storage", Value::string(storage)},
                          {"volume", Value::null(cty::Type::string())},
                          {"size_gb", Value::number_float(size)},
                          {"path", Value::string(path)},
                          {"backup", Value::null(cty::Type::boolean())},
                          {"read_only", Value::null(cty::Type::boolean())}});
  }

  framework::Model config(double rootfs = 8, double mp0 = 4, const char* mp0_storage = "local-lvm",
                          const char* tmpl = "local:vztmpl/debian.tar.zst") {
    framework::Model m(schema().null_object());
    m.set_string("node", "pve1");
    m.set_string("template", tmpl);
    m.set("rootfs", Value::object({{"storage", Value::string("local-lvm")}, {"size_gb", Value::number_float(rootfs)}}));
    m.set("mount_points", Value::map(attr_type("mount_points").element_type(), {{"mp0", mp(mp0_storage, mp0, "/data")}}));
    return m;
  }

  // A state as an apply of `cfg` would leave it (defaults filled, computed values set).
  Value state_for(const framework::Model& cfg, int vmid = 120) {
    auto plan = ops_.plan(kType, Value::null(schema().implied_type()), cfg.value(), cfg.value(), "");
    EXPECT_FALSE(plan.diagnostics.has_errors()) << plan.diagnostics.to_string();
    framework::Model s(plan.planned);
    s.set_string("id", "pve1/" + std::to_string(vmid));
    s.set_int("vmid", vmid);
    s.set_string("hostname", "CT" + std::to_string(vmid));
    return s.value();
  }

  // What tofu proposes for `cfg` on top of `prior`: computed values carried over.
  Value proposed(const Value& prior, const framework::Model& cfg) {
    framework::Model m(cfg.value());
    for (const char* c : {"id", "vmid", "hostname"})
      if (cfg.is_null(c)) m.set(c, prior.attribute(c));
    for (const char* c : {"unprivileged", "memory", "swap", "started", "on_boot", "protection", "reboot_after_update"})
      if (cfg.is_null(c)) m.set(c, prior.attribute(c));
    return m.value();
  }

  framework::PlanResult plan_update(const Value& prior, const framework::Model& cfg) {
    return ops_.plan(kType, prior, proposed(prior, cfg), cfg.value(), "");
  }

  framework::Provider provider_;
  framework::Operations ops_;
};

TEST_F(LxcPlan, CreatePlanLeavesVmidAndIdUnknown) {
  auto plan = ops_.plan(kType, Value::null(schema().implied_type()), config().value(), config().value(), "");
  ASSERT_FALSE(plan.diagnostics.has_errors()) << plan.diagnostics.to_string();
  EXPECT_FALSE(plan.planned.attribute("vmid").is_known());
  EXPECT_FALSE(plan.planned.attribute("id").is_known());
  EXPECT_EQ(plan.planned.attribute("memory").as_int64(), 512);
  EXPECT_TRUE(plan.planned.attribute("unprivileged").as_bool());
  EXPECT_TRUE(plan.planned.attribute("started").as_bool());
}

TEST_F(LxcPlan, ValidationNamesTheAttribute) {
  framework::Model c = config();
  Value both = Value::object({{"storage", Value::string("local-lvm")},
                              {"volume", Value::string("local-lvm:vm-1-disk-0")},
                              {"size_gb", Value::number_int(1)},
                              {"path", Value::string("/x")},
                              {"backup", Value::null(cty::Type::boolean())},
                              {"read_only", Value::null(cty::Type::boolean())}});
  c.set("mount_points", Value::map(attr_type("mount_points").element_type(), {{"disk0", both}}));
  c.set("network", Value::map(attr_type("network").element_type(),
                              {{"eth0", Value::object({{"bridge", Value::string("vmbr0")},
                                                       {"vlan", Value::null(cty::Type::number())},
                                                       {"ipv4", Value::string("10.0.0.5")},
                                                       {"gateway4", Value::null(cty::Type::string())},
                                                       {"ipv6", Value::null(cty::Type::string())},
                                                       {"gateway6", Value::null(cty::Type::string())},
                                                       {"firewall", Value::null(cty::Type::boolean())},
                                                       {"mac", Value::null(cty::Type::string())}})}}));
  c.set_strings("tags", {"ok", "not ok!"});
  c.set("timeouts", Value::object({{"create", Value::string("ten minutes")},
                                   {"update", Value::null(cty::Type::string())},
                                   {"delete", Value::string("90s")}}));
  auto d = ops_.validate_resource_config(kType, c.value());
  std::string all = d.to_string();
  EXPECT_NE(all.find("key 'disk0' must be mp0..mp255"), std::string::npos) << all;
  EXPECT_NE(all.find("set exactly one of storage"), std::string::npos) << all;
  EXPECT_NE(all.find("'10.0.0.5' is not dhcp, manual or an address with prefix length"), std::string::npos) << all;
  EXPECT_NE(all.find("Invalid tag"), std::string::npos) << all;
  EXPECT_NE(all.find("'ten minutes' is not a duration"), std::string::npos) << all;
  EXPECT_EQ(all.find("'90s'"), std::string::npos) << all;
}

TEST_F(LxcPlan, ShrinkAndStorageMoveAreRefusedAtPlanTime) {
  Value prior = state_for(config(8, 4));
  auto plan = plan_update(prior, config(8, 2));
  ASSERT_TRUE(plan.diagnostics.has_errors());
  std::string text = plan.diagnostics.to_string();
  EXPECT_NE(text.find("shrinking from 4 to 2 GiB"), std::string::npos) << text;
  ASSERT_TRUE(plan.diagnostics.items()[0].attribute);
  EXPECT_EQ(*plan.diagnostics.items()[0].attribute,
            cty::Path().attribute("mount_points").key("mp0").attribute("size_gb"));

  plan = plan_update(prior, config(8, 4, "nfs"));
  text = plan.diagnostics.to_string();
  EXPECT_NE(text.find("moving the volume from 'local-lvm' to 'nfs'"), std::string::npos) << text;

  plan = plan_update(prior, config(6, 4));
  EXPECT_NE(plan.diagnostics.to_string().find("rootfs.size_gb"), std::string::npos);
}

TEST_F(LxcPlan, GrowthIsAnUpdateNotAReplace) {
  Value prior = state_for(config(8, 4));
  auto plan = plan_update(prior, config(10, 6));
  ASSERT_FALSE(plan.diagnostics.has_errors()) << plan.diagnostics.to_string();
  EXPECT_TRUE(plan.requires_replace.empty());
  EXPECT_EQ(plan.planned.attribute("vmid").as_int64(), 120);  // kept from state
}

TEST_F(LxcPlan, TemplateReplacesOnlyWhenKnownBefore) {
  Value prior = state_for(config());
  auto plan = plan_update(prior, config(8, 4, "local-lvm", "local:vztmpl/debian-13.tar.zst"));
  ASSERT_FALSE(plan.diagnostics.has_errors()) << plan.diagnostics.to_string();
  ASSERT_EQ(plan.requires_replace.size(), 1u);
  EXPECT_EQ(plan.requires_replace[0], cty::Path().attribute("template"));

  // After an import the template is unknown to the state: setting it is recorded, not a replace.
  framework::Model imported(prior);
  imported.set_null("template");
  plan = plan_update(imported.value(), config());
  ASSERT_FALSE(plan.diagnostics.has_errors()) << plan.diagnostics.to_string();
  EXPECT_TRUE(plan.requires_replace.empty());
}

TEST_F(LxcPlan, UnprivilegedChangeReplaces) {
  Value prior = state_for(config());
  framework::Model c = config();
  c.set_bool("unprivileged", false);
  auto plan = plan_update(prior, c);
  ASSERT_FALSE(plan.diagnostics.has_errors()) << plan.diagnostics.to_string();
  ASSERT_EQ(plan.requires_replace.size(), 1u);
  EXPECT_EQ(plan.requires_replace[0], cty::Path().attribute("unprivileged"));
}

TEST_F(LxcPlan, ReadBackKeepsTheConfigurationsSpelling) {
  framework::Model c = config();
  c.set_strings("tags", {"Web", "prod"});
  c.set("features", Value::object({{"nesting", Value::boolean(false)},
                                   {"keyctl", Value::boolean(false)},
                                   {"fuse", Value::boolean(false)}}));
  framework::Model state(state_for(c));
  lxc::Spec live = lxc::spec_from_config({{"hostname", "CT120"},
                                          {"memory", "512"},
                                          {"swap", "512"},
                                          {"unprivileged", "1"},
                                          {"tags", "prod;web"},
                                          {"rootfs", "local-lvm:vm-120-disk-0,size=8G"},
                                          {"mp0", "local-lvm:vm-120-disk-1,mp=/data,size=4G"}});
  Value before = state.value();
  lxc::write_live(state, live, 120, true);
  EXPECT_EQ(state.value(), before) << state.value().debug_string() << "\n" << before.debug_string();

  // A real difference shows: a new tag, a bigger disk, nesting switched on by hand.
  live.tags.push_back("extra");
  live.mount_points["mp0"].size_gb = 5;
  live.features = lxc::Features{true, false, false};
  lxc::write_live(state, live, 120, true);
  EXPECT_EQ(state.get_strings("tags")->size(), 3u);
  EXPECT_EQ(state.get(cty::Path().attribute("mount_points").key("mp0").attribute("size_gb")).as_int64(), 5);
  EXPECT_TRUE(state.get(cty::Path().attribute("features").attribute("nesting")).as_bool());
}

TEST_F(LxcPlan, ImportedMountPointsOfOtherVolumesReadAsVolume) {
  framework::Model state(schema().null_object());
  lxc::Spec live = lxc::spec_from_config({{"rootfs", "local-lvm:vm-120-disk-0,size=8G"},
                                          {"mp0", "local-lvm:vm-120-disk-1,mp=/own,size=4G"},
                                          {"mp1", "nfs:shared-media,mp=/media,ro=1,size=100G"}});
  lxc::write_live(state, live, 120, false);
  auto mp = [&](const char* slot, const char* attr) {
    return state.get(cty::Path().attribute("mount_points").key(slot).attribute(attr));
  };
  EXPECT_EQ(mp("mp0", "storage").as_string(), "local-lvm");
  EXPECT_EQ(mp("mp0", "size_gb").as_int64(), 4);
  EXPECT_TRUE(mp("mp0", "volume").is_null());
  EXPECT_EQ(mp("mp1", "volume").as_string(), "nfs:shared-media");
  EXPECT_TRUE(mp("mp1", "storage").is_null());
  EXPECT_TRUE(mp("mp1", "size_gb").is_null());
  EXPECT_TRUE(mp("mp1", "read_only").as_bool());
  EXPECT_FALSE(state.get_bool("started").value_or(true));
}

}  // namespace
}  // namespace sarga::resources

namespace sarga::resources {
namespace {

TEST_F(LxcPlan, AMigratedContainerIsNotReplaced) {
  framework::Model prior(state_for(config()));
  prior.set_string("node", "pve2");  // read() found it there
  prior.set_string("id", "pve2/120");
  std::string marker = R"({"moved_from":"pve1"})";
  framework::Model cfg = config();  // still says pve1
  auto plan = ops_.plan(kType, prior.value(), proposed(prior.value(), cfg), cfg.value(), marker);
  ASSERT_TRUE(plan.diagnostics.has_errors());
  std::string text = plan.diagnostics.to_string();
  EXPECT_NE(text.find("now runs on pve2"), std::string::npos) << text;
  EXPECT_NE(text.find("Set node = \"pve2\""), std::string::npos) << text;

  cfg.set_string("node", "pve2");  // following the move: a plain plan, no replacement
  plan = ops_.plan(kType, prior.value(), proposed(prior.value(), cfg), cfg.value(), marker);
  ASSERT_FALSE(plan.diagnostics.has_errors()) << plan.diagnostics.to_string();
  EXPECT_TRUE(plan.requires_replace.empty());

  // Without a recorded move, a node change is a deliberate replacement.
  cfg.set_string("node", "pve3");
  plan = ops_.plan(kType, prior.value(), proposed(prior.value(), cfg), cfg.value(), "");
  ASSERT_FALSE(plan.diagnostics.has_errors()) << plan.diagnostics.to_string();
  ASSERT_EQ(plan.requires_replace.size(), 1u);
  EXPECT_EQ(plan.requires_replace[0], cty::Path().attribute("node"));
}

}  // namespace
}  // namespace sarga::resources

namespace sarga::resources {
namespace {

TEST_F(LxcPlan, NewSshKeysReplaceBecausePveOnlyTakesThemAtCreate) {
  framework::Model c = config();
  c.set_strings("ssh_public_keys", {"ssh-ed25519 AAAA one"});
  Value prior = state_for(c);
  c.set_strings("ssh_public_keys", {"ssh-ed25519 AAAA two"});
  auto plan = plan_update(prior, c);
  ASSERT_FALSE(plan.diagnostics.has_errors()) << plan.diagnostics.to_string();
  ASSERT_EQ(plan.requires_replace.size(), 1u);
  EXPECT_EQ(plan.requires_replace[0], cty::Path().attribute("ssh_public_keys"));
  // The password is write-only: never planned, so changing it plans nothing.
  c = config();
  c.set_strings("ssh_public_keys", {"ssh-ed25519 AAAA one"});
  c.set_string("password", "another-secret");
  plan = plan_update(prior, c);
  ASSERT_FALSE(plan.diagnostics.has_errors()) << plan.diagnostics.to_string();
  EXPECT_TRUE(plan.planned.attribute("password").is_null());
  EXPECT_TRUE(plan.requires_replace.empty());
}

}  // namespace
}  // namespace sarga::resources
