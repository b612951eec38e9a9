// sarga_bastion_power through the framework's generic algorithms against a fake Tasmota:
// plan checks, switching, drift read back from the plug, destroy leaving it off.
#include <gtest/gtest.h>

#include "provider/framework/model.h"
#include "provider/framework/operations.h"
#include "provider/framework/provider.h"
#include "provider/resources/register.h"
#include "provider/resources/tests/bastion_fake_plug.h"

namespace sarga::resources {
namespace {

using cty::Value;
constexpr const char* kType = "sarga_bastion_power";

class BastionPower : public ::testing::Test {
 protected:
  BastionPower()
      : provider_("0.1.0",
                  [this](const std::string& name) -> std::optional<std::string> {
                    if (name == "SARGA_PLUG_DRIVER") return "tasmota";
                    if (name == "SARGA_PLUG_ADDRESS") return plug_.url();
                    if (name == "SARGA_PLUG_PASSWORD") return plug_.password;
                    return std::nullopt;
                  }),
        ops_(provider_) {
    register_all(provider_);
    provider_.configure(Value::null(provider_.schema().implied_type()));
  }

  const framework::Schema& schema() { return provider_.find_resource(kType)->schema; }
  Value null_state() { return Value::null(schema().implied_type()); }

  Value config(const std::map<std::string, Value>& attrs) {
    framework::Model m(schema().null_object());
    for (const auto& [k, v] : attrs) m.set(k, v);
    return m.value();
  }

  // tofu's proposed new state: config plus prior computed values.
  Value proposed(const Value& prior, const Value& cfg) {
    framework::Model m(cfg);
    for (const char* c : {"id", "state", "last_changed", "power_w"})
      if (cfg.attribute(c).is_null() && !prior.is_null()) m.set(c, prior.attribute(c));
    return m.value();
  }

  framework::StateResult apply(const Value& prior, const Value& cfg) {
    auto plan = ops_.plan(kType, prior, proposed(prior, cfg), cfg, "");
    EXPECT_FALSE(plan.diagnostics.has_errors()) << plan.diagnostics.to_string();
    return ops_.apply(kType, prior, plan.planned, cfg, plan.planned_private);
  }

