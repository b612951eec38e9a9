// inspect's views: everything a build would do, and never a sensitive value.
#include <gtest/gtest.h>

#include "builder/template/describe.h"
#include "builder/template/tests/test_util.h"

using namespace sarga::tmpl;
using namespace sarga::tmpl::testing;

namespace {
const char* kSecret = "s3cr3t-token-value";
}

TEST(Describe, SensitiveValuesNeverPrinted) {
  auto specs = load_template(data_dir() + "/full.pkr.hcl", {{"pve_token", std::string("root@pam!ci=") + kSecret},
                                                            {"suite", "trixie"}});
  std::string text = describe_text(specs[0]);
  std::string js = describe_json(specs[0]).dump();
  EXPECT_EQ(text.find(kSecret), std::string::npos) << text;
  EXPECT_EQ(js.find(kSecret), std::string::npos) << js;
  EXPECT_NE(text.find("pve_token = <sensitive>"), std::string::npos) << text;
  // Non-sensitive values are shown.
  EXPECT_NE(text.find("suite: trixie"), std::string::npos) << text;
}

TEST(Describe, SensitiveValueUsedElsewhereIsMasked) {
  auto specs = load_template_text(with_build("variable \"pw\" {\n  sensitive = true\n  default = \"hunter22\"\n}\n") +
                                      "build {\n  name = \"b2\"\n  sources = [\"source.rootfs.r\"]\n"
                                      "  provisioner \"shell\" {\n    inline = [\"echo ${var.pw} | chpasswd\"]\n  }\n}\n",
                                  "/t/s.pkr.hcl", false);
  ASSERT_EQ(specs.size(), 2u);
  std::string text = describe_text(specs[1]);
  EXPECT_EQ(text.find("hunter22"), std::string::npos) << text;
  EXPECT_NE(text.find("echo <sensitive> | chpasswd"), std::string::npos) << text;
  EXPECT_EQ(redact(specs[1], "a hunter22 b hunter22"), "a <sensitive> b <sensitive>");
}

TEST(Describe, ShowsSourceStepsAndOutputs) {
  auto specs = load_template(data_dir() + "/full.pkr.hcl");
  nlohmann::json j = describe_json(specs[0]);
  EXPECT_EQ(j["build"], "debian12");
  EXPECT_EQ(j["source"]["suite"], "bookworm");
  ASSERT_EQ(j["steps"].size(), 6u);
  EXPECT_EQ(j["steps"][3]["profile"], "lxc-baseline");
  EXPECT_EQ(j["outputs"][3]["node"], "pve1");
  EXPECT_EQ(j["outputs"][3]["token"], "<sensitive>");
  std::string text = describe_text(specs[0]);
  EXPECT_NE(text.find("4. hardening"), std::string::npos) << text;
  EXPECT_NE(text.find("- proxmox"), std::string::npos) << text;
}
