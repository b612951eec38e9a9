// Byte-exact vectors written by hand from the format description (protocol.md 3.2/3.3).
#include <gtest/gtest.h>

#include "provider/cty/msgpack.h"
#include "provider/cty/tests/test_util.h"

using namespace sarga::cty;
using sarga::cty::testing::hex;
using sarga::cty::testing::to_hex;

namespace {

void expect_encoding(const Value& v, const Type& t, std::string_view want_hex) {
  std::string got = to_msgpack(v, t);
  EXPECT_EQ(to_hex(got), to_hex(hex(want_hex))) << v.debug_string();
  Value back = from_msgpack(got, t);
  EXPECT_EQ(back, v) << back.debug_string() << " vs " << v.debug_string();
}

std::string decode_error(std::string_view h, const Type& t) {
  try {
    Value v = from_msgpack(hex(h), t);
    return "no error, got " + v.debug_string();
  } catch (const DecodeError& e) {
    return e.what();
  }
}

}  // namespace

TEST(CtyMsgpack, Primitives) {
  expect_encoding(Value::string("hello"), Type::string(), "a5 68 65 6c 6c 6f");
  expect_encoding(Value::string(""), Type::string(), "a0");
  expect_encoding(Value::boolean(true), Type::boolean(), "c3");
  expect_encoding(Value::boolean(false), Type::boolean(), "c2");
  expect_encoding(Value::null(Type::string()), Type::string(), "c0");
  expect_encoding(Value::unknown(Type::string()), Type::string(), "d4 00 00");
  std::string s32(32, 'x');
  expect_encoding(Value::string(s32), Type::string(), "d9 20" + to_hex(s32));
  std::string s256(256, 'y');
  expect_encoding(Value::string(s256), Type::string(), "da 01 00" + to_hex(s256));
}

TEST(CtyMsgpack, IntegersUseTheSmallestForm) {
  expect_encoding(Value::number_int(0), Type::number(), "00");
  expect_encoding(Value::number_int(127), Type::number(), "7f");
  expect_encoding(Value::number_int(128), Type::number(), "cc 80");
  expect_encoding(Value::number_int(255), Type::number(), "cc ff");
  expect_encoding(Value::number_int(256), Type::number(), "cd 01 00");
  expect_encoding(Value::number_int(65536), Type::number(), "ce 00 01 00 00");
  expect_encoding(Value::number_int(1LL << 32), Type::number(), "cf 00 00 00 01 00 00 00 00");
  expect_encoding(Value::number_int(-1), Type::number(), "ff");
  expect_encoding(Value::number_int(-32), Type::number(), "e0");
  expect_encoding(Value::number_int(-33), Type::number(), "d0 df");
  expect_encoding(Value::number_int(-129), Type::number(), "d1 ff 7f");
  expect_encoding(Value::number_int(-32769), Type::number(), "d2 ff ff 7f ff");
  expect_encoding(Value::number_int(INT64_MIN), Type::number(), "d3 80 00 00 00 00 00 00 00");
  // 2^53 + 1 is not a double but is an int64: sent exactly as an integer.
  expect_encoding(Value::number_parse("9007199254740993"), Type::number(), "cf 00 20 00 00 00 00 00 01");
}

TEST(CtyMsgpack, FloatsAndDecimalStrings) {
  expect_encoding(Value::number_float(1.5), Type::number(), "cb 3f f8 00 00 00 00 00 00");
  expect_encoding(Value::number_float(-0.25), Type::number(), "cb bf d0 00 00 00 00 00 00");
  // 0.1 is not exact in binary: sent as the decimal string.
  expect_encoding(Value::number_parse("0.1"), Type::number(), "a3 30 2e 31");
  // 2^63 fits no int64 but is an exact double.
  expect_encoding(Value::number_uint(9223372036854775808ull), Type::number(), "cb 43 e0 00 00 00 00 00 00");
  expect_encoding(Value::number_uint(18446744073709551615ull), Type::number(),
                  "b4" + to_hex("18446744073709551615"));
  std::string big = "1" + std::string(400, '0');
  expect_encoding(Value::number_parse("1e400"), Type::number(), "da 01 91" + to_hex(big));
  expect_encoding(Value::number(Number::infinity()), Type::number(), "cb 7f f0 00 00 00 00 00 00");
}

