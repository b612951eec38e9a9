// Blocks decode into the typed spec: defaults, every step and output kind, only/except,
// one BuildSpec per build x source.
#include <gtest/gtest.h>

#include "builder/template/tests/test_util.h"

using namespace sarga::tmpl;
using namespace sarga::tmpl::testing;

namespace {

std::vector<BuildSpec> load(const std::string& text) { return load_template_text(text, "/t/d/x.pkr.hcl", false); }

}  // namespace

TEST(Decode, DefaultsOfEveryStepAndOutput) {
  auto specs = load(R"(
source "mmdebstrap" "d" {
  suite = "bookworm"
}
build {
  sources = ["source.mmdebstrap.d"]
  provisioner "packages" {}
  provisioner "hardening" {}
  provisioner "cloud_init" {}
  provisioner "cleanup" {}
  post-processor "lxc-template" {}
  post-processor "manifest" {}
  post-processor "sbom" {}
}
)");
  ASSERT_EQ(specs.size(), 1u);
  const BuildSpec& b = specs[0];
  EXPECT_EQ(b.name, "d");
  EXPECT_EQ(b.full_name, "mmdebstrap.d");
  EXPECT_EQ(b.template_dir, "/t/d");
  const auto& m = b.source.mmdebstrap;
  EXPECT_EQ(m.variant, "minbase");
  EXPECT_EQ(m.components, std::vector<std::string>{"main"});
  EXPECT_EQ(m.mirror, "http://deb.debian.org/debian");
  EXPECT_EQ(m.architecture, "amd64");
  EXPECT_FALSE(m.source_date_epoch.has_value());
  ASSERT_EQ(b.steps.size(), 4u);
  EXPECT_EQ(b.steps[0].kind, StepKind::packages);
  EXPECT_TRUE(std::get<PackagesSettings>(b.steps[0].settings).update);
  EXPECT_FALSE(std::get<PackagesSettings>(b.steps[0].settings).upgrade);
  EXPECT_EQ(std::get<HardeningSettings>(b.steps[1].settings).profile, "lxc-baseline");
  EXPECT_TRUE(std::get<HardeningSettings>(b.steps[1].settings).verify);
  EXPECT_EQ(std::get<CloudInitSettings>(b.steps[2].settings).datasources,
            (std::vector<std::string>{"NoCloud", "ConfigDrive"}));
  EXPECT_TRUE(std::get<CleanupSettings>(b.steps[3].settings).machine_id);
  ASSERT_EQ(b.outputs.size(), 3u);
  EXPECT_EQ(std::get<LxcTemplateSettings>(b.outputs[0].settings).format, Compression::zst);
  EXPECT_EQ(std::get<ManifestSettings>(b.outputs[1].settings).output, "manifest.json");
  EXPECT_EQ(std::get<SbomSettings>(b.outputs[2].settings).output, "sbom.spdx.json");
  EXPECT_EQ(b.steps[2].location.str(), "/t/d/x.pkr.hcl:9:3");
}

TEST(Decode, StepsKeepTemplateOrderAndTheirSettings) {
  auto specs = load_template(data_dir() + "/full.pkr.hcl");
  const BuildSpec& b = specs.at(0);
  std::vector<StepKind> kinds;
  for (const auto& s : b.steps) kinds.push_back(s.kind);
  EXPECT_EQ(kinds, (std::vector<StepKind>{StepKind::packages, StepKind::files, StepKind::shell, StepKind::hardening,
                                          StepKind::cloud_init, StepKind::cleanup}));
  const auto& files = std::get<FilesSettings>(b.steps[1].settings);
  ASSERT_EQ(files.entries.size(), 3u);
  EXPECT_EQ(files.entries[0].source, data_dir() + "/files/issue.net");
  EXPECT_EQ(files.entries[0].mode, 0644u);
  EXPECT_EQ(files.entries[1].content, "Welcome to debian-bookworm-hardened\n  built by sarga\n");
  EXPECT_EQ(files.entries[1].mode, 0600u);
  EXPECT_EQ(files.entries[1].owner, "0");
  EXPECT_EQ(files.entries[2].content, "suite=bookworm name=debian-bookworm-hardened\n");
  EXPECT_TRUE(files.entries[2].source.empty());
  const auto& shell = std::get<ShellSettings>(b.steps[2].settings);
  EXPECT_EQ(b.steps[2].name, "setup");
  EXPECT_EQ(shell.inline_commands,
            (std::vector<std::string>{"echo \"debian-bookworm-hardened_1.2\"", "echo ${HOME} 100%{x}"}));
  EXPECT_EQ(shell.scripts, std::vector<std::string>{data_dir() + "/scripts/setup.sh"});
  EXPECT_EQ(shell.environment.at("LANG"), "C.UTF-8");
  EXPECT_EQ(shell.environment.at("DEBIAN_FRONTEND"), "noninteractive");
  const auto& px = std::get<ProxmoxSettings>(b.outputs.at(3).settings);
  EXPECT_EQ(px.endpoint, "https://127.0.0.1:8006");
  EXPECT_EQ(px.token, "root@pam!ci=00000000-1111-2222-3333-444444444444");
  EXPECT_EQ(px.keep, 3);
  EXPECT_FALSE(px.insecure);
  EXPECT_EQ(std::get<LxcTemplateSettings>(b.outputs.at(0).settings).format, Compression::xz);
}

