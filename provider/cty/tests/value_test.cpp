#include <gtest/gtest.h>

#include "provider/cty/value.h"

using namespace sarga::cty;

TEST(CtyValue, NullUnknownKnown) {
  Value n = Value::null(Type::string());
  Value u = Value::unknown(Type::string());
  Value k = Value::string("x");
  EXPECT_TRUE(n.is_null());
  EXPECT_TRUE(n.is_known());
  EXPECT_TRUE(n.is_wholly_known());
  EXPECT_FALSE(u.is_null());
  EXPECT_FALSE(u.is_known());
  EXPECT_FALSE(k.is_null());
  EXPECT_EQ(k.as_string(), "x");
  EXPECT_NE(n, u);
  EXPECT_NE(n, Value::null(Type::number()));
  EXPECT_EQ(u, Value::unknown(Type::string()));
  EXPECT_THROW(n.as_string(), ValueError);
  EXPECT_THROW(u.as_string(), ValueError);
  EXPECT_THROW(k.as_bool(), ValueError);
  EXPECT_TRUE(Value().is_null());
  EXPECT_TRUE(Value().type().is_dynamic());
}

TEST(CtyValue, ObjectTypeComesFromAttributes) {
  Value o = Value::object({{"name", Value::string("vm")}, {"size", Value::number_int(8)},
                           {"tags", Value::null(Type::map(Type::string()))}});
  EXPECT_EQ(o.type(), Type::object({{"name", Type::string()}, {"size", Type::number()},
                                    {"tags", Type::map(Type::string())}}));
  EXPECT_EQ(o.attribute("size").as_int64(), 8);
  EXPECT_EQ(o.find_attribute("nope"), nullptr);
  EXPECT_THROW(o.attribute("nope"), ValueError);
  EXPECT_EQ(o.length(), 3u);
  EXPECT_TRUE(o.is_wholly_known());
  Value partly = Value::object({{"id", Value::unknown(Type::string())}});
  EXPECT_TRUE(partly.is_known());
  EXPECT_FALSE(partly.is_wholly_known());
  EXPECT_EQ(Value::empty_object().type(), Type::object({}));
}

TEST(CtyValue, Collections) {
  Value l = Value::list({Value::string("a"), Value::string("b")});
  EXPECT_EQ(l.type(), Type::list(Type::string()));
  EXPECT_EQ(l.element(1).as_string(), "b");
  EXPECT_THROW(l.element(2), ValueError);
  Value empty = Value::list(Type::number(), {});
  EXPECT_EQ(empty.type(), Type::list(Type::number()));
  EXPECT_EQ(empty.length(), 0u);
  EXPECT_NE(empty, Value::null(Type::list(Type::number())));
  EXPECT_THROW(Value::list({Value::string("a"), Value::number_int(1)}), ValueError);
  EXPECT_THROW(Value::list(Type::string(), {Value::number_int(1)}), ValueError);
  EXPECT_THROW(Value::list(Value::Elements{}), ValueError);
  // A dynamic element type takes the elements' concrete type.
  EXPECT_EQ(Value::list(Type::dynamic(), {Value::boolean(true)}).type(), Type::list(Type::boolean()));
  Value m = Value::map({{"b", Value::number_int(2)}, {"a", Value::number_int(1)}});
  EXPECT_EQ(m.map_elements().begin()->first, "a");
  EXPECT_EQ(m.map_element("b").as_int64(), 2);
  Value t = Value::tuple({Value::string("x"), Value::number_int(1)});
  EXPECT_EQ(t.type(), Type::tuple({Type::string(), Type::number()}));
}

TEST(CtyValue, SetsAreCanonical) {
  Value a = Value::set({Value::string("b"), Value::string("a"), Value::string("b")});
  Value b = Value::set({Value::string("a"), Value::string("b")});
  EXPECT_EQ(a, b);
  ASSERT_EQ(a.length(), 2u);
  EXPECT_EQ(a.elements()[0].as_string(), "a");
  // Unknown elements never merge (as in go-cty); nulls do.
  Value u = Value::set({Value::unknown(Type::string()), Value::unknown(Type::string()), Value::string("a")});
  EXPECT_EQ(u.length(), 3u);
  EXPECT_FALSE(u.is_wholly_known());
  Value n = Value::set({Value::null(Type::string()), Value::null(Type::string())});
  EXPECT_EQ(n.length(), 1u);
  Value objs = Value::set({Value::object({{"n", Value::number_int(2)}}), Value::object({{"n", Value::number_int(1)}}),
                           Value::object({{"n", Value::number_int(2)}})});
  EXPECT_EQ(objs.length(), 2u);
  EXPECT_EQ(objs.elements()[0].attribute("n").as_int64(), 1);
}