  testing::FakeTasmota plug_;
  framework::Provider provider_;
  framework::Operations ops_;
};

TEST_F(BastionPower, OnWithDeviceTimerThenDriftThenDestroyLeavesItOff) {
  Value on_cfg = config({{"state", Value::string("on")}, {"auto_off_after", Value::string("30m")}});
  auto created = apply(null_state(), on_cfg);
  ASSERT_FALSE(created.diagnostics.has_errors()) << created.diagnostics.to_string();
  EXPECT_TRUE(plug_.is_on());
  EXPECT_EQ(plug_.pulse_time(), 1900);  // 30 min in PulseTime units
  EXPECT_EQ(created.state.attribute("state").as_string(), "on");
  EXPECT_EQ(created.state.attribute("id").as_string(), "tasmota:" + plug_.url() + "#0");
  EXPECT_DOUBLE_EQ(created.state.attribute("power_w").as_double(), 17.8);
  EXPECT_FALSE(created.state.attribute("last_changed").is_null());

  // Unchanged config and plug: an empty plan.
  auto same = ops_.read(kType, created.state, "");
  auto again = ops_.plan(kType, same.state, proposed(same.state, on_cfg), on_cfg, "");
  EXPECT_EQ(again.planned, same.state);

  // The timer (or someone) switched it off: read shows "off", the plan switches it on.
  plug_.set_on(false);
  auto drifted = ops_.read(kType, created.state, "");
  ASSERT_FALSE(drifted.diagnostics.has_errors()) << drifted.diagnostics.to_string();
  EXPECT_EQ(drifted.state.attribute("state").as_string(), "off");
  auto fixed = apply(drifted.state, on_cfg);
  ASSERT_FALSE(fixed.diagnostics.has_errors()) << fixed.diagnostics.to_string();
  EXPECT_TRUE(plug_.is_on());

  auto gone = ops_.apply(kType, fixed.state, null_state(), null_state(), "");
  ASSERT_FALSE(gone.diagnostics.has_errors()) << gone.diagnostics.to_string();
  EXPECT_FALSE(plug_.is_on());
}

TEST_F(BastionPower, DefaultStateIsOffAndABastionLeftOnIsSwitchedOff) {
  plug_.set_on(true);
  auto created = apply(null_state(), config({}));
  ASSERT_FALSE(created.diagnostics.has_errors()) << created.diagnostics.to_string();
  EXPECT_FALSE(plug_.is_on());
  EXPECT_EQ(created.state.attribute("state").as_string(), "off");
}

TEST_F(BastionPower, HomeAssistantTimerNeedsAnExplicitOptOut) {
  Value cfg = config({{"driver", Value::string("home_assistant")},
                      {"address", Value::string("http://127.0.0.1:1")},
                      {"token", Value::string("ha-token")},
                      {"entity_id", Value::string("switch.bastion")},
                      {"state", Value::string("on")},
                      {"auto_off_after", Value::string("10m")}});
  auto plan = ops_.plan(kType, null_state(), cfg, cfg, "");
  ASSERT_TRUE(plan.diagnostics.has_errors());
  ASSERT_TRUE(plan.diagnostics.items()[0].attribute);
  EXPECT_EQ(plan.diagnostics.items()[0].attribute->to_string(), "auto_off_after");
  EXPECT_NE(plan.diagnostics.to_string().find("allow_missing_timer"), std::string::npos);

  framework::Model opted(cfg);
  opted.set("allow_missing_timer", Value::boolean(true));
  auto ok = ops_.plan(kType, null_state(), opted.value(), opted.value(), "");
  EXPECT_FALSE(ok.diagnostics.has_errors()) << ok.diagnostics.to_string();
  ASSERT_EQ(ok.diagnostics.size(), 1u) << "a warning that the timer is ignored";
  EXPECT_EQ(ok.diagnostics.items()[0].attribute->to_string(), "auto_off_after");
}

TEST_F(BastionPower, BadPasswordNamesTheAttributeAndLeaksNothing) {
  Value cfg = config({{"password", Value::string("wrong-pw-123")}, {"state", Value::string("on")}});
  auto r = apply(null_state(), cfg);
  ASSERT_TRUE(r.diagnostics.has_errors());
  const auto& d = r.diagnostics.items()[0];
  ASSERT_TRUE(d.attribute);
  EXPECT_EQ(d.attribute->to_string(), "password");
  EXPECT_EQ(r.diagnostics.to_string().find("wrong-pw-123"), std::string::npos) << r.diagnostics.to_string();
  EXPECT_FALSE(plug_.is_on());
  EXPECT_TRUE(r.state.is_null()) << "nothing switched, nothing stored";
}

TEST_F(BastionPower, ValidationNamesTheAttributes) {
  Value cfg = config({{"auto_off_after", Value::string("soon")},
                      {"wait_for", Value::object({{"address", Value::string("bastion")},
                                                  {"timeout", Value::string("5x")}})}});
  auto d = ops_.validate_resource_config(kType, cfg);
  std::vector<std::string> paths;
  for (const auto& diag : d)
    if (diag.attribute) paths.push_back(diag.attribute->to_string());
  EXPECT_EQ(paths, (std::vector<std::string>{"auto_off_after", "wait_for.address", "wait_for.timeout"}));
}

TEST_F(BastionPower, WaitForTimesOutWithAClearErrorAndTaints) {
  Value cfg = config({{"state", Value::string("on")},
                      {"auto_off_after", Value::string("5m")},
                      {"wait_for", Value::object({{"address", Value::string("127.0.0.1:1")},
                                                  {"timeout", Value::string("1s")}})}});
  auto r = apply(null_state(), cfg);
  ASSERT_TRUE(r.diagnostics.has_errors());
  EXPECT_EQ(r.diagnostics.items()[0].attribute->to_string(), "wait_for.address");
  EXPECT_FALSE(r.state.is_null()) << "the plug was switched: the state is kept (tainted) so destroy can switch it off";
}

TEST_F(BastionPower, MissingDriverIsReportedAtTheAttribute) {
  framework::Provider bare("0.1.0", [](const std::string&) { return std::nullopt; });
  register_all(bare);
  framework::Operations ops(bare);
  auto r = ops.apply(kType, null_state(), config({{"state", Value::string("off")}, {"id", Value::unknown(cty::Type::string())},
                                                  {"last_changed", Value::unknown(cty::Type::string())},
                                                  {"power_w", Value::unknown(cty::Type::number())}}),
                     config({{"state", Value::string("off")}}), "");
  ASSERT_TRUE(r.diagnostics.has_errors());
  std::vector<std::string> paths;
  for (const auto& diag : r.diagnostics)
    if (diag.attribute) paths.push_back(diag.attribute->to_string());
  EXPECT_EQ(paths, (std::vector<std::string>{"driver", "address"}));
}

}  // namespace
}  // namespace sarga::resources

namespace sarga::resources {
namespace {

TEST_F(BastionPower, ImportThenPlanKeepsThePlugAndAnotherPlugReplaces) {
  plug_.set_on(true);
  framework::Diagnostics d;
  std::string id = "tasmota:" + plug_.url() + "#0";
  auto imported = ops_.import_state(kType, id, d);
  ASSERT_FALSE(d.has_errors()) << d.to_string();
  ASSERT_EQ(imported.size(), 1u);
  auto read = ops_.read(kType, imported[0].state, "");
  ASSERT_FALSE(read.diagnostics.has_errors()) << read.diagnostics.to_string();
  EXPECT_EQ(read.state.attribute("state").as_string(), "on");

  // The config relies on the provider's defaults: same plug, so an update (switch off), no replace.
  Value cfg = config({{"state", Value::string("off")}});
  auto plan = ops_.plan(kType, read.state, proposed(read.state, cfg), cfg, "");
  ASSERT_FALSE(plan.diagnostics.has_errors()) << plan.diagnostics.to_string();
  EXPECT_TRUE(plan.requires_replace.empty());
  EXPECT_EQ(plan.planned.attribute("id").as_string(), id);

  Value other = config({{"address", Value::string("http://127.0.0.1:9")}});
  auto moved = ops_.plan(kType, read.state, proposed(read.state, other), other, "");
  ASSERT_EQ(moved.requires_replace.size(), 1u);
  EXPECT_EQ(moved.requires_replace[0].to_string(), "id");

  framework::Diagnostics bad;
  ops_.import_state(kType, "zigbee:http://x#0", bad);
  EXPECT_TRUE(bad.has_errors());
  framework::Diagnostics bad_channel;
  ops_.import_state(kType, "tasmota:http://x#relay", bad_channel);
  EXPECT_TRUE(bad_channel.has_errors());
}

}  // namespace
}  // namespace sarga::resources
