#include <gtest/gtest.h>

#include "provider/cty/error.h"
#include "provider/cty/path.h"

using namespace sarga::cty;

TEST(CtyPath, ReadableText) {
  EXPECT_EQ(Path().to_string(), "");
  EXPECT_EQ(Path().attribute("network_config").to_string(), "network_config");
  EXPECT_EQ(Path().attribute("part").index(0).attribute("content").to_string(), "part[0].content");
  EXPECT_EQ(Path().attribute("tags").key("env").to_string(), "tags[\"env\"]");
  EXPECT_EQ(Path().attribute("odd name").to_string(), "[\"odd name\"]");
  EXPECT_EQ(Path().attribute("m").key("a\"b").to_string(), "m[\"a\\\"b\"]");
  EXPECT_EQ(Path().attribute("m").key("<\xc3\xa9>\n").to_string(), "m[\"<\xc3\xa9>\\n\"]");
}

TEST(CtyPath, StepsAndEquality) {
  Path p = Path().attribute("a").key("k").index(3);
  ASSERT_EQ(p.size(), 3u);
  EXPECT_EQ(p.steps()[0].kind, PathStep::Kind::Attribute);
  EXPECT_EQ(p.steps()[1].kind, PathStep::Kind::ElementKeyString);
  EXPECT_EQ(p.steps()[2].kind, PathStep::Kind::ElementKeyInt);
  EXPECT_EQ(p.steps()[2].index, 3);
  EXPECT_EQ(p, Path({PathStep::attribute("a"), PathStep::key("k"), PathStep::index_of(3)}));
  EXPECT_NE(p, Path().attribute("a"));
  Path q = p;
  q.pop();
  EXPECT_EQ(q.to_string(), "a[\"k\"]");
}

TEST(CtyPath, ErrorsCarryThePath) {
  DecodeError e(Path().attribute("disk").index(1), "number is required");
  EXPECT_STREQ(e.what(), "disk[1]: number is required");
  EXPECT_EQ(e.message(), "number is required");
  EXPECT_EQ(e.path().to_string(), "disk[1]");
  EXPECT_STREQ(DecodeError(Path(), "bad").what(), "bad");
}