TEST(CtyValue, NumbersAndStrings) {
  EXPECT_EQ(Value::number_parse("9007199254740993").as_number().to_string(), "9007199254740993");
  EXPECT_EQ(Value::number_float(1.5), Value::number_parse("1.5"));
  EXPECT_THROW(Value::number_parse("x"), ValueError);
  EXPECT_THROW(Value::number_int(1).as_string(), ValueError);
  EXPECT_THROW(Value::number_float(1.5).as_int64(), ValueError);
  EXPECT_DOUBLE_EQ(Value::number_parse("0.25").as_double(), 0.25);
  // Strings are NFC-normalised like go-cty: "e" + combining acute becomes U+00E9.
  EXPECT_EQ(Value::string("e\xcc\x81").as_string(), "\xc3\xa9");
  EXPECT_EQ(Value::string("plain"), Value::string("plain"));
}

TEST(CtyValue, NfcKeepsComposedAndInvalidTextAsItIs) {
  // Hangul jamo compose into one syllable; already composed text and text outside the BMP
  // pass through; bytes that are not UTF-8 are kept, not replaced.
  EXPECT_EQ(Value::string("\xe1\x84\x80\xe1\x85\xa1").as_string(), "\xea\xb0\x80");
  EXPECT_EQ(Value::string("caf\xc3\xa9 \xf0\x9f\x90\xa7").as_string(), "caf\xc3\xa9 \xf0\x9f\x90\xa7");
  EXPECT_EQ(Value::string("bad \xff\xfe").as_string(), "bad \xff\xfe");
  EXPECT_EQ(Value::string("A\xcc\x8a\xcc\x81").as_string(), "\xc7\xba");
}

TEST(CtyValue, PathLookup) {
  Value v = Value::object({{"part", Value::list({Value::object({{"content", Value::string("hi")}})})},
                           {"tags", Value::map({{"env", Value::string("prod")}})}});
  EXPECT_EQ(v.at(Path().attribute("part").index(0).attribute("content"))->as_string(), "hi");
  EXPECT_EQ(v.at(Path().attribute("tags").key("env"))->as_string(), "prod");
  EXPECT_FALSE(v.at(Path().attribute("part").index(1)));
  EXPECT_FALSE(v.at(Path().attribute("nope")));
  EXPECT_FALSE(v.at(Path().attribute("tags").index(0)));
  EXPECT_EQ(*v.at(Path()), v);
}

TEST(CtyValue, WalkAndTransform) {
  Value v = Value::object({{"a", Value::string("x")}, {"b", Value::list({Value::unknown(Type::number())})}});
  std::vector<std::string> seen;
  walk(v, [&](const Path& p, const Value&) {
    seen.push_back(p.to_string());
    return true;
  });
  EXPECT_EQ(seen, (std::vector<std::string>{"", "a", "b", "b[0]"}));
  Value replaced = transform(v, [](const Path&, const Value& x) {
    return x.is_known() ? x : Value::number_int(7);
  });
  EXPECT_TRUE(replaced.is_wholly_known());
  EXPECT_EQ(replaced.at(Path().attribute("b").index(0))->as_int64(), 7);
  EXPECT_EQ(replaced.attribute("a").as_string(), "x");
}

TEST(CtyValue, DebugString) {
  Value v = Value::object({{"a", Value::string("x")}, {"n", Value::number_int(5)}, {"u", Value::unknown(Type::string())},
                           {"z", Value::null(Type::boolean())}});
  EXPECT_EQ(v.debug_string(), R"({"a" = "x", "n" = 5, "u" = (unknown string), "z" = null})");
}

TEST(CtyValue, TransformRebuildsSetsAndMaps) {
  Value v = Value::object({{"s", Value::set({Value::string("b"), Value::string("a")})},
                           {"m", Value::map({{"k", Value::string("v")}})}});
  std::vector<std::string> paths;
  Value upper = transform(v, [&](const Path& p, const Value& x) {
    paths.push_back(p.to_string());
    if (x.type() == Type::string() && x.is_known() && !x.is_null()) return Value::string(x.as_string() + "!");
    return x;
  });
  EXPECT_EQ(upper.attribute("m").map_element("k").as_string(), "v!");
  EXPECT_EQ(upper.attribute("s"), Value::set({Value::string("a!"), Value::string("b!")}));
  // Children come before their parent; set elements are named by canonical position.
  EXPECT_EQ(paths, (std::vector<std::string>{"m[\"k\"]", "m", "s[0]", "s[1]", "s", ""}));
  // A transform that changes an element's type breaks the collection: reported, not hidden.
  EXPECT_THROW(transform(Value::list({Value::string("a"), Value::string("b")}),
                         [](const Path& p, const Value& x) {
                           return p.to_string() == "[0]" ? Value::number_int(1) : x;
                         }),
               ValueError);
}
