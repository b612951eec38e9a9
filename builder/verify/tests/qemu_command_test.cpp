#include "builder/verify/qemu_command.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <fstream>

namespace sarga::verify {
namespace {

namespace fs = std::filesystem;

// A fake OVMF folder holding the named files.
fs::path ovmf_dir(const std::string& name, const std::vector<std::string>& files) {
  fs::path dir = fs::path(testing::TempDir()) / ("ovmf-" + name);
  fs::remove_all(dir);
  fs::create_directories(dir);
  for (const auto& f : files) std::ofstream(dir / f) << "fd";
  return dir;
}

std::string error_of(const std::function<void()>& f) {
  try {
    f();
  } catch (const std::runtime_error& e) {
    return e.what();
  }
  return "(no error)";
}

bool has_pair(const std::vector<std::string>& argv, const std::string& flag, const std::string& value) {
  for (std::size_t i = 0; i + 1 < argv.size(); ++i)
    if (argv[i] == flag && argv[i + 1] == value) return true;
  return false;
}

TEST(Firmware, Prefers4MCodeWithItsVars) {
  fs::path dir = ovmf_dir("both", {"OVMF_CODE_4M.fd", "OVMF_VARS_4M.fd", "OVMF_CODE.fd", "OVMF_VARS.fd"});
  Firmware fw = find_firmware("", dir);
  EXPECT_EQ(fw.code, dir / "OVMF_CODE_4M.fd");
  EXPECT_EQ(fw.vars, dir / "OVMF_VARS_4M.fd");
}

TEST(Firmware, FallsBackTo2MCode) {
  fs::path dir = ovmf_dir("old", {"OVMF_CODE.fd", "OVMF_VARS.fd"});
  EXPECT_EQ(find_firmware("", dir).vars, dir / "OVMF_VARS.fd");
}

TEST(Firmware, MissingFirmwareNamesThePackageAndTheAttribute) {
  fs::path dir = ovmf_dir("none", {});
  std::string e = error_of([&] { find_firmware("", dir); });
  EXPECT_NE(e.find("install the Debian package `ovmf`"), std::string::npos) << e;
  EXPECT_NE(e.find("`firmware` attribute"), std::string::npos) << e;
  e = error_of([&] { find_firmware("", ovmf_dir("novars", {"OVMF_CODE_4M.fd"})); });
  EXPECT_NE(e.find("OVMF_VARS_4M.fd"), std::string::npos) << e;
}

TEST(Firmware, ConfiguredFirmwareMustExistWithItsVars) {
  fs::path dir = ovmf_dir("custom", {"MY_CODE.fd", "MY_VARS.fd", "LONE_CODE.fd", "plain.fd"});
  EXPECT_EQ(find_firmware((dir / "MY_CODE.fd").string(), "/nonexistent").vars, dir / "MY_VARS.fd");
  std::string e = error_of([&] { find_firmware((dir / "nope.fd").string()); });
  EXPECT_NE(e.find("firmware = \"" + (dir / "nope.fd").string() + "\" does not exist"), std::string::npos) << e;
  e = error_of([&] { find_firmware((dir / "LONE_CODE.fd").string()); });
  EXPECT_NE(e.find("LONE_VARS.fd"), std::string::npos) << e;
  e = error_of([&] { find_firmware((dir / "plain.fd").string()); });
  EXPECT_NE(e.find("a name containing CODE"), std::string::npos) << e;
}

TEST(Accelerator, AutoPicksKvmOnlyWhenUsable) {
  EXPECT_EQ(choose_accelerator(tmpl::Accelerator::automatic, true), "kvm");
  EXPECT_EQ(choose_accelerator(tmpl::Accelerator::automatic, false), "tcg");
  EXPECT_EQ(choose_accelerator(tmpl::Accelerator::tcg, true), "tcg");
  EXPECT_EQ(choose_accelerator(tmpl::Accelerator::kvm, true), "kvm");
  std::string e = error_of([] { choose_accelerator(tmpl::Accelerator::kvm, false); });
  EXPECT_NE(e.find("accelerator = \"kvm\""), std::string::npos) << e;
}

TEST(Accelerator, KvmProbeOpensTheDeviceReadWrite) {
  EXPECT_FALSE(kvm_usable("/nonexistent/kvm"));
  EXPECT_FALSE(kvm_usable(testing::TempDir()));  // a folder never opens read-write, even for root
  EXPECT_TRUE(kvm_usable("/dev/null"));
}

QemuPlan plan() {
  QemuPlan p;
  p.accelerator = "tcg";
  p.memory_mib = 1536;
  p.cpus = 3;
  p.firmware_code = "/fw/OVMF_CODE_4M.fd";
  p.firmware_vars = "/w/vars,1.fd";
  p.overlay = "/w/overlay.qcow2";
  p.seed_iso = "/w/seed.iso";
  p.console_log = "/w/console.log";
  p.agent_socket = "/w/qga.sock";
  return p;
}

TEST(QemuCommand, BootsTheOverlayWithReadOnlyFirmwareAndSerialToFile) {
  auto a = qemu_argv(plan());
  EXPECT_EQ(a[0], "qemu-system-x86_64");
  EXPECT_TRUE(has_pair(a, "-machine", "q35"));
  EXPECT_TRUE(has_pair(a, "-accel", "tcg"));
  EXPECT_TRUE(has_pair(a, "-cpu", "max"));
  EXPECT_TRUE(has_pair(a, "-smp", "3"));
  EXPECT_TRUE(has_pair(a, "-m", "1536"));
  EXPECT_TRUE(has_pair(a, "-drive", "if=pflash,format=raw,readonly=on,file=/fw/OVMF_CODE_4M.fd"));
  EXPECT_TRUE(has_pair(a, "-drive", "if=pflash,format=raw,file=/w/vars,,1.fd"));  // comma doubled
  EXPECT_TRUE(has_pair(a, "-drive", "file=/w/overlay.qcow2,if=none,id=disk0,format=qcow2"));
  EXPECT_TRUE(has_pair(a, "-device", "scsi-hd,drive=disk0,bus=scsi0.0"));
  EXPECT_TRUE(has_pair(a, "-drive", "file=/w/seed.iso,if=ide,media=cdrom,format=raw,readonly=on"));
  EXPECT_TRUE(has_pair(a, "-chardev", "file,id=console0,path=/w/console.log"));
  EXPECT_TRUE(has_pair(a, "-serial", "chardev:console0"));
  EXPECT_TRUE(has_pair(a, "-nic", "user,model=virtio-net-pci"));
  EXPECT_TRUE(has_pair(a, "-display", "none"));
  EXPECT_NE(std::find(a.begin(), a.end(), "-no-reboot"), a.end());
  EXPECT_TRUE(has_pair(a, "-chardev", "socket,id=qga0,path=/w/qga.sock,server=on,wait=off"));
  EXPECT_TRUE(has_pair(a, "-device", "virtserialport,chardev=qga0,name=org.qemu.guest_agent.0"));
}

TEST(QemuCommand, KvmUsesTheHostCpuAndOptionsDropNicAndAgent) {
  QemuPlan p = plan();
  p.accelerator = "kvm";
  p.network = false;
  p.agent_socket.clear();
  auto a = qemu_argv(p);
  EXPECT_TRUE(has_pair(a, "-cpu", "host"));
  EXPECT_TRUE(has_pair(a, "-nic", "none"));
  for (const auto& arg : a) EXPECT_EQ(arg.find("guest_agent"), std::string::npos) << arg;
}

TEST(QemuCommand, OverlayIsBackedByTheImageInItsFormat) {
  EXPECT_EQ(overlay_argv("/img/disk.raw", tmpl::ImageFormat::raw, "/w/o.qcow2"),
            (std::vector<std::string>{"qemu-img", "create", "-q", "-f", "qcow2", "-b", "/img/disk.raw", "-F", "raw",
                                      "/w/o.qcow2"}));
  EXPECT_EQ(overlay_argv("/img/disk.qcow2", tmpl::ImageFormat::qcow2, "/w/o.qcow2")[8], "qcow2");
}

}  // namespace
}  // namespace sarga::verify
