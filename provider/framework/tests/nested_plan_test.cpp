// Plan rules inside nested attributes and set blocks: computed values per element.
#include <gtest/gtest.h>

#include "provider/framework/operations.h"

namespace sarga::framework {
namespace {

Block nested_block() {
  Block b;
  b.attributes = {
      Attribute::nested("nic", Nesting::List,
                        {Attribute::string("bridge").required(), Attribute::string("mac").computed(),
                         Attribute::string("model").optional().default_value(cty::Value::string("virtio"))})
          .optional(),
  };
  Block rule;
  rule.attributes = {Attribute::string("port").required(), Attribute::string("rule_id").computed(),
                     Attribute::string("secret").optional().write_only()};
  b.blocks = {NestedBlock("rule", Nesting::Set, rule)};
  return b;
}

cty::Type nic_type() {
  return cty::Type::object({{"bridge", cty::Type::string()}, {"mac", cty::Type::string()}, {"model", cty::Type::string()}});
}
cty::Type rule_type() {
  return cty::Type::object({{"port", cty::Type::string()}, {"rule_id", cty::Type::string()}, {"secret", cty::Type::string()}});
}
cty::Value null_str() { return cty::Value::null(cty::Type::string()); }
cty::Value s(const char* v) { return cty::Value::string(v); }

cty::Value object(const cty::Value& nics, const cty::Value& rules) {
  return cty::Value::object({{"nic", nics}, {"rule", rules}});
}

TEST(NestedPlan, CreateMarksComputedPerElementAndAppliesNestedDefaults) {
  Block b = nested_block();
  cty::Value nics = cty::Value::list(nic_type(), {cty::Value::object({{"bridge", s("vmbr0")}, {"mac", null_str()}, {"model", null_str()}})});
  cty::Value rules = cty::Value::set(rule_type(), {cty::Value::object({{"port", s("22")}, {"rule_id", null_str()}, {"secret", s("pw")}}),
                                                   cty::Value::object({{"port", s("80")}, {"rule_id", null_str()}, {"secret", null_str()}})});
  cty::Value config = object(nics, rules);
  cty::Value planned = plan_computed(b, cty::Value::null(config.type()), config, config);
  ASSERT_EQ(planned.type(), b.implied_type());
  cty::Value nic = planned.attribute("nic").element(0);
  EXPECT_FALSE(nic.attribute("mac").is_known());
  EXPECT_EQ(nic.attribute("model").as_string(), "virtio");
  ASSERT_EQ(planned.attribute("rule").length(), 2u);
  for (const auto& r : planned.attribute("rule").elements()) {
    EXPECT_FALSE(r.attribute("rule_id").is_known());
    EXPECT_TRUE(r.attribute("secret").is_null());
  }
  Diagnostics diags;
  check_plan(b, cty::Value::null(config.type()), config, planned, "sarga_t", diags);
  EXPECT_FALSE(diags.has_errors()) << diags.to_string();
}

TEST(NestedPlan, ApplyCheckNamesTheElement) {
  Block b = nested_block();
  cty::Value planned = object(
      cty::Value::list(nic_type(), {cty::Value::object({{"bridge", s("vmbr0")}, {"mac", cty::Value::unknown(cty::Type::string())}, {"model", s("virtio")}})}),
      cty::Value::set(rule_type(), {}));
  cty::Value actual = object(
      cty::Value::list(nic_type(), {cty::Value::object({{"bridge", s("vmbr1")}, {"mac", s("aa:bb")}, {"model", s("virtio")}})}),
      cty::Value::set(rule_type(), {}));
  Diagnostics diags;
  check_apply_result(b, planned, actual, "sarga_t", diags);
  ASSERT_EQ(diags.size(), 1u) << diags.to_string();
  EXPECT_EQ(diags.items()[0].attribute->to_string(), "nic[0].bridge");
}

TEST(NestedPlan, ReplacePathInsideList) {
  Block b;
  b.attributes = {Attribute::nested("disk", Nesting::List,
                                    {Attribute::string("storage").required().requires_replace(),
                                     Attribute::number("size").required()})
                      .optional()};
  cty::Type t = cty::Type::object({{"storage", cty::Type::string()}, {"size", cty::Type::number()}});
  auto disks = [&](const char* storage, int size) {
    return cty::Value::object({{"disk", cty::Value::list(t, {cty::Value::object({{"storage", s(storage)}, {"size", cty::Value::number_int(size)}})})}});
  };
  EXPECT_TRUE(replace_paths(b, disks("local", 1), disks("local", 2)).empty());
  auto paths = replace_paths(b, disks("local", 1), disks("ceph", 1));
  ASSERT_EQ(paths.size(), 1u);
  EXPECT_EQ(paths[0].to_string(), "disk[0].storage");
}

}  // namespace
}  // namespace sarga::framework
