#include "lib/cloudinit/path.h"

#include <gtest/gtest.h>

namespace sarga::cloudinit {
namespace {

TEST(Path, PrintsLikeHclReferences) {
  EXPECT_EQ(Path().to_string(), "");
  EXPECT_EQ(Path().attribute("network_config").to_string(), "network_config");
  EXPECT_EQ(Path().attribute("part").index(1).attribute("content").to_string(), "part[1].content");
  EXPECT_EQ(Path().attribute("meta_data").key("env \"x\"").to_string(), "meta_data[\"env \\\"x\\\"\"]");
  EXPECT_EQ(Path().attribute("not an identifier").to_string(), "[\"not an identifier\"]");
}

TEST(Path, StepsKeepKindsForConversion) {
  Path p = Path().attribute("part").index(2).key("k");
  ASSERT_EQ(p.steps().size(), 3u);
  EXPECT_EQ(p.steps()[0].kind, PathStep::Kind::attribute);
  EXPECT_EQ(p.steps()[1].kind, PathStep::Kind::index);
  EXPECT_EQ(p.steps()[1].index, 2);
  EXPECT_EQ(p.steps()[2].kind, PathStep::Kind::key);
  EXPECT_EQ(p.steps()[2].name, "k");
  EXPECT_EQ(p, Path().attribute("part").index(2).key("k"));
  EXPECT_NE(p, Path().attribute("part").index(3).key("k"));
}

}  // namespace
}  // namespace sarga::cloudinit
