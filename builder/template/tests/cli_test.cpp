// Runs the built sarga-build on fixtures and examples: exit codes, messages, JSON lines,
// and no sensitive value on stdout or stderr.
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <array>
#include <cstdio>
#include <filesystem>
#include <fstream>

#include <nlohmann/json.hpp>

#include "builder/template/tests/test_util.h"

using namespace sarga::tmpl::testing;

namespace {

struct CliRun {
  int code = -1;
  std::string out;  // stdout and stderr together
};

CliRun sarga_build(const std::string& args) {
  std::string exe = std::string(SARGA_BINARY_DIR) + "/builder/sarga-build";
  std::string cmd = "'" + exe + "' " + args + " 2>&1";
  CliRun r;
  FILE* p = popen(cmd.c_str(), "r");
  if (!p) return r;
  std::array<char, 4096> buf;
  size_t n;
  while ((n = fread(buf.data(), 1, buf.size(), p)) > 0) r.out.append(buf.data(), n);
  int status = pclose(p);
  r.code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return r;
}

std::string fixture(const std::string& name) { return "'" + data_dir() + "/" + name + "'"; }

}  // namespace

TEST(Cli, BinaryExists) {
  EXPECT_TRUE(std::filesystem::exists(std::string(SARGA_BINARY_DIR) + "/builder/sarga-build"));
}

TEST(Cli, Version) {
  CliRun r = sarga_build("version");
  EXPECT_EQ(r.code, 0);
  EXPECT_EQ(r.out.rfind("sarga-build ", 0), 0u) << r.out;
}

TEST(Cli, ValidateGoodTemplates) {
  CliRun hcl = sarga_build("validate " + fixture("full.pkr.hcl"));
  EXPECT_EQ(hcl.code, 0) << hcl.out;
  EXPECT_EQ(hcl.out, "The configuration is valid: 1 build (debian12)\n");
  CliRun js = sarga_build("validate -machine-readable " + fixture("full.pkr.json"));
  EXPECT_EQ(js.code, 0) << js.out;
  auto j = nlohmann::json::parse(js.out);
  EXPECT_EQ(j["type"], "valid");
  EXPECT_EQ(j["builds"], nlohmann::json::array({"debian12"}));
}

TEST(Cli, ValidateReportsTemplateErrorsWithExitCode2) {
  CliRun r = sarga_build("validate " + fixture("vars.pkr.hcl") + " -var sute=x");
  EXPECT_EQ(r.code, 2);
  EXPECT_EQ(r.out, "-var:1:1: variable \"sute\" is not declared in " + data_dir() +
                       "/vars.pkr.hcl. Did you mean \"suite\"?\n");
  CliRun bad = sarga_build("validate -var-file=" + fixture("bad.pkrvars.hcl") + " " + fixture("vars.pkr.hcl"));
  EXPECT_EQ(bad.code, 2);
  EXPECT_EQ(bad.out.rfind(data_dir() + "/bad.pkrvars.hcl:2:1: variable \"sute\" is not declared", 0), 0u) << bad.out;
  CliRun json = sarga_build("validate -machine-readable -var sute=x " + fixture("vars.pkr.hcl"));
  EXPECT_EQ(json.code, 2);
  auto first_line = nlohmann::json::parse(json.out.substr(0, json.out.find('\n')));
  EXPECT_EQ(first_line["type"], "error");
  EXPECT_EQ(first_line["file"], "-var");
}

TEST(Cli, UsageErrorsExit2) {
  EXPECT_EQ(sarga_build("").code, 2);
  EXPECT_EQ(sarga_build("frobnicate").code, 2);
  EXPECT_EQ(sarga_build("validate").code, 2);
  EXPECT_EQ(sarga_build("build --on-error=explode " + fixture("full.pkr.hcl")).code, 2);
  EXPECT_EQ(sarga_build("audit /nonexistent --profile nope").code, 2);
  EXPECT_EQ(sarga_build("--help").code, 0);
}

