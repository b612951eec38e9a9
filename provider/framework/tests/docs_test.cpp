// Docs generation from the schema, and the staleness check CI runs.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "provider/framework/docs.h"
#include "provider/framework/tests/fake_resource.h"

namespace sarga::framework::testing {
namespace {

namespace fs = std::filesystem;

fs::path temp_dir(const std::string& name) {
  fs::path p = fs::temp_directory_path() / ("sarga-docs-test-" + name + "-" + std::to_string(::getpid()));
  fs::remove_all(p);
  fs::create_directories(p);
  return p;
}

TEST(Docs, ResourcePageGroupsArguments) {
  FakeProvider fp;
  fs::path examples = temp_dir("examples");
  fs::create_directories(examples / "fake");
  std::ofstream(examples / "fake" / "main.tf") << "resource \"sarga_fake\" \"x\" {\n  name = \"a\"\n}\n";
  auto files = docs::render(fp.provider, examples.string());
  ASSERT_EQ(files.count("resources/fake.md"), 1u);
  ASSERT_EQ(files.count("data-sources/fake_info.md"), 1u);
  ASSERT_EQ(files.count("ephemeral-resources/fake_token.md"), 1u);
  ASSERT_EQ(files.count("functions/shout.md"), 1u);
  ASSERT_EQ(files.count("index.md"), 1u);
  const std::string& page = files.at("resources/fake.md");
  auto req = page.find("### Required"), opt = page.find("### Optional"), ro = page.find("### Read-Only");
  ASSERT_NE(req, std::string::npos);
  ASSERT_NE(opt, std::string::npos);
  ASSERT_NE(ro, std::string::npos);
  EXPECT_LT(req, opt);
  EXPECT_LT(opt, ro);
  EXPECT_NE(page.find("- `name` (String) Name."), std::string::npos) << page;
  EXPECT_NE(page.find("- `password` (String, Sensitive, Write-only)"), std::string::npos) << page;
  EXPECT_NE(page.find("Defaults to `10`."), std::string::npos);
  EXPECT_NE(page.find("Nested Schema for `disk`"), std::string::npos);
  EXPECT_NE(page.find("resource \"sarga_fake\" \"x\""), std::string::npos);  // example
  EXPECT_GT(page.find("- `serial`"), ro);
  EXPECT_NE(files.at("functions/shout.md").find("shout(text string) string"), std::string::npos);
  EXPECT_NE(files.at("index.md").find("PROXMOX_VE_API_TOKEN"), std::string::npos);
  fs::remove_all(examples);
}

TEST(Docs, CheckReportsMissingChangedAndStaleFiles) {
  FakeProvider fp;
  fs::path dir = temp_dir("check");
  auto files = docs::render(fp.provider, "");
  EXPECT_EQ(docs::check(files, dir.string()).size(), files.size());  // all missing
  EXPECT_EQ(docs::write(files, dir.string()), files.size());
  EXPECT_TRUE(docs::check(files, dir.string()).empty());
  EXPECT_EQ(docs::write(files, dir.string()), 0u);  // unchanged files are not rewritten

  std::ofstream(dir / "resources" / "fake.md", std::ios::app) << "edited by hand\n";
  std::ofstream(dir / "resources" / "removed.md") << "old\n";
  auto problems = docs::check(files, dir.string());
  ASSERT_EQ(problems.size(), 2u);
  EXPECT_NE(problems[0].find("fake.md: differs"), std::string::npos) << problems[0];
  EXPECT_NE(problems[1].find("removed.md"), std::string::npos) << problems[1];
  docs::write(files, dir.string());
  EXPECT_TRUE(docs::check(files, dir.string()).empty());
  fs::remove_all(dir);
}

}  // namespace
}  // namespace sarga::framework::testing
