// Model accessors: typed reads, checked writes, paths into nested values.
#include <gtest/gtest.h>

#include "provider/framework/model.h"
#include "provider/framework/tests/fake_resource.h"

namespace sarga::framework::testing {
namespace {

TEST(Model, TypedGettersAndSetters) {
  Model m(fake_object({{"name", str("web")}}));
  EXPECT_EQ(m.get_string("name"), "web");
  EXPECT_EQ(m.get_string("zone"), std::nullopt);
  m.set_int("size", 42);
  EXPECT_EQ(m.get_int("size"), 42);
  m.set_string_map("tags", {{"a", "1"}});
  EXPECT_EQ(m.get_string_map("tags")->at("a"), "1");
  m.set_null("tags");
  EXPECT_TRUE(m.is_null("tags"));
  EXPECT_EQ(m.value().type(), fake_schema().implied_type());  // shape never changes
}

TEST(Model, WrongTypeThrowsNamingTheAttribute) {
  Model m(fake_object({}));
  try {
    m.set_int("name", 1);
    FAIL() << "no exception";
  } catch (const cty::ValueError& e) {
    EXPECT_NE(std::string(e.what()).find("name"), std::string::npos) << e.what();
  }
  EXPECT_THROW(m.get("nope"), cty::ValueError);
  EXPECT_THROW(m.get_int("name"), cty::ValueError);
}

TEST(Model, UnknownReadsAsNullopt) {
  Model m(fake_object({{"name", cty::Value::unknown(cty::Type::string())}}));
  EXPECT_EQ(m.get_string("name"), std::nullopt);
  EXPECT_FALSE(m.is_known("name"));
  EXPECT_FALSE(m.is_null("name"));
  m.set_string("name", "known now");
  EXPECT_EQ(m.get_string("name"), "known now");
}

TEST(Model, PathsIntoNestedBlocks) {
  cty::Type disk = cty::Type::object({{"slot", cty::Type::string()}, {"uuid", cty::Type::string()}});
  cty::Value d = cty::Value::object({{"slot", str("scsi0")}, {"uuid", cty::Value::unknown(cty::Type::string())}});
  Model m(fake_object({{"disk", cty::Value::list(disk, {d})}}));
  cty::Path p = cty::Path().attribute("disk").index(0).attribute("uuid");
  m.set(p, str("u-1"));
  EXPECT_EQ(m.get(p).as_string(), "u-1");
  EXPECT_EQ(m.get_list("disk").size(), 1u);
  EXPECT_EQ(m.get_list("disk")[0].get_string("slot"), "scsi0");
  EXPECT_THROW(m.set(cty::Path().attribute("disk").index(5).attribute("uuid"), str("x")), cty::ValueError);
}

}  // namespace
}  // namespace sarga::framework::testing