TEST(Cli, InspectShowsPlanWithoutSecrets) {
  const std::string secret = "c0ffee-s3cret-9f";
  CliRun r = sarga_build("inspect -var pve_token=root@pam!ci=" + secret + " " + fixture("full.pkr.hcl"));
  EXPECT_EQ(r.code, 0) << r.out;
  EXPECT_EQ(r.out.find(secret), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("3. shell \"setup\""), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("- proxmox"), std::string::npos) << r.out;
  CliRun m = sarga_build("inspect -machine-readable -var pve_token=root@pam!ci=" + secret + " " + fixture("full.pkr.hcl"));
  EXPECT_EQ(m.code, 0) << m.out;
  EXPECT_EQ(m.out.find(secret), std::string::npos) << m.out;
  auto j = nlohmann::json::parse(m.out.substr(0, m.out.find('\n')));
  EXPECT_EQ(j["type"], "build");
  EXPECT_EQ(j["variables"]["pve_token"]["value"], "<sensitive>");
  EXPECT_EQ(j["steps"].size(), 6u);
}

TEST(Cli, OnlySelectsBuildsAndRejectsUnknownNames) {
  CliRun r = sarga_build("inspect -only=nope " + fixture("full.pkr.hcl"));
  EXPECT_EQ(r.code, 2);
  EXPECT_EQ(r.out, "-only:1:1: \"nope\" matches no build (builds: debian12)\n");
  CliRun ok = sarga_build("validate -only 'debian*' " + fixture("full.pkr.hcl"));
  EXPECT_EQ(ok.code, 0) << ok.out;
}

TEST(Cli, ExampleTemplatesValidateAndInspect) {
  std::filesystem::path dir = std::string(SARGA_SOURCE_DIR) + "/examples/images";
  ASSERT_TRUE(std::filesystem::is_directory(dir));
  int n = 0;
  for (const auto& e : std::filesystem::directory_iterator(dir)) {
    std::string p = e.path().string();
    if (!p.ends_with(".pkr.hcl") && !p.ends_with(".pkr.json")) continue;
    ++n;
    CliRun v = sarga_build("validate '" + p + "'");
    EXPECT_EQ(v.code, 0) << p << "\n" << v.out;
    CliRun i = sarga_build("inspect -machine-readable '" + p + "'");
    EXPECT_EQ(i.code, 0) << p << "\n" << i.out;
  }
  EXPECT_GE(n, 1);
}

TEST(Cli, AuditOfAnEmptyTreeFailsWithAJsonReport) {
  std::filesystem::path dir = std::filesystem::temp_directory_path() / "sarga-cli-audit-empty";
  std::filesystem::create_directories(dir);
  CliRun r = sarga_build("audit --json '" + dir.string() + "'");
  EXPECT_EQ(r.code, 1) << r.out;
  auto j = nlohmann::json::parse(r.out);
  EXPECT_EQ(j["passed"], false);
  EXPECT_EQ(j["profile"], "lxc-baseline");
  std::filesystem::remove_all(dir);
}

namespace {

std::string vm_example() { return "'" + std::string(SARGA_SOURCE_DIR) + "/examples/images/debian12-vm-hardened.pkr.hcl'"; }

std::vector<std::string> output_types(const std::string& inspect_json_line) {
  std::vector<std::string> out;
  const nlohmann::json build = nlohmann::json::parse(inspect_json_line);
  for (const auto& o : build["outputs"]) out.push_back(o["type"]);
  return out;
}

}  // namespace