TEST(CtyMsgpack, DecodesEveryNumberForm) {
  EXPECT_EQ(from_msgpack(hex("cc 05"), Type::number()), Value::number_int(5));
  EXPECT_EQ(from_msgpack(hex("d0 fb"), Type::number()), Value::number_int(-5));
  EXPECT_EQ(from_msgpack(hex("d1 00 05"), Type::number()), Value::number_int(5));
  EXPECT_EQ(from_msgpack(hex("cf ff ff ff ff ff ff ff ff"), Type::number()).as_number().to_string(),
            "18446744073709551615");
  EXPECT_EQ(from_msgpack(hex("ca 3f c0 00 00"), Type::number()), Value::number_float(1.5));
  EXPECT_EQ(from_msgpack(hex("cb 40 00 00 00 00 00 00 00"), Type::number()), Value::number_int(2));
  EXPECT_EQ(from_msgpack(hex("a4 31 32 2e 35"), Type::number()), Value::number_float(12.5));
  EXPECT_EQ(from_msgpack(hex("a4 31 65 2b 33"), Type::number()), Value::number_int(1000));
  EXPECT_NE(decode_error("cb 7f f8 00 00 00 00 00 00", Type::number()).find("NaN"), std::string::npos);
  EXPECT_NE(decode_error("a3 61 62 63", Type::number()).find("number is required"), std::string::npos);
}

TEST(CtyMsgpack, Collections) {
  expect_encoding(Value::list({Value::string("a"), Value::string("b")}), Type::list(Type::string()), "92 a1 61 a1 62");
  expect_encoding(Value::list(Type::string(), {}), Type::list(Type::string()), "90");
  expect_encoding(Value::set({Value::string("b"), Value::string("a"), Value::string("a")}), Type::set(Type::string()),
                  "92 a1 61 a1 62");
  expect_encoding(Value::map({{"x", Value::number_int(1)}}), Type::map(Type::number()), "81 a1 78 01");
  expect_encoding(Value::map(Type::number(), {}), Type::map(Type::number()), "80");
  expect_encoding(Value::tuple({Value::boolean(true), Value::number_int(1)}),
                  Type::tuple({Type::boolean(), Type::number()}), "92 c3 01");
  Value::Elements sixteen;
  for (int i = 0; i < 16; ++i) sixteen.push_back(Value::number_int(i));
  expect_encoding(Value::list(sixteen), Type::list(Type::number()),
                  "dc 00 10 00 01 02 03 04 05 06 07 08 09 0a 0b 0c 0d 0e 0f");
}

TEST(CtyMsgpack, UnknownsInsideCollections) {
  Type st = Type::set(Type::string());
  expect_encoding(Value::set({Value::unknown(Type::string()), Value::string("a")}), st, "92 d4 00 00 a1 61");
  expect_encoding(Value::list({Value::string("a"), Value::unknown(Type::string())}), Type::list(Type::string()),
                  "92 a1 61 d4 00 00");
  expect_encoding(Value::map({{"k", Value::unknown(Type::number())}}), Type::map(Type::number()), "81 a1 6b d4 00 00");
  // Two unknown set elements stay two elements.
  Value two = from_msgpack(hex("92 d4 00 00 d4 00 00"), st);
  EXPECT_EQ(two.length(), 2u);
  // Duplicate known set elements coalesce.
  EXPECT_EQ(from_msgpack(hex("93 a1 61 a1 61 a1 62"), st).length(), 2u);
}

TEST(CtyMsgpack, ObjectsCarryEveryAttributeSorted) {
  Type t = Type::object({{"b", Type::number()}, {"a", Type::string()}});
  expect_encoding(Value::object({{"a", Value::string("x")}, {"b", Value::null(Type::number())}}), t,
                  "82 a1 61 a1 78 a1 62 c0");
  expect_encoding(Value::null(t), t, "c0");
  expect_encoding(Value::unknown(t), t, "d4 00 00");
  expect_encoding(Value::empty_object(), Type::object({}), "80");
  // Attribute order on input does not matter.
  EXPECT_EQ(from_msgpack(hex("82 a1 62 05 a1 61 a1 78"), t),
            Value::object({{"a", Value::string("x")}, {"b", Value::number_int(5)}}));
}