TEST(Decode, OneSpecPerSourceWithOnlyAndExcept) {
  auto specs = load(R"(
source "rootfs" "a" {
  path = "/srv/a"
}
source "rootfs" "b" {
  path = "/srv/b.tar.zst"
}
build {
  name    = "ci"
  sources = ["source.rootfs.a", "rootfs.b"]
  provisioner "shell" {
    inline = ["echo a"]
    only   = ["a"]
  }
  provisioner "shell" {
    inline = ["echo not b"]
    except = ["rootfs.b"]
  }
  provisioner "shell" {
    inline = ["echo all"]
  }
  post-processor "sbom" {
    only = ["source.rootfs.b"]
  }
}
)");
  ASSERT_EQ(specs.size(), 2u);
  EXPECT_EQ(specs[0].name, "ci.a");
  EXPECT_EQ(specs[0].full_name, "ci.rootfs.a");
  EXPECT_EQ(specs[1].name, "ci.b");
  EXPECT_EQ(specs[0].steps.size(), 3u);
  EXPECT_EQ(specs[1].steps.size(), 1u);
  EXPECT_EQ(std::get<ShellSettings>(specs[1].steps[0].settings).inline_commands[0], "echo all");
  EXPECT_TRUE(specs[0].outputs.empty());
  EXPECT_EQ(specs[1].outputs.size(), 1u);
}

TEST(Decode, SingleSourceBuildTakesTheBuildName) {
  auto specs = load("source \"rootfs\" \"a\" {\n  path = \"/srv/a\"\n}\nbuild {\n  name = \"web\"\n  sources = [\"rootfs.a\"]\n}\n");
  EXPECT_EQ(specs.at(0).name, "web");
  EXPECT_EQ(specs.at(0).full_name, "web.rootfs.a");
}

TEST(Decode, ProxmoxRejectsPlainHttpAndMalformedToken) {
  std::string base = "source \"rootfs\" \"a\" {\n  path = \"/srv/a\"\n}\nbuild {\n  sources = [\"rootfs.a\"]\n"
                     "  post-processor \"proxmox\" {\n    node = \"n\"\n";
  EXPECT_NE(error_of(base + "    endpoint = \"http://h:8006\"\n    token = \"a@pam!t=s\"\n  }\n}\n")
                .find("attribute \"endpoint\" must be an https:// URL, got \"http://h:8006\""),
            std::string::npos);
  try {
    load_template_text(base + "    endpoint = \"https://h:8006\"\n    token = var.t\n  }\n}\n" +
                           "variable \"t\" {\n  default = \"secretvalue\"\n}\n",
                       "/t/p.pkr.hcl", false);
    FAIL() << "no error";
  } catch (const TemplateError& e) {
    EXPECT_EQ(e.message(), "attribute \"token\" must look like user@realm!tokenid=secret");
    // Neither the message nor the excerpt (which shows "var.t") holds the value.
    EXPECT_EQ(std::string(e.what()).find("secretvalue"), std::string::npos) << e.what();
  }
}
