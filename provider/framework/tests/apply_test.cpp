// Apply, read, import and upgrade: results checked against the plan, partial state on a
// half-failed create, null state for a vanished object.
#include <gtest/gtest.h>

#include "provider/cty/json.h"
#include "provider/framework/operations.h"
#include "provider/framework/tests/fake_resource.h"

namespace sarga::framework::testing {
namespace {

struct Planned {
  cty::Value config;
  cty::Value planned;
};

Planned plan_create(Operations& ops, const std::string& name) {
  cty::Value config = fake_object({{"name", str(name)}, {"password", str("pw")}});
  PlanResult r = ops.plan("sarga_fake", cty::Value::null(config.type()), config, config, "");
  EXPECT_FALSE(r.diagnostics.has_errors()) << r.diagnostics.to_string();
  return {config, r.planned};
}

TEST(Apply, CreateFillsComputedValues) {
  FakeProvider fp;
  Operations ops(fp.provider);
  Planned p = plan_create(ops, "web");
  StateResult r = ops.apply("sarga_fake", cty::Value::null(p.config.type()), p.planned, p.config, "");
  ASSERT_FALSE(r.diagnostics.has_errors()) << r.diagnostics.to_string();
  Model s(r.state);
  EXPECT_EQ(s.get_string("id"), "fake-web");
  EXPECT_EQ(s.get_string("serial"), "SN-1");
  EXPECT_EQ(s.get_int("size"), 10);
  EXPECT_TRUE(s.get("password").is_null());
  EXPECT_TRUE(r.state.is_wholly_known());
}

TEST(Apply, InconsistentResultNamesTheAttribute) {
  FakeProvider fp;
  fp.behaviour->change_name_on_apply = true;
  Operations ops(fp.provider);
  Planned p = plan_create(ops, "web");
  StateResult r = ops.apply("sarga_fake", cty::Value::null(p.config.type()), p.planned, p.config, "");
  ASSERT_TRUE(r.diagnostics.has_errors());
  const Diagnostic& d = r.diagnostics.items().front();
  ASSERT_TRUE(d.attribute.has_value());
  EXPECT_EQ(d.attribute->to_string(), "name");
  EXPECT_NE(d.detail.find("\"other\""), std::string::npos) << d.detail;
  EXPECT_NE(d.detail.find("\"web\""), std::string::npos) << d.detail;
  EXPECT_FALSE(r.state.is_null());  // kept, so tofu taints rather than orphans
}

TEST(Apply, LeftoverUnknownIsAnErrorAndBecomesNull) {
  FakeProvider fp;
  fp.behaviour->leave_serial_unknown = true;
  Operations ops(fp.provider);
  Planned p = plan_create(ops, "web");
  StateResult r = ops.apply("sarga_fake", cty::Value::null(p.config.type()), p.planned, p.config, "");
  ASSERT_TRUE(r.diagnostics.has_errors());
  EXPECT_EQ(r.diagnostics.items().front().attribute->to_string(), "serial");
  EXPECT_TRUE(Model(r.state).get("serial").is_null());
  EXPECT_TRUE(r.state.is_wholly_known());
}

TEST(Apply, HalfFailedCreateReturnsPartialState) {
  FakeProvider fp;
  fp.behaviour->fail_after_create = true;
  Operations ops(fp.provider);
  Planned p = plan_create(ops, "web");
  StateResult r = ops.apply("sarga_fake", cty::Value::null(p.config.type()), p.planned, p.config, "");
  ASSERT_TRUE(r.diagnostics.has_errors());
  ASSERT_FALSE(r.state.is_null());
  Model s(r.state);
  EXPECT_EQ(s.get_string("id"), "fake-web");
  EXPECT_TRUE(s.get("serial").is_null());  // unknowns become null
  EXPECT_TRUE(r.state.is_wholly_known());
}

TEST(Apply, FailedCreateWithoutObjectReturnsNull) {
  FakeProvider fp;
  fp.behaviour->fail_before_create = true;
  Operations ops(fp.provider);
  Planned p = plan_create(ops, "web");
  StateResult r = ops.apply("sarga_fake", cty::Value::null(p.config.type()), p.planned, p.config, "");
  ASSERT_TRUE(r.diagnostics.has_errors());
  EXPECT_TRUE(r.state.is_null());
}

TEST(Apply, UpdateAndDelete) {
  FakeProvider fp;
  Operations ops(fp.provider);
  Planned p = plan_create(ops, "web");
  StateResult created = ops.apply("sarga_fake", cty::Value::null(p.config.type()), p.planned, p.config, "");
  ASSERT_FALSE(created.diagnostics.has_errors());

  cty::Value config = fake_object({{"name", str("web")}, {"tags", cty::Value::map({{"env", str("prod")}})}});
  cty::Value proposed = replace_at(created.state, cty::Path().attribute("tags"), config.attribute("tags"));
  PlanResult plan = ops.plan("sarga_fake", created.state, proposed, config, "");
  ASSERT_FALSE(plan.diagnostics.has_errors()) << plan.diagnostics.to_string();
  StateResult updated = ops.apply("sarga_fake", created.state, plan.planned, config, "");
  ASSERT_FALSE(updated.diagnostics.has_errors()) << updated.diagnostics.to_string();
  EXPECT_EQ(Model(updated.state).get_string_map("tags")->at("env"), "prod");
  EXPECT_EQ(Model(updated.state).get_string("id"), "fake-web");

  StateResult deleted = ops.apply("sarga_fake", updated.state, cty::Value::null(config.type()), cty::Value::null(config.type()), "");
  ASSERT_FALSE(deleted.diagnostics.has_errors());
  EXPECT_TRUE(deleted.state.is_null());
  ASSERT_EQ(fp.resource->deleted().size(), 1u);
  EXPECT_EQ(fp.resource->deleted()[0], "fake-web");
}

TEST(Apply, FailedUpdateKeepsPriorState) {
  FakeProvider fp;
  fp.behaviour->fail_update = true;
  Operations ops(fp.provider);
  cty::Value prior = fake_object({{"id", str("fake-web")}, {"name", str("web")}, {"size", cty::Value::number_int(10)},
                                  {"serial", str("SN-1")}});
  cty::Value config = fake_object({{"name", str("web2")}});
  cty::Value proposed = replace_at(prior, cty::Path().attribute("name"), str("web2"));
  PlanResult plan = ops.plan("sarga_fake", prior, proposed, config, "");
  ASSERT_FALSE(plan.diagnostics.has_errors());
  StateResult r = ops.apply("sarga_fake", prior, plan.planned, config, "");
  ASSERT_TRUE(r.diagnostics.has_errors());
  EXPECT_EQ(r.diagnostics.items()[0].attribute->to_string(), "tags");
  EXPECT_EQ(r.state, prior);
}

TEST(Read, ExceptionInResourceCodeBecomesADiagnostic) {
  FakeProvider fp;
  fp.behaviour->throw_in_read = true;
  Operations ops(fp.provider);
  cty::Value state = fake_object({{"id", str("fake-web")}, {"name", str("web")}});
  StateResult r = ops.read("sarga_fake", state, "");
  ASSERT_TRUE(r.diagnostics.has_errors());
  EXPECT_NE(r.diagnostics.to_string().find("sarga_fake read failed"), std::string::npos) << r.diagnostics.to_string();
  EXPECT_EQ(r.state, state);  // unchanged
}

TEST(Read, GoneObjectReturnsNullState) {
  FakeProvider fp;
  Operations ops(fp.provider);
  cty::Value state = fake_object({{"id", str("fake-web")}, {"name", str("web")}});
  StateResult kept = ops.read("sarga_fake", state, "p");
  EXPECT_EQ(kept.state, state);
  EXPECT_EQ(kept.private_data, "p");
  fp.behaviour->gone = true;
  StateResult gone = ops.read("sarga_fake", state, "p");
  EXPECT_FALSE(gone.diagnostics.has_errors());
  EXPECT_TRUE(gone.state.is_null());
}

TEST(Import, StubHasEveryAttribute) {
  FakeProvider fp;
  Operations ops(fp.provider);
  Diagnostics diags;
  auto r = ops.import_state("sarga_fake", "abc", diags);
  ASSERT_FALSE(diags.has_errors()) << diags.to_string();
  ASSERT_EQ(r.size(), 1u);
  EXPECT_EQ(r[0].state.type(), fake_schema().implied_type());
  EXPECT_EQ(Model(r[0].state).get_string("id"), "abc");
  EXPECT_TRUE(Model(r[0].state).get("serial").is_null());
}

TEST(Upgrade, SameVersionDecodesJson) {
  FakeProvider fp;
  Operations ops(fp.provider);
  std::string json = R"({"id":"x","name":"web","size":10,"password":"leak","disk":[]})";
  StateResult r = ops.upgrade_state("sarga_fake", 1, json);
  ASSERT_FALSE(r.diagnostics.has_errors()) << r.diagnostics.to_string();
  EXPECT_EQ(Model(r.state).get_string("name"), "web");
  EXPECT_TRUE(Model(r.state).get("password").is_null());  // write-only never comes back
}

TEST(Upgrade, OlderVersionCallsTheResource) {
  FakeProvider fp;
  Operations ops(fp.provider);
  StateResult r = ops.upgrade_state("sarga_fake", 0, std::string(R"({"id":"x","title":"old-name"})"));
  ASSERT_FALSE(r.diagnostics.has_errors()) << r.diagnostics.to_string();
  EXPECT_EQ(Model(r.state).get_string("name"), "old-name");
}

TEST(Upgrade, NewerVersionAndFlatmapAreErrors) {
  FakeProvider fp;
  Operations ops(fp.provider);
  EXPECT_TRUE(ops.upgrade_state("sarga_fake", 2, std::string("{}")).diagnostics.has_errors());
  EXPECT_TRUE(ops.upgrade_state("sarga_fake", 1, std::nullopt).diagnostics.has_errors());
}

TEST(Move, UnsupportedMoveIsAnError) {
  FakeProvider fp;
  Operations ops(fp.provider);
  StateResult r = ops.move_state("registry.opentofu.org/x/y", "y_thing", 0, "{}", "", "sarga_fake");
  ASSERT_TRUE(r.diagnostics.has_errors());
  EXPECT_NE(r.diagnostics.to_string().find("y_thing"), std::string::npos);
}

TEST(DataSource, ReadFillsComputed) {
  FakeProvider fp;
  Operations ops(fp.provider);
  cty::Value config = cty::Value::object({{"name", str("bob")}, {"greeting", cty::Value::null(cty::Type::string())}});
  StateResult r = ops.read_data_source("sarga_fake_info", config);
  ASSERT_FALSE(r.diagnostics.has_errors()) << r.diagnostics.to_string();
  EXPECT_EQ(Model(r.state).get_string("greeting"), "hello bob");
}

TEST(Ephemeral, OpenAndClose) {
  FakeProvider fp;
  Operations ops(fp.provider);
  OpenResult r = ops.open_ephemeral("sarga_fake_token", cty::Value::object({{"value", cty::Value::null(cty::Type::string())}}));
  ASSERT_FALSE(r.diagnostics.has_errors()) << r.diagnostics.to_string();
  EXPECT_EQ(Model(r.result).get_string("value"), "secret-1");
  EXPECT_EQ(r.private_data, "lease-1");
  EXPECT_FALSE(ops.close_ephemeral("sarga_fake_token", "lease-1").has_errors());
  EXPECT_TRUE(ops.close_ephemeral("sarga_fake_token", "other").has_errors());
}

TEST(Function, CallAndErrors) {
  FakeProvider fp;
  Operations ops(fp.provider);
  CallResult ok = ops.call_function("shout", {str("hi")});
  ASSERT_FALSE(ok.error) << *ok.error;
  EXPECT_EQ(ok.result.as_string(), "HI");
  CallResult bad = ops.call_function("shout", {str("")});
  ASSERT_TRUE(bad.error);
  EXPECT_EQ(bad.error_argument, 0);
  CallResult null_arg = ops.call_function("shout", {cty::Value::null(cty::Type::string())});
  ASSERT_TRUE(null_arg.error);
  EXPECT_NE(null_arg.error->find("text"), std::string::npos);
  EXPECT_TRUE(ops.call_function("shout", {}).error);
  EXPECT_TRUE(ops.call_function("nope", {}).error);
}

}  // namespace
}  // namespace sarga::framework::testing
