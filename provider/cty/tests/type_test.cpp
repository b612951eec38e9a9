#include <gtest/gtest.h>

#include <map>

#include "provider/cty/type.h"

using namespace sarga::cty;

TEST(CtyType, PrimitiveJsonRoundTrip) {
  for (const char* j : {"\"string\"", "\"number\"", "\"bool\"", "\"dynamic\""}) {
    EXPECT_EQ(Type::from_json(j).to_json(), j);
  }
  EXPECT_EQ(Type::from_json("\"string\""), Type::string());
  EXPECT_EQ(Type::from_json(" \"dynamic\" "), Type::dynamic());
  EXPECT_TRUE(Type().is_dynamic());
}

TEST(CtyType, CollectionAndStructuralJson) {
  EXPECT_EQ(Type::list(Type::string()).to_json(), R"(["list","string"])");
  EXPECT_EQ(Type::set(Type::number()).to_json(), R"(["set","number"])");
  EXPECT_EQ(Type::map(Type::list(Type::boolean())).to_json(), R"(["map",["list","bool"]])");
  Type obj = Type::object({{"zeta", Type::string()}, {"alpha", Type::number()}});
  EXPECT_EQ(obj.to_json(), R"(["object",{"alpha":"number","zeta":"string"}])");
  Type opt = Type::object({{"b", Type::string()}, {"a", Type::number()}}, {"b", "a"});
  EXPECT_EQ(opt.to_json(), R"(["object",{"a":"number","b":"string"},["a","b"]])");
  EXPECT_EQ(Type::tuple({Type::string(), Type::dynamic()}).to_json(), R"(["tuple",["string","dynamic"]])");
  EXPECT_EQ(Type::tuple({}).to_json(), R"(["tuple",[]])");
  EXPECT_EQ(Type::object({}).to_json(), R"(["object",{}])");
}

TEST(CtyType, ParsesNestedTypeJson) {
  Type t = Type::from_json(
      R"(["object",{"disks":["list",["object",{"size":"number","opts":["map","string"]}]],"x":"dynamic"},["x"]])");
  ASSERT_TRUE(t.is_object());
  EXPECT_TRUE(t.is_optional_attribute("x"));
  EXPECT_FALSE(t.is_optional_attribute("disks"));
  EXPECT_EQ(t.attribute_type("disks").element_type().attribute_type("opts"), Type::map(Type::string()));
  EXPECT_TRUE(t.has_dynamic());
  EXPECT_TRUE(t.has_optional_markers());
  EXPECT_EQ(Type::from_json(t.to_json()), t);
  EXPECT_FALSE(t.without_optional_attributes().has_optional_markers());
}

TEST(CtyType, RejectsInvalidTypeJson) {
  for (const char* j : {"", "\"str\"", "[\"list\"]", "[\"list\",\"string\",\"x\"]", "[\"object\",[]]",
                        "[\"tuple\",{}]", "[\"capsule\",\"x\"]", "\"string\" x", "42", "[\"object\",{},[\"nope\"]]",
                        "[\"object\",{\"a\":\"string\",\"a\":\"number\"}]"}) {
    EXPECT_THROW(Type::from_json(j), TypeError) << j;
  }
}

TEST(CtyType, FriendlyNames) {
  EXPECT_EQ(Type::string().friendly_name(), "string");
  EXPECT_EQ(Type::list(Type::set(Type::number())).friendly_name(), "list of set of number");
  EXPECT_EQ(Type::map(Type::boolean()).friendly_name(), "map of bool");
  EXPECT_EQ(Type::object({}).friendly_name(), "object");
  EXPECT_EQ(Type::tuple({}).friendly_name(), "tuple");
  EXPECT_EQ(Type::dynamic().friendly_name(), "dynamic");
}

TEST(CtyType, EqualityAndOrdering) {
  EXPECT_EQ(Type::list(Type::string()), Type::list(Type::string()));
  EXPECT_NE(Type::list(Type::string()), Type::set(Type::string()));
  EXPECT_NE(Type::object({{"a", Type::string()}}), Type::object({{"a", Type::string()}}, {"a"}));
  EXPECT_LT(Type::string(), Type::number());
  std::map<Type, int> m;
  m[Type::list(Type::string())] = 1;
  m[Type::list(Type::number())] = 2;
  m[Type::list(Type::string())] = 3;
  EXPECT_EQ(m.size(), 2u);
  EXPECT_EQ(m[Type::list(Type::string())], 3);
}

TEST(CtyType, Conformance) {
  Type want = Type::object({{"a", Type::dynamic()}, {"b", Type::list(Type::string())}});
  EXPECT_TRUE(Type::object({{"a", Type::number()}, {"b", Type::list(Type::string())}}).conforms_to(want));
  EXPECT_FALSE(Type::object({{"a", Type::number()}}).conforms_to(want));
  EXPECT_FALSE(Type::object({{"a", Type::number()}, {"b", Type::list(Type::number())}}).conforms_to(want));
  EXPECT_TRUE(Type::tuple({Type::string()}).conforms_to(Type::dynamic()));
  EXPECT_FALSE(Type::dynamic().conforms_to(Type::string()));
}

TEST(CtyType, WrongKindAccessorsThrow) {
  EXPECT_THROW(Type::string().element_type(), TypeError);
  EXPECT_THROW(Type::list(Type::string()).attribute_types(), TypeError);
  EXPECT_THROW(Type::object({}).attribute_type("x"), TypeError);
  EXPECT_THROW(Type::object({{"a", Type::string()}}, {"b"}), TypeError);
}
