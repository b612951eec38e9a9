// The VM image outputs in run_build: the image is staged, proven by qemu-verify and only
// then moved into the output dir; a failed boot leaves the previous image and manifest
// alone, keeps the console log and names the qemu-verify block. The fixture rootfs has a
// fake kernel and a fake systemd-boot, so OVMF finds nothing bootable: a real, quick failure.
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "builder/pipeline/run.h"
#include "builder/steps/tests/fixture.h"
#include "builder/template/spec.h"
#include "lib/artifact/hash.h"

namespace fs = std::filesystem;
using namespace sarga;
using sarga::testing::TempDir;

namespace {

std::string read(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

void make_vm_fixture(const fs::path& root) {
  sarga::testing::make_weak_rootfs(root);
  sarga::testing::put(root, "/var/lib/dpkg/status", sarga::testing::dpkg_entry("base-files", "12.4"));
  sarga::testing::put(root, "/boot/vmlinuz-6.1.0-99-amd64", "not a kernel\n");
  sarga::testing::put(root, "/boot/initrd.img-6.1.0-99-amd64", "not an initrd\n");
  sarga::testing::put(root, "/usr/lib/systemd/boot/efi/systemd-bootx64.efi", "not an EFI program\n");
}

tmpl::OutputSpec output(tmpl::OutputKind kind, const std::string& type, tmpl::OutputSettings settings, int line) {
  tmpl::OutputSpec o;
  o.kind = kind;
  o.type = type;
  o.settings = std::move(settings);
  o.location = {"vm.pkr.hcl", line, 3};
  return o;
}

tmpl::BuildSpec vm_spec(const fs::path& rootfs_dir, const std::string& motd) {
  tmpl::BuildSpec b;
  b.name = "vm-fixture";
  b.full_name = "vm-fixture.rootfs.fixture";
  b.source.kind = tmpl::SourceKind::rootfs;
  b.source.type = "rootfs";
  b.source.name = "fixture";
  b.source.rootfs.path = rootfs_dir.string();

  tmpl::StepSpec files;
  files.kind = tmpl::StepKind::files;
  files.type = files.name = "files";
  tmpl::FilesSettings fs_settings;
  tmpl::FileEntry entry;
  entry.content = motd;
  entry.destination = "/etc/motd";
  fs_settings.entries.push_back(entry);
  files.settings = fs_settings;
  b.steps.push_back(files);

  tmpl::DiskImageSettings disk;
  disk.format = tmpl::ImageFormat::raw;
  disk.size_mib = 1024;
  disk.esp_size_mib = 64;
  tmpl::PartitionSpec tmp;
  tmp.mountpoint = "/tmp";
  tmp.size_mib = 64;
  disk.partitions.push_back(tmp);
  b.outputs.push_back(output(tmpl::OutputKind::disk_image, "disk-image", disk, 20));
  b.outputs.push_back(output(tmpl::OutputKind::sbom, "sbom", tmpl::SbomSettings{}, 28));
  return b;
}

void add_verify_and_publish(tmpl::BuildSpec& b) {
  tmpl::QemuVerifySettings verify;
  verify.timeout_seconds = 15;
  verify.memory_mib = 256;
  verify.cpus = 1;
  verify.accelerator = tmpl::Accelerator::tcg;
  verify.network = false;
  b.outputs.push_back(output(tmpl::OutputKind::qemu_verify, "qemu-verify", verify, 30));
  tmpl::ProxmoxVmTemplateSettings pve;
  pve.endpoint = "https://127.0.0.1:1";
  pve.token = "ci@pve!build=vm-token-secret";
  pve.node = "pve1";
  b.outputs.push_back(output(tmpl::OutputKind::proxmox_vm_template, "proxmox-vm-template", pve, 36));
}

struct Captured {
  std::vector<pipeline::Event> events;
  pipeline::EventSink sink() {
    return [this](const pipeline::Event& e) { events.push_back(e); };
  }
  std::vector<std::string> started() const {
    std::vector<std::string> out;
    for (const auto& e : events)
      if (e.kind == "step-start") out.push_back(e.step.substr(0, e.step.find(' ')));
    return out;
  }
};

pipeline::RunOptions options(const fs::path& out, Captured& c) {
  pipeline::RunOptions o;
  o.output_dir = out;
  o.progress = c.sink();
  o.force = true;
  o.work_dir = out.parent_path() / "work";
  fs::create_directories(o.work_dir);
  return o;
}

TEST(VmImage, ImageIsStagedThenMovedAndRecordedInTheManifest) {
  TempDir d;
  make_vm_fixture(d.path() / "fixture");
  Captured c;
  auto r = pipeline::run_build(vm_spec(d.path() / "fixture", "one\n"), options(d.path() / "out", c));
  ASSERT_TRUE(r.ok) << r.error;
  EXPECT_EQ(c.started(), (std::vector<std::string>{"source", "files", "disk-image", "sbom"}));
  fs::path image = d.path() / "out" / "vm-fixture.raw";
  ASSERT_TRUE(fs::exists(image));
  EXPECT_FALSE(fs::exists(d.path() / "out" / ".vm-fixture.raw.partial"));
  ASSERT_EQ(r.files.size(), 2u);
  EXPECT_EQ(r.files[1].path, image);
  EXPECT_EQ(r.files[1].sha256, artifact::sha256_file(image));

  auto m = nlohmann::json::parse(read(r.manifest))["builds"][0];
  EXPECT_EQ(m["artifact_id"], "vm-fixture.raw");
  EXPECT_EQ(m["disk_image"]["file"], "vm-fixture.raw");
  EXPECT_EQ(m["disk_image"]["format"], "raw");
  EXPECT_EQ(m["disk_image"]["kernel_version"], "6.1.0-99-amd64");
  const auto& parts = m["disk_image"]["layout"]["partitions"];
  ASSERT_EQ(parts.size(), 3u);
  EXPECT_EQ(parts[0]["mountpoint"], "/boot/efi");
  EXPECT_EQ(parts[1]["mountpoint"], "/tmp");
  EXPECT_EQ(parts[2]["mountpoint"], "/");
  EXPECT_TRUE(m["verify"].empty());
  // prepare_rootfs_for_disk ran before the provisioners: the image's fstab came from the layout.
  EXPECT_TRUE(fs::is_empty(d.path() / "work"));
}

TEST(VmImage, FailedBootKeepsThePreviousImageAndItsConsoleLog) {
  TempDir d;
  make_vm_fixture(d.path() / "fixture");
  Captured c1;
  auto first = pipeline::run_build(vm_spec(d.path() / "fixture", "one\n"), options(d.path() / "out", c1));
  ASSERT_TRUE(first.ok) << first.error;
  fs::path image = d.path() / "out" / "vm-fixture.raw";
  std::string image_sha = artifact::sha256_file(image);
  std::string manifest_before = read(first.manifest);

  std::string sbom_before = read(d.path() / "out" / "sbom.spdx.json");
  // Another package and another motd: a different image and SBOM, neither may replace the first.
  sarga::testing::put(d.path() / "fixture", "/var/lib/dpkg/status",
                      sarga::testing::dpkg_entry("base-files", "12.4") + sarga::testing::dpkg_entry("extra", "1.0"));
  auto spec = vm_spec(d.path() / "fixture", "two\n");
  add_verify_and_publish(spec);
  Captured c2;
  auto second = pipeline::run_build(spec, options(d.path() / "out", c2));
  ASSERT_FALSE(second.ok);
  fs::path console = d.path() / "out" / "vm-fixture.raw.console.log";
  EXPECT_EQ(second.error.rfind("vm.pkr.hcl:30:3: ", 0), 0u) << second.error;
  EXPECT_NE(second.error.find(console.string()), std::string::npos) << second.error;
  // Kept (its content is OVMF's: under load TCG may not get as far as any output in 15 s).
  EXPECT_TRUE(fs::is_regular_file(console));

  EXPECT_EQ(artifact::sha256_file(image), image_sha);
  EXPECT_EQ(read(first.manifest), manifest_before);
  EXPECT_EQ(read(d.path() / "out" / "sbom.spdx.json"), sbom_before);
  EXPECT_FALSE(fs::exists(d.path() / "out" / ".vm-fixture.raw.partial"));
  // Never published: the order stops at the failed proof.
  EXPECT_EQ(c2.started(), (std::vector<std::string>{"source", "files", "disk-image", "sbom", "qemu-verify"}));
  for (const auto& e : c2.events) EXPECT_EQ(e.message.find("vm-token-secret"), std::string::npos) << e.message;
  EXPECT_TRUE(fs::is_empty(d.path() / "work"));
}

TEST(VmImage, DescribeShowsLayoutVerifyAndTargetWithoutToken) {
  TempDir d;
  auto spec = vm_spec(d.path() / "fixture", "x");
  add_verify_and_publish(spec);
  pipeline::RunOptions o;
  auto plan = pipeline::describe_build(spec, o);
  const auto& outs = plan["outputs"];
  ASSERT_EQ(outs.size(), 4u);
  EXPECT_EQ(outs[0]["file"], "vm-fixture.raw");
  EXPECT_EQ(outs[0]["layout"]["partitions"].size(), 3u);
  EXPECT_EQ(outs[2]["timeout"], "15s");
  EXPECT_EQ(outs[2]["accelerator"], "tcg");
  EXPECT_EQ(outs[3]["token"], "<sensitive>");
  EXPECT_EQ(outs[3]["name"], "vm-fixture");
  EXPECT_EQ(plan.dump().find("vm-token-secret"), std::string::npos);

  // A layout the planner refuses is shown as an error located at the block.
  std::get<tmpl::DiskImageSettings>(spec.outputs[0].settings).esp_size_mib = 8;
  auto bad = pipeline::describe_build(spec, o)["outputs"][0];
  EXPECT_TRUE(bad["layout"].is_null());
  EXPECT_EQ(bad["error"].get<std::string>().rfind("vm.pkr.hcl:20:3: esp_size", 0), 0u) << bad["error"];
}

TEST(VmImage, PlannerErrorFailsBeforeProvisionersAtTheBlock) {
  TempDir d;
  make_vm_fixture(d.path() / "fixture");
  auto spec = vm_spec(d.path() / "fixture", "x");
  std::get<tmpl::DiskImageSettings>(spec.outputs[0].settings).esp_size_mib = 8;
  Captured c;
  auto r = pipeline::run_build(spec, options(d.path() / "out", c));
  ASSERT_FALSE(r.ok);
  EXPECT_EQ(r.error.rfind("vm.pkr.hcl:20:3: esp_size", 0), 0u) << r.error;
  EXPECT_EQ(c.started(), (std::vector<std::string>{"source"}));
}

}  // namespace
