#include "provider/resources/functions/cloud_config_yaml.h"

#include <gtest/gtest.h>
#include <yaml-cpp/yaml.h>

namespace sarga::resources::functions {
namespace {

using cty::Value;

TEST(CloudConfigYaml, RendersSortedBlockYamlWithHeader) {
  Value v = Value::object({
      {"packages", Value::tuple({Value::string("nginx"), Value::string("curl")})},
      {"package_update", Value::boolean(true)},
      {"hostname", Value::string("web-01")},
  });
  EXPECT_EQ(render_cloud_config(v),
            "#cloud-config\nhostname: web-01\npackage_update: true\npackages:\n  - nginx\n  - curl\n");
}

TEST(CloudConfigYaml, QuotesWhatYamlWouldRetype) {
  Value v = Value::object({{"a", Value::string("yes")},  {"b", Value::string("0755")},
                           {"c", Value::string("")},     {"d", Value::string("2024-01-01")},
                           {"e", Value::string("null")}, {"f", Value::string("a: b")},
                           {"g", Value::string("~")},    {"h", Value::string("x # y")},
                           {"i", Value::string("*ref")}, {"j", Value::string("On")}});
  std::string out = to_yaml(v);
  EXPECT_EQ(out,
            "a: \"yes\"\nb: \"0755\"\nc: \"\"\nd: \"2024-01-01\"\ne: \"null\"\nf: \"a: b\"\n"
            "g: \"~\"\nh: \"x # y\"\ni: \"*ref\"\nj: \"On\"\n");
  YAML::Node n = YAML::Load(out);
  EXPECT_EQ(n["b"].as<std::string>(), "0755");
  EXPECT_EQ(n["f"].as<std::string>(), "a: b");
}

TEST(CloudConfigYaml, NestedStructuresAndLiteralBlocks) {
  Value file = Value::object({{"path", Value::string("/etc/motd")},
                              {"content", Value::string("line one\n  indented\n\nlast\n")},
                              {"permissions", Value::string("0644")}});
  Value v = Value::object({
      {"write_files", Value::tuple({file})},
      {"runcmd", Value::tuple({Value::tuple({Value::string("sh"), Value::string("-c")}),
                               Value::string("echo")})},
      {"count", Value::number_int(42)},
      {"empty", Value::empty_object()},
      {"none", Value::null(cty::Type::string())},
      {"script", Value::string("#!/bin/sh\necho hi")},
  });
  std::string out = render_cloud_config(v);
  EXPECT_EQ(out,
            "#cloud-config\n"
            "count: 42\n"
            "empty: {}\n"
            "none: null\n"
            "runcmd:\n  - - sh\n    - \"-c\"\n  - echo\n"
            "script: |-\n  #!/bin/sh\n  echo hi\n"
            "write_files:\n  - content: |\n      line one\n        indented\n\n      last\n"
            "    path: /etc/motd\n    permissions: \"0644\"\n");
  YAML::Node n = YAML::Load(out);
  EXPECT_EQ(n["write_files"][0]["content"].as<std::string>(), "line one\n  indented\n\nlast\n");
  EXPECT_EQ(n["script"].as<std::string>(), "#!/bin/sh\necho hi");
  EXPECT_EQ(n["runcmd"][0][1].as<std::string>(), "-c");
  EXPECT_EQ(n["count"].as<int>(), 42);
}

TEST(CloudConfigYaml, TrailingNewlinesAndLeadingSpacesSurvive) {
  for (const std::string s : {"a\n\n\n", "  lead\nx\n", "\nfirst empty\n", "tab\tin\nside"}) {
    Value v = Value::object({{"k", Value::string(s)}, {"z", Value::tuple({Value::string(s)})}});
    YAML::Node n = YAML::Load(to_yaml(v));
    EXPECT_EQ(n["k"].as<std::string>(), s) << to_yaml(v);
    EXPECT_EQ(n["z"][0].as<std::string>(), s) << to_yaml(v);
  }
}

TEST(CloudConfigYaml, MapsAndSetsAreOrdered) {
  Value m = Value::map({{"b", Value::string("2")}, {"a", Value::string("1")}});
  Value s = Value::set({Value::string("z"), Value::string("m")});
  EXPECT_EQ(to_yaml(Value::object({{"m", m}, {"s", s}})),
            "m:\n  a: \"1\"\n  b: \"2\"\ns:\n  - m\n  - z\n");
}

TEST(CloudConfigYaml, RejectsNonObjectsAndUnknowns) {
  EXPECT_THROW(render_cloud_config(Value::string("x")), CloudConfigError);
  EXPECT_THROW(render_cloud_config(Value::null(cty::Type::dynamic())), CloudConfigError);
  EXPECT_THROW(render_cloud_config(Value::object({{"a", Value::unknown(cty::Type::string())}})),
               CloudConfigError);
  EXPECT_EQ(render_cloud_config(Value::empty_object()), "#cloud-config\n{}\n");
}

}  // namespace
}  // namespace sarga::resources::functions