TEST(CtyMsgpack, NestedOptionalObjectAttributes) {
  Type inner = Type::object({{"size", Type::number()}, {"ssd", Type::boolean()}}, {"ssd"});
  Type t = Type::object({{"disk", inner}});
  // A value missing an optional attribute encodes it as nil.
  Value v = Value::object({{"disk", Value::object({{"size", Value::number_int(8)}})}});
  EXPECT_EQ(to_hex(to_msgpack(v, t)), to_hex(hex("81 a4 64 69 73 6b 82 a4 73 69 7a 65 08 a3 73 73 64 c0")));
  // Decoding fills it in as null; the value type carries no optional markers.
  Value back = from_msgpack(to_msgpack(v, t), t);
  EXPECT_TRUE(back.at(Path().attribute("disk").attribute("ssd"))->is_null());
  EXPECT_EQ(back.type(), t.without_optional_attributes());
}

TEST(CtyMsgpack, DynamicValues) {
  Type t = Type::object({{"d", Type::dynamic()}});
  // [bin("\"string\""), "hi"]
  expect_encoding(Value::object({{"d", Value::string("hi")}}), t,
                  "81 a1 64 92 c4 08 22 73 74 72 69 6e 67 22 a2 68 69");
  // A null of a concrete type keeps the wrapper; a wholly unknown dynamic does not.
  expect_encoding(Value::object({{"d", Value::null(Type::string())}}), t,
                  "81 a1 64 92 c4 08 22 73 74 72 69 6e 67 22 c0");
  expect_encoding(Value::object({{"d", Value::unknown(Type::dynamic())}}), t, "81 a1 64 d4 00 00");
  expect_encoding(Value::object({{"d", Value::null(Type::dynamic())}}), t, "81 a1 64 c0");
  // ["list","number"] with [1, 2]
  expect_encoding(Value::list({Value::number_int(1), Value::number_int(2)}), Type::dynamic(),
                  "92 c4 11" + to_hex(R"(["list","number"])") + " 92 01 02");
  // The type JSON may also arrive as str.
  EXPECT_EQ(from_msgpack(hex("92 a6 22 62 6f 6f 6c 22 c3"), Type::dynamic()), Value::boolean(true));
  EXPECT_NE(decode_error("93 a6 22 62 6f 6f 6c 22 c3 c3", Type::dynamic()).find("2-element"), std::string::npos);
  EXPECT_NE(decode_error("92 a3 22 78 22 c3", Type::dynamic()).find("type JSON"), std::string::npos);
}

TEST(CtyMsgpack, RefinedAndOtherUnknowns) {
  // ext 12 with {1: false} (definitely not null)
  EXPECT_EQ(from_msgpack(hex("c7 03 0c 81 01 c2"), Type::string()), Value::unknown(Type::string()));
  // ext 12 with {2: "x"} as fixext4
  EXPECT_EQ(from_msgpack(hex("d6 0c 81 02 a1 78"), Type::string()), Value::unknown(Type::string()));
  // number bounds {3: [1, true]}
  EXPECT_EQ(from_msgpack(hex("c7 05 0c 81 03 92 01 c3"), Type::number()), Value::unknown(Type::number()));
  // A body that is not exactly one map is an error.
  EXPECT_NE(decode_error("d6 0c 81 03 92 01", Type::number()).find("unexpected end"), std::string::npos);
  // Any ext of length <= 1 is a plain unknown, whatever its type.
  EXPECT_EQ(from_msgpack(hex("d4 07 00"), Type::number()), Value::unknown(Type::number()));
  EXPECT_EQ(from_msgpack(hex("c7 00 05"), Type::boolean()), Value::unknown(Type::boolean()));
  // Longer ext bodies must be type 12.
  EXPECT_NE(decode_error("d6 05 81 02 a1 78", Type::string()).find("extension type 5"), std::string::npos);
  EXPECT_NE(decode_error("d5 0c a1 78", Type::string()).find("map"), std::string::npos);
  // Refinements on a dynamic value are dropped.
  EXPECT_EQ(from_msgpack(hex("c7 03 0c 81 01 c2"), Type::dynamic()), Value::unknown(Type::dynamic()));
}

