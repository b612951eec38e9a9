// Config validation: required values, validators and block counts, each with the path
// OpenTofu uses to point at the HCL line; schema checks at registration.
#include <gtest/gtest.h>

#include "provider/framework/operations.h"
#include "provider/framework/tests/fake_resource.h"

namespace sarga::framework::testing {
namespace {

cty::Type disk_type() { return cty::Type::object({{"slot", cty::Type::string()}, {"uuid", cty::Type::string()}}); }

cty::Value disk(const std::string& slot) {
  return cty::Value::object({{"slot", str(slot)}, {"uuid", cty::Value::null(cty::Type::string())}});
}

const Diagnostic* find_at(const Diagnostics& diags, const std::string& path) {
  for (const auto& d : diags) {
    if (d.attribute && d.attribute->to_string() == path) return &d;
  }
  return nullptr;
}

TEST(Validate, ValidatorErrorNamesNestedBlockElement) {
  FakeProvider fp;
  Operations ops(fp.provider);
  cty::Value config = fake_object({{"name", str("web")},
                                   {"disk", cty::Value::list(disk_type(), {disk("scsi0"), disk("floppy")})}});
  Diagnostics diags = ops.validate_resource_config("sarga_fake", config);
  ASSERT_TRUE(diags.has_errors());
  const Diagnostic* d = find_at(diags, "disk[1].slot");
  ASSERT_NE(d, nullptr) << diags.to_string();
  EXPECT_NE(d->detail.find("a disk slot like scsi0"), std::string::npos);
  EXPECT_EQ(find_at(diags, "disk[0].slot"), nullptr);
}

TEST(Validate, LengthValidatorAndResourceHook) {
  FakeProvider fp;
  Operations ops(fp.provider);
  Diagnostics long_name = ops.validate_resource_config("sarga_fake", fake_object({{"name", str("much-too-long-name")}}));
  ASSERT_NE(find_at(long_name, "name"), nullptr) << long_name.to_string();
  Diagnostics forbidden = ops.validate_resource_config("sarga_fake", fake_object({{"name", str("forbidden")}}));
  const Diagnostic* d = find_at(forbidden, "name");
  ASSERT_NE(d, nullptr);
  EXPECT_EQ(d->summary, "Forbidden name");
}

TEST(Validate, MissingRequiredAndTooManyBlocks) {
  FakeProvider fp;
  Operations ops(fp.provider);
  cty::Value config = fake_object(
      {{"disk", cty::Value::list(disk_type(), {disk("scsi0"), disk("scsi1"), disk("scsi2"), disk("scsi3")})}});
  Diagnostics diags = ops.validate_resource_config("sarga_fake", config);
  EXPECT_NE(find_at(diags, "name"), nullptr) << diags.to_string();
  EXPECT_NE(find_at(diags, "disk"), nullptr) << diags.to_string();
}

TEST(Validate, UnknownValuesAreSkipped) {
  FakeProvider fp;
  Operations ops(fp.provider);
  cty::Value config = fake_object({{"name", cty::Value::unknown(cty::Type::string())}});
  Diagnostics diags = ops.validate_resource_config("sarga_fake", config);
  EXPECT_FALSE(diags.has_errors()) << diags.to_string();
}

TEST(Validate, DeprecatedAttributeWarns) {
  FakeProvider fp;
  Operations ops(fp.provider);
  Diagnostics diags = ops.validate_resource_config("sarga_fake", fake_object({{"name", str("a")}, {"old", str("x")}}));
  EXPECT_FALSE(diags.has_errors());
  const Diagnostic* d = find_at(diags, "old");
  ASSERT_NE(d, nullptr);
  EXPECT_EQ(d->severity, Severity::Warning);
}

TEST(SchemaCheck, RejectsInvalidSchemas) {
  struct Bad final : Resource {
    Schema s;
    explicit Bad(Schema s) : s(std::move(s)) {}
    std::string type_name() const override { return "sarga_bad"; }
    Schema schema() const override { return s; }
    void create(const CreateRequest&, CreateResponse&) override {}
    void read(const ReadRequest&, ReadResponse&) override {}
    void update(const UpdateRequest&, UpdateResponse&) override {}
    void destroy(const DeleteRequest&, DeleteResponse&) override {}
  };
  auto with = [](Attribute a) {
    Schema s;
    s.block.attributes = {std::move(a)};
    return s;
  };
  Provider p;
  EXPECT_THROW(p.add_resource(std::make_unique<Bad>(with(Attribute::string("x")))), std::invalid_argument);
  EXPECT_THROW(p.add_resource(std::make_unique<Bad>(with(Attribute::string("Bad").optional()))), std::invalid_argument);
  EXPECT_THROW(p.add_resource(std::make_unique<Bad>(with(Attribute::string("x").required().computed()))),
               std::invalid_argument);
  EXPECT_THROW(p.add_resource(std::make_unique<Bad>(with(Attribute::string("x").computed().write_only()))),
               std::invalid_argument);
  EXPECT_THROW(p.add_resource(std::make_unique<Bad>(with(Attribute::string("x").default_value(cty::Value::number_int(1))))),
               std::invalid_argument);
  p.add_resource(std::make_unique<Bad>(with(Attribute::string("x").optional())));
  EXPECT_THROW(p.add_resource(std::make_unique<Bad>(with(Attribute::string("x").optional()))), std::invalid_argument);
}

}  // namespace
}  // namespace sarga::framework::testing
