// Plan rules: unknown computed values on create, defaults, use-state-for-unknown, write-only
// nulling, requires-replace paths, and the check against a misbehaving plan hook.
#include <gtest/gtest.h>

#include "provider/framework/operations.h"
#include "provider/framework/tests/fake_resource.h"

namespace sarga::framework::testing {
namespace {

cty::Value disk(const std::string& slot, const cty::Value& uuid = cty::Value::null(cty::Type::string())) {
  return cty::Value::object({{"slot", str(slot)}, {"uuid", uuid}});
}

cty::Value disks(cty::Value::Elements elems) {
  cty::Type t = cty::Type::object({{"slot", cty::Type::string()}, {"uuid", cty::Type::string()}});
  return cty::Value::list(t, std::move(elems));
}

TEST(Plan, CreateMarksComputedUnknownAndAppliesDefaults) {
  FakeProvider fp;
  Operations ops(fp.provider);
  cty::Value config = fake_object({{"name", str("web")}, {"password", str("hunter2")},
                                   {"disk", disks({disk("scsi0")})}});
  PlanResult r = ops.plan("sarga_fake", cty::Value::null(config.type()), config, config, "");
  ASSERT_FALSE(r.diagnostics.has_errors()) << r.diagnostics.to_string();
  Model p(r.planned);
  EXPECT_FALSE(p.get("id").is_known());
  EXPECT_FALSE(p.get("serial").is_known());
  EXPECT_EQ(p.get_int("size"), 10);                      // default
  EXPECT_TRUE(p.get("password").is_null());              // write-only never planned
  EXPECT_TRUE(p.get("zone").is_null());                  // optional, not computed: stays null
  EXPECT_EQ(p.get_string("name"), "web");
  EXPECT_FALSE(p.get(cty::Path().attribute("disk").index(0).attribute("uuid")).is_known());
  EXPECT_TRUE(r.requires_replace.empty());               // never on create
}

TEST(Plan, UpdateKeepsStateForUnknownAndMarksOthersUnknown) {
  FakeProvider fp;
  Operations ops(fp.provider);
  cty::Value prior = fake_object({{"id", str("fake-web")}, {"name", str("web")}, {"size", cty::Value::number_int(10)},
                                  {"serial", str("SN-1")}});
  cty::Value config = fake_object({{"name", str("web2")}});
  // What tofu proposes: config values, prior values for computed attributes left null.
  cty::Value proposed = fake_object({{"id", str("fake-web")}, {"name", str("web2")}, {"size", cty::Value::number_int(10)},
                                     {"serial", str("SN-1")}});
  PlanResult r = ops.plan("sarga_fake", prior, proposed, config, "");
  ASSERT_FALSE(r.diagnostics.has_errors()) << r.diagnostics.to_string();
  Model p(r.planned);
  EXPECT_EQ(p.get_string("id"), "fake-web");     // use_state_for_unknown
  EXPECT_FALSE(p.get("serial").is_known());       // computed and something changed
  EXPECT_EQ(p.get_string("name"), "web2");
  EXPECT_TRUE(r.requires_replace.empty());
}

TEST(Plan, NoChangeKeepsPriorExactly) {
  FakeProvider fp;
  Operations ops(fp.provider);
  cty::Value prior = fake_object({{"id", str("fake-web")}, {"name", str("web")}, {"size", cty::Value::number_int(10)},
                                  {"serial", str("SN-1")}});
  cty::Value config = fake_object({{"name", str("web")}, {"password", str("new-secret")}});
  cty::Value proposed = replace_at(prior, cty::Path().attribute("password"), str("new-secret"));
  PlanResult r = ops.plan("sarga_fake", prior, proposed, config, "priv");
  ASSERT_FALSE(r.diagnostics.has_errors()) << r.diagnostics.to_string();
  EXPECT_EQ(r.planned, prior);  // the write-only value alone is no change
  EXPECT_EQ(r.planned_private, "priv");
}

TEST(Plan, RemovedOptionalValueFallsBackToDefault) {
  FakeProvider fp;
  Operations ops(fp.provider);
  cty::Value prior = fake_object({{"id", str("i")}, {"name", str("web")}, {"size", cty::Value::number_int(50)},
                                  {"serial", str("SN-1")}});
  cty::Value config = fake_object({{"name", str("web")}});
  PlanResult r = ops.plan("sarga_fake", prior, prior, config, "");
  ASSERT_FALSE(r.diagnostics.has_errors()) << r.diagnostics.to_string();
  EXPECT_EQ(Model(r.planned).get_int("size"), 10);
}

TEST(Plan, RequiresReplaceNamesTheAttribute) {
  FakeProvider fp;
  Operations ops(fp.provider);
  cty::Value prior = fake_object({{"id", str("i")}, {"name", str("web")}, {"size", cty::Value::number_int(10)},
                                  {"serial", str("SN-1")}, {"zone", str("a")}});
  cty::Value config = fake_object({{"name", str("web")}, {"zone", str("b")}});
  cty::Value proposed = replace_at(prior, cty::Path().attribute("zone"), str("b"));
  PlanResult r = ops.plan("sarga_fake", prior, proposed, config, "");
  ASSERT_FALSE(r.diagnostics.has_errors()) << r.diagnostics.to_string();
  ASSERT_EQ(r.requires_replace.size(), 1u);
  EXPECT_EQ(r.requires_replace[0], cty::Path().attribute("zone"));
}

TEST(Plan, UnknownConfigForReplaceAttributeRequiresReplace) {
  FakeProvider fp;
  Operations ops(fp.provider);
  cty::Value prior = fake_object({{"id", str("i")}, {"name", str("web")}, {"size", cty::Value::number_int(10)},
                                  {"serial", str("SN-1")}, {"zone", str("a")}});
  cty::Value unknown = cty::Value::unknown(cty::Type::string());
  cty::Value config = fake_object({{"name", str("web")}, {"zone", unknown}});
  cty::Value proposed = replace_at(prior, cty::Path().attribute("zone"), unknown);
  PlanResult r = ops.plan("sarga_fake", prior, proposed, config, "");
  ASSERT_FALSE(r.diagnostics.has_errors()) << r.diagnostics.to_string();
  ASSERT_EQ(r.requires_replace.size(), 1u);
  EXPECT_FALSE(Model(r.planned).get("zone").is_known());
}

TEST(Plan, DestroyPlansNull) {
  FakeProvider fp;
  Operations ops(fp.provider);
  cty::Value prior = fake_object({{"id", str("i")}, {"name", str("web")}});
  PlanResult r = ops.plan("sarga_fake", prior, cty::Value::null(prior.type()), cty::Value::null(prior.type()), "p");
  EXPECT_FALSE(r.diagnostics.has_errors());
  EXPECT_TRUE(r.planned.is_null());
}

TEST(Plan, HookChangingConfiguredValueIsReportedAtTheAttribute) {
  FakeProvider fp;
  fp.behaviour->bad_plan_hook = true;
  Operations ops(fp.provider);
  cty::Value config = fake_object({{"name", str("web")}});
  PlanResult r = ops.plan("sarga_fake", cty::Value::null(config.type()), config, config, "");
  ASSERT_TRUE(r.diagnostics.has_errors());
  const Diagnostic& d = r.diagnostics.items().front();
  ASSERT_TRUE(d.attribute.has_value());
  EXPECT_EQ(d.attribute->to_string(), "name");
  EXPECT_NE(d.detail.find("does not match the configured value"), std::string::npos) << d.detail;
}

TEST(Plan, UnknownResourceType) {
  FakeProvider fp;
  Operations ops(fp.provider);
  PlanResult r = ops.plan("sarga_nope", cty::Value(), cty::Value(), cty::Value(), "");
  ASSERT_TRUE(r.diagnostics.has_errors());
  EXPECT_NE(r.diagnostics.to_string().find("sarga_nope"), std::string::npos);
}

TEST(CheckPlan, NonComputedAttributeMustFollowConfig) {
  Schema s = fake_schema();
  cty::Value config = fake_object({{"name", str("web")}});
  cty::Value planned = fake_object({{"name", str("web")}, {"zone", str("sneaky")}});
  Diagnostics diags;
  check_plan(s.block, cty::Value::null(config.type()), config, planned, "sarga_fake", diags);
  ASSERT_TRUE(diags.has_errors());
  EXPECT_EQ(diags.items()[0].attribute->to_string(), "zone");
}

TEST(CheckPlan, WriteOnlyMustBeNull) {
  Schema s = fake_schema();
  cty::Value config = fake_object({{"name", str("web")}, {"password", str("x")}});
  Diagnostics diags;
  check_plan(s.block, cty::Value::null(config.type()), config, config, "sarga_fake", diags);
  ASSERT_TRUE(diags.has_errors());
  EXPECT_EQ(diags.items()[0].attribute->to_string(), "password");
}

TEST(NullWriteOnly, NullsOnlyWriteOnlyAttributes) {
  Schema s = fake_schema();
  cty::Value v = fake_object({{"name", str("web")}, {"password", str("x")}, {"token", str("t")}});
  Model m(null_write_only(s.block, v));
  EXPECT_TRUE(m.get("password").is_null());
  EXPECT_EQ(m.get_string("token"), "t");
}

}  // namespace
}  // namespace sarga::framework::testing