TEST(CtyMsgpack, NullVersusUnknownVersusEmpty) {
  Type t = Type::list(Type::string());
  Value n = from_msgpack(hex("c0"), t);
  Value u = from_msgpack(hex("d4 00 00"), t);
  Value e = from_msgpack(hex("90"), t);
  EXPECT_TRUE(n.is_null());
  EXPECT_FALSE(u.is_known());
  EXPECT_FALSE(e.is_null());
  EXPECT_EQ(e.length(), 0u);
  EXPECT_NE(n, e);
  EXPECT_NE(n, u);
  EXPECT_NE(u, e);
}

TEST(CtyMsgpack, ErrorsNameThePath) {
  Type disk = Type::object({{"size", Type::number()}});
  Type t = Type::object({{"name", Type::string()}, {"disks", Type::list(disk)}, {"tags", Type::map(Type::string())}});
  // {"disks": [{"size": 1}, {"size": "abc"}], "name": "a", "tags": {}}
  std::string bad_number =
      "83 a5 64 69 73 6b 73 92 81 a4 73 69 7a 65 01 81 a4 73 69 7a 65 a3 61 62 63 a4 6e 61 6d 65 a1 61 a4 74 61 67 73 80";
  std::string err = decode_error(bad_number, t);
  EXPECT_EQ(err.rfind("disks[1].size: number is required", 0), 0u) << err;
  // {"disks": [], "name": 5, "tags": {}}
  EXPECT_EQ(decode_error("83 a5 64 69 73 6b 73 90 a4 6e 61 6d 65 05 a4 74 61 67 73 80", t), "name: string is required");
  // {"disks": [], "name": "a", "tags": {"env": true}}
  EXPECT_EQ(decode_error("83 a5 64 69 73 6b 73 90 a4 6e 61 6d 65 a1 61 a4 74 61 67 73 81 a3 65 6e 76 c3", t),
            "tags[\"env\"]: string is required");
  // {"disks": [], "name": "a", "extra": 1}
  EXPECT_EQ(decode_error("83 a5 64 69 73 6b 73 90 a4 6e 61 6d 65 a1 61 a5 65 78 74 72 61 01", t),
            "extra: unsupported attribute \"extra\"");
  EXPECT_EQ(decode_error("81 a4 6e 61 6d 65 a1 61", t), "an object with 3 attributes is required (1 given)");
  EXPECT_EQ(decode_error("80", t), "an object with 3 attributes is required (0 given)");
  EXPECT_EQ(decode_error("a1 61", Type::list(Type::string())), "a list is required");
  EXPECT_EQ(decode_error("91 c3", Type::set(Type::string())), "[0]: string is required");
  EXPECT_EQ(decode_error("c3", Type::number()), "number is required");
  EXPECT_EQ(decode_error("a1 61", Type::boolean()), "bool is required");
  EXPECT_EQ(decode_error("93 01 02 03", Type::tuple({Type::number()})), "a tuple of length 1 is required");
  EXPECT_EQ(decode_error("92 a1", Type::list(Type::string())), "[0]: unexpected end of msgpack data");
  EXPECT_EQ(decode_error("", Type::string()), "unexpected end of msgpack data");
  EXPECT_EQ(decode_error("a1 61 00", Type::string()), "1 unexpected trailing bytes after the value");
  EXPECT_EQ(decode_error("81 01 a1 61", Type::map(Type::string())), "map keys must be strings");
}

