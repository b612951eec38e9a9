// sarga_cloudinit_seed in Proxmox mode, without PVE: content-derived names, the plan that
// already knows the volume id (so a VM attaching it plans its cdrom swap), mode validation.
#include <gtest/gtest.h>

#include "provider/framework/model.h"
#include "provider/framework/operations.h"
#include "provider/framework/provider.h"
#include "provider/resources/cloudinit_seed/pve_store.h"
#include "provider/resources/register.h"

namespace sarga::resources {
namespace {

using cty::Value;
using namespace cloudinit_seed;
constexpr const char* kType = "sarga_cloudinit_seed";
const std::string kSha = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";

TEST(SeedPveNames, FileNameCarriesHostAndHash) {
  EXPECT_EQ(seed_file_name(std::string("web-01"), kSha), "sarga-seed-web-01-0123456789abcdef.iso");
  EXPECT_EQ(seed_file_name(std::nullopt, kSha), "sarga-seed-seed-0123456789abcdef.iso");
  EXPECT_EQ(seed_file_name(std::string("a b/c:d"), kSha), "sarga-seed-abcd-0123456789abcdef.iso");
  EXPECT_EQ(seed_file_name(std::string("///"), kSha), "sarga-seed-seed-0123456789abcdef.iso");
  EXPECT_EQ(seed_volume_id("local", "x.iso"), "local:iso/x.iso");
}

TEST(SeedPveNames, SplitsIsoVolumeIds) {
  auto p = split_iso_volume_id("local:iso/sarga-seed-web-01-0123456789abcdef.iso");
  ASSERT_TRUE(p);
  EXPECT_EQ(p->first, "local");
  EXPECT_EQ(p->second, "sarga-seed-web-01-0123456789abcdef.iso");
  EXPECT_FALSE(split_iso_volume_id("local:vztmpl/x.tar.gz"));
  EXPECT_FALSE(split_iso_volume_id("local:iso/dir/x.iso"));
  EXPECT_FALSE(split_iso_volume_id("iso/x.iso"));
  EXPECT_FALSE(split_iso_volume_id("local:iso/x.img"));
}

class SeedPvePlan : public ::testing::Test {
 protected:
  SeedPvePlan() : provider_("0.1.0", [](const std::string&) { return std::nullopt; }), ops_(provider_) {
    register_all(provider_);
  }
  const framework::Schema& schema() { return provider_.find_resource(kType)->schema; }
  Value config(const std::string& user_data, bool node = true, bool storage = true) {
    framework::Model m(schema().null_object());
    m.set_string("hostname", "web-01");
    m.set_string("user_data", user_data);
    if (node) m.set_string("node", "pve1");
    if (storage) m.set_string("storage", "local");
    return m.value();
  }
  framework::PlanResult plan(const Value& prior, const Value& cfg) { return ops_.plan(kType, prior, cfg, cfg, ""); }

  framework::Provider provider_;
  framework::Operations ops_;
};

TEST_F(SeedPvePlan, PlanKnowsTheContentDerivedVolumeId) {
  Value cfg = config("#cloud-config\npackages: [nginx]\n");
  auto p = plan(Value::null(schema().implied_type()), cfg);
  ASSERT_FALSE(p.diagnostics.has_errors()) << p.diagnostics.to_string();
  std::string sha = p.planned.attribute("sha256").as_string();
  std::string volid = "local:iso/sarga-seed-web-01-" + sha.substr(0, 16) + ".iso";
  EXPECT_EQ(p.planned.attribute("volume_id").as_string(), volid);
  EXPECT_EQ(p.planned.attribute("id").as_string(), "pve1/" + volid);
  EXPECT_TRUE(p.planned.attribute("output_path").is_null());

  // Changed content: a new volume id, planned as an in-place update (no replacement).
  framework::Model prior(p.planned);
  auto changed = plan(prior.value(), config("#cloud-config\npackages: [nginx, git]\n"));
  ASSERT_FALSE(changed.diagnostics.has_errors()) << changed.diagnostics.to_string();
  EXPECT_NE(changed.planned.attribute("volume_id").as_string(), volid);
  EXPECT_TRUE(changed.requires_replace.empty());
}

TEST_F(SeedPvePlan, LocalModeHasNoVolumeId) {
  framework::Model m(config("#cloud-config\n{}\n", false, false));
  m.set_string("output_path", "/tmp/x.iso");
  auto p = plan(Value::null(schema().implied_type()), m.value());
  ASSERT_FALSE(p.diagnostics.has_errors()) << p.diagnostics.to_string();
  EXPECT_TRUE(p.planned.attribute("volume_id").is_null());
  EXPECT_EQ(p.planned.attribute("id").as_string(), "/tmp/x.iso");
}

TEST_F(SeedPvePlan, ModeErrorsNameTheAttribute) {
  auto d = ops_.validate_resource_config(kType, config("#cloud-config\n{}\n", true, false));
  ASSERT_TRUE(d.has_errors());
  EXPECT_EQ(*d.items()[0].attribute, cty::Path().attribute("storage"));
  EXPECT_NE(d.to_string().find("set node and storage together"), std::string::npos);
  d = ops_.validate_resource_config(kType, config("#cloud-config\n{}\n", false, false));
  ASSERT_TRUE(d.has_errors());
  EXPECT_EQ(*d.items()[0].attribute, cty::Path().attribute("output_path"));
  d = ops_.validate_resource_config(kType, config("#cloud-config\n{}\n"));
  EXPECT_FALSE(d.has_errors()) << d.to_string();
}

TEST_F(SeedPvePlan, ApplyWithoutProxmoxSettingsFailsBeforeAnythingExists) {
  Value cfg = config("#cloud-config\n{}\n");
  auto p = plan(Value::null(schema().implied_type()), cfg);
  auto applied = ops_.apply(kType, Value::null(schema().implied_type()), p.planned, cfg, p.planned_private);
  ASSERT_TRUE(applied.diagnostics.has_errors());
  EXPECT_NE(applied.diagnostics.to_string().find("sarga_cloudinit_seed"), std::string::npos)
      << applied.diagnostics.to_string();
  EXPECT_TRUE(applied.state.is_null());  // nothing was created: nothing to taint
}

}  // namespace
}  // namespace sarga::resources
