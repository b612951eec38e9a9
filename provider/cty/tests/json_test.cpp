#include <gtest/gtest.h>

#include "provider/cty/json.h"

using namespace sarga::cty;

namespace {

std::string decode_error(std::string_view json, const Type& t) {
  try {
    return "no error, got " + from_json(json, t).debug_string();
  } catch (const DecodeError& e) {
    return e.what();
  }
}

}  // namespace

TEST(CtyJson, EncodesLikeGoCty) {
  Type t = Type::object({{"s", Type::string()}, {"n", Type::number()}, {"l", Type::list(Type::number())},
                         {"m", Type::map(Type::boolean())}, {"z", Type::set(Type::string())}});
  Value v = Value::object({{"s", Value::string("a<b>&\"\n\x01")},
                           {"n", Value::number_parse("0.1")},
                           {"l", Value::list({Value::number_int(1), Value::number_float(2.5)})},
                           {"m", Value::map({{"y", Value::boolean(true)}, {"x", Value::boolean(false)}})},
                           {"z", Value::null(Type::set(Type::string()))}});
  EXPECT_EQ(to_json(v, t),
            R"({"l":[1,2.5],"m":{"x":false,"y":true},"n":0.1,"s":"a\u003cb\u003e\u0026\"\n\u0001","z":null})");
  EXPECT_EQ(from_json(to_json(v, t), t), v);
}

TEST(CtyJson, BigAndPreciseNumbersRoundTrip) {
  for (const char* n : {"9007199254740993", "-9223372036854775808", "18446744073709551616",
                        "123456789012345678901234567890.123456789", "0.000000000000000000000000001"}) {
    Value v = from_json(n, Type::number());
    EXPECT_EQ(to_json(v, Type::number()), n);
  }
  std::string big = "1" + std::string(400, '0');
  EXPECT_EQ(to_json(from_json("1e400", Type::number()), Type::number()), big);
  EXPECT_EQ(to_json(Value::number_int(-42), Type::number()), "-42");
}

TEST(CtyJson, DynamicWrapper) {
  Type t = Type::object({{"d", Type::dynamic()}});
  Value v = Value::object({{"d", Value::list({Value::string("x")})}});
  EXPECT_EQ(to_json(v, t), R"({"d":{"value":["x"],"type":["list","string"]}})");
  EXPECT_EQ(from_json(R"({"d":{"type":["list","string"],"value":["x"]}})", t), v);
  EXPECT_EQ(from_json(R"({"d":null})", t), Value::object({{"d", Value::null(Type::dynamic())}}));
  EXPECT_EQ(decode_error(R"({"d":{"value":1}})", t), "d: missing type in dynamically-typed value");
  EXPECT_EQ(decode_error(R"({"d":{"type":"number","value":1,"x":2}})", t),
            "d: invalid key \"x\" in dynamically-typed value");
}

TEST(CtyJson, LenientDecoding) {
  Type t = Type::object({{"a", Type::string()}, {"n", Type::number()}, {"b", Type::boolean()}, {"gone", Type::string()}});
  Value v = from_json(R"({"a":12.50,"n":"42","b":"true"})", t);
  EXPECT_EQ(v.attribute("a").as_string(), "12.50");
  EXPECT_EQ(v.attribute("n").as_int64(), 42);
  EXPECT_TRUE(v.attribute("b").as_bool());
  EXPECT_TRUE(v.attribute("gone").is_null());
  EXPECT_EQ(from_json(R"({"a":true})", t).attribute("a").as_string(), "true");
}

TEST(CtyJson, Errors) {
  Type t = Type::object({{"list", Type::list(Type::number())}});
  EXPECT_EQ(decode_error(R"({"list":[1,"x"]})", t).rfind("list[1]: number is required", 0), 0u);
  EXPECT_EQ(decode_error(R"({"other":1})", t), "unsupported attribute \"other\"");
  EXPECT_EQ(decode_error(R"({"list":{}})", t), "list: need JSON array for list");
  EXPECT_EQ(decode_error(R"([1])", Type::tuple({Type::number(), Type::number()})), "not enough tuple elements (need 2)");
  EXPECT_NE(decode_error(R"({"list":[1,)", t).find("invalid JSON at byte"), std::string::npos);
  EXPECT_NE(decode_error(R"("a" "b")", Type::string()).find("after the JSON value"), std::string::npos);
  try {
    to_json(Value::object({{"list", Value::list({Value::unknown(Type::number())})}}), t);
    FAIL() << "expected EncodeError";
  } catch (const EncodeError& e) {
    EXPECT_STREQ(e.what(), "list[0]: value is not known");
  }
}

TEST(CtyJson, StringsAndEscapes) {
  EXPECT_EQ(from_json(R"("\u00e9\ud83d\ude00\n")", Type::string()).as_string(), "\xc3\xa9\xf0\x9f\x98\x80\n");
  EXPECT_EQ(to_json(Value::string("\xe2\x80\xa8"), Type::string()), R"("\u2028")");
  EXPECT_EQ(to_json(Value::string("\b\f\t"), Type::string()), R"("\b\f\t")");
  EXPECT_EQ(to_json(Value::string("bad\xff"), Type::string()), R"("bad\ufffd")");
}

TEST(CtyJson, ImpliedType) {
  EXPECT_EQ(implied_type_from_json(R"({"a":1,"b":["x",true],"c":null,"d":{}})"),
            Type::object({{"a", Type::number()},
                          {"b", Type::tuple({Type::string(), Type::boolean()})},
                          {"c", Type::dynamic()},
                          {"d", Type::object({})}}));
  EXPECT_THROW(implied_type_from_json("{"), DecodeError);
}

TEST(CtyJson, CollectionsAndEmptyValues) {
  Type obj = Type::object({{"n", Type::number()}});
  Type t = Type::object({{"s", Type::set(obj)}, {"l", Type::list(Type::string())}, {"m", Type::map(Type::string())},
                         {"t", Type::tuple({Type::string(), Type::dynamic()})}});
  Value v = from_json(R"({"s":[{"n":2},{"n":1},{"n":2}],"l":[],"m":{},"t":["a",{"value":true,"type":"bool"}]})", t);
  EXPECT_EQ(v.attribute("s").length(), 2u);  // duplicates merge
  EXPECT_EQ(v.attribute("l"), Value::list(Type::string(), {}));
  EXPECT_EQ(v.attribute("m"), Value::map(Type::string(), {}));
  EXPECT_EQ(v.attribute("t").element(1), Value::boolean(true));
  EXPECT_EQ(to_json(v, t), R"({"l":[],"m":{},"s":[{"n":1},{"n":2}],"t":["a",{"value":true,"type":"bool"}]})");
  EXPECT_EQ(to_json(Value::null(t), t), "null");
  EXPECT_EQ(to_json(Value::null(Type::string()), Type::dynamic()), R"({"value":null,"type":"string"})");
}

TEST(CtyJson, CanIgnoreUndefinedAttributesForOldState) {
  Type t = Type::object({{"keep", Type::string()}, {"nested", Type::object({{"a", Type::number()}})}});
  std::string old_state = R"({"keep":"x","gone":1,"nested":{"a":1,"old":true}})";
  EXPECT_EQ(decode_error(old_state, t), "unsupported attribute \"gone\"");
  Value v = from_json(old_state, t, JsonDecodeOptions{.ignore_undefined_attributes = true});
  EXPECT_EQ(v, Value::object({{"keep", Value::string("x")}, {"nested", Value::object({{"a", Value::number_int(1)}})}}));
}
