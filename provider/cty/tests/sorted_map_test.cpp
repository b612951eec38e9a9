#include <gtest/gtest.h>

#include <map>

#include "provider/cty/value.h"

using namespace sarga::cty;

TEST(CtySortedMap, BehavesLikeStdMap) {
  SortedMap<int> m{{"b", 2}, {"a", 1}, {"b", 3}};  // first "b" wins, like std::map
  ASSERT_EQ(m.size(), 2u);
  EXPECT_EQ(m.begin()->first, "a");
  EXPECT_EQ(m.at("b"), 2);
  EXPECT_FALSE(m.emplace("a", 9).second);
  EXPECT_EQ(m.at("a"), 1);
  EXPECT_TRUE(m.emplace("0", 0).second);
  EXPECT_EQ(m.begin()->first, "0");
  m.insert_or_assign("a", 10);
  EXPECT_EQ(m.at("a"), 10);
  m["z"] = 26;
  EXPECT_EQ(m.rbegin()->second, 26);
  EXPECT_EQ(m.count("z"), 1u);
  EXPECT_TRUE(m.contains("0"));
  EXPECT_EQ(m.erase("0"), 1u);
  EXPECT_EQ(m.erase("0"), 0u);
  EXPECT_EQ(m.find("nope"), m.end());
  EXPECT_THROW(m.at("nope"), std::out_of_range);
  std::string keys;
  for (const auto& [k, v] : m) keys += k;
  EXPECT_EQ(keys, "abz");
  std::map<std::string, int> std_map{{"y", 1}, {"x", 2}};
  SortedMap<int> converted = std_map;
  EXPECT_EQ(converted.begin()->first, "x");
}

TEST(CtySortedMap, EditAndRebuildAnObject) {
  Value v = Value::object({{"a", Value::string("x")}, {"b", Value::number_int(1)}});
  Value::Attributes attrs = v.attributes();
  auto it = attrs.find("b");
  ASSERT_NE(it, attrs.end());
  it->second = Value::number_int(2);
  Value edited = Value::object(std::move(attrs));
  EXPECT_EQ(edited.attribute("b").as_int64(), 2);
  EXPECT_EQ(v.attribute("b").as_int64(), 1);  // values are immutable
}