TEST(Cli, ExceptSkipsPostProcessorsByType) {
  // Without a token in the environment the example still loads: publishing is what needs it.
  CliRun all = sarga_build("inspect -machine-readable " + vm_example());
  ASSERT_EQ(all.code, 0) << all.out;
  EXPECT_EQ(output_types(all.out),
            (std::vector<std::string>{"disk-image", "sbom", "qemu-verify", "proxmox-vm-template", "manifest"}));
  CliRun no_publish = sarga_build("inspect -machine-readable -except proxmox-vm-template " + vm_example());
  ASSERT_EQ(no_publish.code, 0) << no_publish.out;
  EXPECT_EQ(output_types(no_publish.out), (std::vector<std::string>{"disk-image", "sbom", "qemu-verify", "manifest"}));
  // Globs and lists work as for builds; the build itself stays selected.
  CliRun two = sarga_build("inspect -machine-readable -except 'proxmox-*,sbom' " + vm_example());
  ASSERT_EQ(two.code, 0) << two.out;
  EXPECT_EQ(output_types(two.out), (std::vector<std::string>{"disk-image", "qemu-verify", "manifest"}));
  // No image: nothing to boot or publish either.
  CliRun no_image = sarga_build("inspect -machine-readable -except disk-image " + vm_example());
  ASSERT_EQ(no_image.code, 0) << no_image.out;
  EXPECT_EQ(output_types(no_image.out), (std::vector<std::string>{"sbom", "manifest"}));
  // A build name still skips the whole build, and -only is unchanged.
  CliRun none = sarga_build("validate -except debian-12-vm-hardened " + vm_example());
  EXPECT_EQ(none.code, 0) << none.out;
  EXPECT_EQ(none.out, "The configuration is valid: 0 builds\n");
  CliRun only = sarga_build("inspect -only proxmox-vm-template " + vm_example());
  EXPECT_EQ(only.code, 2);
  EXPECT_EQ(only.out, "-only:1:1: \"proxmox-vm-template\" matches no build (builds: debian-12-vm-hardened)\n");
}

TEST(Cli, InspectShowsThePlannedDiskLayoutAndHidesTheVmToken) {
  const std::string secret = "vm-s3cret-77";
  CliRun r = sarga_build("inspect -var 'pve_token=ci@pve!build=" + secret + "' " + vm_example());
  ASSERT_EQ(r.code, 0) << r.out;
  EXPECT_EQ(r.out.find(secret), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("disk layout (debian-12-vm-hardened.qcow2): /boot/efi 256M /var 1024M /tmp 512M / "),
            std::string::npos)
      << r.out;
  CliRun m = sarga_build("inspect -machine-readable -var 'pve_token=ci@pve!build=" + secret + "' " + vm_example());
  ASSERT_EQ(m.code, 0) << m.out;
  EXPECT_EQ(m.out.find(secret), std::string::npos) << m.out;
  auto plan = nlohmann::json::parse(m.out)["plan"]["outputs"];
  EXPECT_EQ(plan[3]["token"], "<sensitive>");
  EXPECT_EQ(plan[2]["timeout_seconds"], 600);
}

TEST(Cli, BuildRefusesAnEmptyVmTokenBeforeBuilding) {
  std::filesystem::path out = std::filesystem::temp_directory_path() / "sarga-cli-vm-token-test";
  std::filesystem::remove_all(out);
  CliRun r = sarga_build("build -var pve_token= -output-dir '" + out.string() + "' " + vm_example());
  EXPECT_EQ(r.code, 1) << r.out;
  // The error points at the block's line in the example, wherever the example puts it.
  std::ifstream example(std::string(SARGA_SOURCE_DIR) + "/examples/images/debian12-vm-hardened.pkr.hcl");
  std::string line;
  int block_line = 0;
  for (int n = 1; std::getline(example, line); ++n)
    if (line.find("post-processor \"proxmox-vm-template\"") != std::string::npos) block_line = n;
  ASSERT_GT(block_line, 0);
  EXPECT_NE(r.out.find("debian12-vm-hardened.pkr.hcl:" + std::to_string(block_line) +
                       ":3: post-processor \"proxmox-vm-template\" has an empty token"),
            std::string::npos)
      << r.out;
  EXPECT_NE(r.out.find("-except proxmox-vm-template"), std::string::npos) << r.out;
  EXPECT_EQ(r.out.find("step-start"), std::string::npos);
  std::filesystem::remove_all(out);
}
