// The HCL and JSON spellings of the same template give equal specs.
#include <gtest/gtest.h>

#include <cstdlib>

#include "builder/template/describe.h"
#include "builder/template/tests/test_util.h"

using namespace sarga::tmpl;
using namespace sarga::tmpl::testing;
using json = nlohmann::json;

namespace {

// The describe view plus what it leaves out (file contents, extra_config), minus
// locations (which differ between the two files by nature).
json comparable(const BuildSpec& spec) {
  json j = describe_json(spec);
  j.erase("template");
  j.erase("location");
  j["source"].erase("location");
  for (auto& s : j["steps"]) s.erase("location");
  for (auto& o : j["outputs"]) o.erase("location");
  json contents = json::array();
  for (const auto& step : spec.steps)
    if (const auto* files = std::get_if<FilesSettings>(&step.settings))
      for (const auto& f : files->entries) contents.push_back(f.content ? json(*f.content) : json(f.source));
  j["contents"] = contents;
  j["locals"] = spec.locals;
  j["sensitive_values"] = spec.sensitive_values;
  return j;
}

}  // namespace

TEST(Equivalence, FullTemplateHclEqualsJson) {
  setenv("SARGA_TEST_HOME", "/home/tester", 1);
  auto hcl = load_template(data_dir() + "/full.pkr.hcl");
  auto js = load_template(data_dir() + "/full.pkr.json");
  ASSERT_EQ(hcl.size(), 1u);
  ASSERT_EQ(js.size(), 1u);
  EXPECT_EQ(comparable(hcl[0]).dump(1), comparable(js[0]).dump(1));
  // And the values are the ones written, not merely equal.
  EXPECT_EQ(hcl[0].variables.at("home").value, "/home/tester");
  EXPECT_EQ(hcl[0].locals.at("label"), "debian-bookworm-hardened_1.2");
}

TEST(Equivalence, SameWithOverrides) {
  auto hcl = load_template(data_dir() + "/full.pkr.hcl", {{"suite", "trixie"}, {"keep", "7"}});
  auto js = load_template(data_dir() + "/full.pkr.json", {{"suite", "trixie"}, {"keep", "7"}});
  EXPECT_EQ(comparable(hcl[0]).dump(1), comparable(js[0]).dump(1));
  EXPECT_EQ(std::get<ProxmoxSettings>(js[0].outputs.at(3).settings).keep, 7);
}

TEST(Equivalence, JsonLocationsPointIntoTheJsonFile) {
  auto js = load_template(data_dir() + "/full.pkr.json");
  EXPECT_EQ(js[0].steps.at(0).location.line, 48);  // the "packages" key
  EXPECT_EQ(js[0].source.location.line, 28);  // the "mmdebstrap" key
}