TEST(CtyMsgpack, MixedTypesInDynamicListAreRejected) {
  // list(dynamic) whose elements have different concrete types cannot be a list.
  std::string h = "92 92 c4 08" + to_hex("\"string\"") + " a1 61 92 c4 08" + to_hex("\"number\"") + " 01";
  EXPECT_NE(decode_error(h, Type::list(Type::dynamic())).find("inconsistent list element types"), std::string::npos);
  // The same elements fit a tuple type.
  Value v = from_msgpack(hex(h), Type::tuple({Type::dynamic(), Type::dynamic()}));
  EXPECT_EQ(v.type(), Type::tuple({Type::string(), Type::number()}));
  EXPECT_EQ(to_msgpack(v, Type::tuple({Type::dynamic(), Type::dynamic()})), hex(h));
}

TEST(CtyMsgpack, EncodeErrorsNameThePath) {
  Type t = Type::object({{"a", Type::list(Type::string())}});
  try {
    to_msgpack(Value::object({{"a", Value::list({Value::number_int(1)})}}), t);
    FAIL() << "expected EncodeError";
  } catch (const EncodeError& e) {
    EXPECT_STREQ(e.what(), "a[0]: string required, but value is number");
  }
  EXPECT_THROW(to_msgpack(Value::object({}), t), EncodeError);
  EXPECT_THROW(to_msgpack(Value::object({{"a", Value::null(Type::list(Type::string()))}, {"b", Value::boolean(true)}}), t),
               EncodeError);
}

TEST(CtyMsgpack, RoundTripsALargeNestedValue) {
  Type t = Type::object({{"items", Type::list(Type::object({{"n", Type::number()}, {"s", Type::set(Type::string())}}))},
                         {"meta", Type::dynamic()}});
  Value::Elements items;
  for (int i = 0; i < 300; ++i) {
    items.push_back(Value::object({{"n", Value::number_int(i * 1000 - 7)},
                                   {"s", Value::set({Value::string("x" + std::to_string(i % 7)), Value::string("y")})}}));
  }
  Value v = Value::object({{"items", Value::list(items)},
                           {"meta", Value::object({{"k", Value::tuple({Value::number_parse("0.1"), Value::boolean(false)})}})}});
  std::string bytes = to_msgpack(v, t);
  EXPECT_EQ(from_msgpack(bytes, t), v);
  EXPECT_EQ(to_msgpack(from_msgpack(bytes, t), t), bytes);
}

TEST(CtyMsgpack, HostileInputIsBounded) {
  // 300 nested dynamic wrappers of type "dynamic" exceed the nesting limit.
  std::string nested;
  for (int i = 0; i < 300; ++i) nested += "92 c4 09" + to_hex("\"dynamic\"");
  nested += " c0";
  EXPECT_NE(decode_error(nested, Type::dynamic()).find("nested too deeply"), std::string::npos);
  // A huge declared array length with no data fails cleanly instead of allocating.
  EXPECT_EQ(decode_error("dd ff ff ff ff", Type::list(Type::string())), "[0]: unexpected end of msgpack data");
  // Refinement bodies above 1024 bytes are rejected, as go-cty does.
  std::string body = "81 02 da 04 00" + to_hex(std::string(1024, 'x'));
  EXPECT_NE(decode_error("c8 04 05 0c " + body, Type::string()).find("1024"), std::string::npos);
  EXPECT_NE(decode_error("c1", Type::string()).find("string is required"), std::string::npos);
}

TEST(CtyMsgpack, ListOfObjectsWithDynamicAttributes) {
  // A LIST block holding a dynamic attribute is a tuple in the implied type (protocol.md 3.4).
  Type obj = Type::object({{"v", Type::dynamic()}});
  Type t = Type::tuple({obj, obj});
  Value v = Value::tuple({Value::object({{"v", Value::string("a")}}), Value::object({{"v", Value::number_int(1)}})});
  std::string bytes = to_msgpack(v, t);
  EXPECT_EQ(to_hex(bytes), to_hex(hex("92 81 a1 76 92 c4 08" + to_hex("\"string\"") + " a1 61 81 a1 76 92 c4 08" +
                                      to_hex("\"number\"") + " 01")));
  EXPECT_EQ(from_msgpack(bytes, t), v);
}
