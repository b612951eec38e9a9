// disk-image output: layout math and validation, identity derivation, fstab/cmdline text, and
// real images from a small fixture rootfs read back with sfdisk, mtools, e2fsck, debugfs and
// qemu-img (all installed by scripts/lib/deps.sh; a missing tool fails the test).
#include <gtest/gtest.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <fstream>
#include <map>
#include <thread>

#include <nlohmann/json.hpp>

#include "builder/outputs/disk_image.h"
#include "builder/outputs/disk_internal.h"
#include "builder/steps/tests/fixture.h"
#include "lib/artifact/hash.h"
#include "lib/process/process.h"

using namespace sarga::outputs;
using sarga::testing::put;
using sarga::testing::TempDir;
namespace fs = std::filesystem;
namespace tmpl = sarga::tmpl;

namespace {

constexpr std::int64_t kSde = 1700000000;
constexpr const char* kKver = "6.1.0-99-amd64";

tmpl::PartitionSpec part(const std::string& mountpoint, std::uint64_t mib) {
  tmpl::PartitionSpec p;
  p.mountpoint = mountpoint;
  p.size_mib = mib;
  return p;
}

// 640M: ESP 64M, /var 32M, /tmp 16M, root 526M (the rest, whole MiBs).
tmpl::DiskImageSettings small_settings(tmpl::ImageFormat format = tmpl::ImageFormat::raw) {
  tmpl::DiskImageSettings s;
  s.format = format;
  s.size_mib = 640;
  s.esp_size_mib = 64;
  s.partitions = {part("/var", 32), part("/tmp", 16)};
  return s;
}

std::string plan_error(const tmpl::DiskImageSettings& s) {
  try {
    plan_disk_layout(s, "debian-12-vm", kSde);
  } catch (const std::invalid_argument& e) {
    return e.what();
  }
  return "(no error)";
}

void set_mtime(const fs::path& p, std::int64_t t) {
  struct timespec times[2] = {{t, 0}, {t, 0}};
  ::utimensat(AT_FDCWD, p.c_str(), times, AT_SYMLINK_NOFOLLOW);
}

// A Debian-like rootfs with a kernel, an initrd, systemd-boot and content for every partition.
void make_disk_rootfs(const fs::path& r) {
  put(r, "/etc/os-release",
      "PRETTY_NAME=\"Debian GNU/Linux 12 (bookworm)\"\nID=debian\nVERSION_ID=\"12\"\nVERSION_CODENAME=bookworm\n");
  put(r, std::string("/boot/vmlinuz-") + kKver, "fake kernel image\n");
  put(r, std::string("/boot/initrd.img-") + kKver, "fake initrd\n");
  put(r, "/usr/lib/systemd/boot/efi/systemd-bootx64.efi", "MZ fake systemd-boot\n");
  put(r, "/usr/bin/tool", "#!/bin/sh\necho tool\n", 0755);
  fs::create_hard_link(r / "usr/bin/tool", r / "usr/bin/tool-hardlink");
  fs::create_symlink("tool", r / "usr/bin/tool-link");
  put(r, "/var/log/syslog", "var log line\n", 0640);
  put(r, "/var/lib/state", "var state\n");
  put(r, "/home/alice/notes", "alice's notes\n", 0600);
  put(r, "/etc/hostname", "fixture\n");
  fs::create_directories(r / "tmp");
  ::chmod((r / "tmp").c_str(), 01777);
  put(r, "/tmp/leftover", "tmp file\n");
  std::vector<fs::path> all = {r};
  for (const auto& e : fs::recursive_directory_iterator(r)) all.push_back(e.path());
  for (auto it = all.rbegin(); it != all.rend(); ++it) set_mtime(*it, kSde - 1000);
}

// Everything `ls -lR --time=mtime` plus inode numbers and content hashes would show.
std::map<std::string, std::string> snapshot(const fs::path& root) {
  std::map<std::string, std::string> out;
  std::vector<fs::path> all = {root};
  for (const auto& e : fs::recursive_directory_iterator(root)) all.push_back(e.path());
  for (const auto& p : all) {
    struct stat st {};
    ::lstat(p.c_str(), &st);
    std::string v = std::to_string(st.st_mode) + " " + std::to_string(st.st_uid) + ":" + std::to_string(st.st_gid) + " " +
                    std::to_string(st.st_size) + " ino" + std::to_string(st.st_ino) + " n" + std::to_string(st.st_nlink) +
                    " m" + std::to_string(st.st_mtim.tv_sec) + "." + std::to_string(st.st_mtim.tv_nsec);
    if (S_ISLNK(st.st_mode)) v += " -> " + fs::read_symlink(p).string();
    if (S_ISREG(st.st_mode)) v += " " + sarga::artifact::sha256_file(p);
    out[fs::relative(p, root.parent_path()).string()] = v;
  }
  return out;
}

std::string run(const std::vector<std::string>& argv) { return sarga::process::run(argv).out; }

std::string fs_at(const fs::path& image, const PlannedPartition& p) {
  return image.string() + "?offset=" + std::to_string(p.start_sector * 512);
}
std::string fat_at(const fs::path& image, const PlannedPartition& p) {
  return image.string() + "@@" + std::to_string(p.start_sector * 512);
}

std::string lower(std::string s) {
  for (auto& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

// ---------------------------------------------------------------- layout

TEST(DiskLayout, DefaultSizesAlignToMiBAndRootTakesTheRest) {
  tmpl::DiskImageSettings s;  // 4G, ESP 256M
  s.partitions = {part("/var", 1024), part("/tmp", 512)};
  auto l = plan_disk_layout(s, "debian-12-vm", kSde);
  EXPECT_EQ(l.size_bytes, 4096ull * 1024 * 1024);
  ASSERT_EQ(l.partitions.size(), 4u);
  const auto& esp = l.partitions[0];
  EXPECT_EQ(esp.name, "esp");
  EXPECT_EQ(esp.mountpoint, "/boot/efi");
  EXPECT_EQ(esp.start_sector, 2048u);
  EXPECT_EQ(esp.size_sectors, 524288u);
  EXPECT_EQ(esp.type_guid, "c12a7328-f81f-11d2-ba4b-00a0c93ec93b");
  EXPECT_EQ(esp.fs_type, "vfat");
  EXPECT_EQ(esp.options, std::vector<std::string>{"umask=0077"});
  const auto& var = l.partitions[1];
  EXPECT_EQ(var.name, "var");
  EXPECT_EQ(var.start_sector, 526336u);
  EXPECT_EQ(var.size_sectors, 2097152u);
  EXPECT_EQ(var.type_guid, "4d21b016-b534-45c2-a9fb-5c16e091fd2d");
  EXPECT_EQ(var.options, (std::vector<std::string>{"nodev", "nosuid"}));
  const auto& tmp = l.partitions[2];
  EXPECT_EQ(tmp.name, "tmp");
  EXPECT_EQ(tmp.start_sector, 2623488u);
  EXPECT_EQ(tmp.size_sectors, 1048576u);
  EXPECT_EQ(tmp.type_guid, "0fc63daf-8483-4772-8e79-3d69d8477de4");  // not /var/tmp's type (see disk_layout.cpp)
  EXPECT_EQ(tmp.options, (std::vector<std::string>{"nodev", "nosuid", "noexec"}));
  const auto& root = l.root();
  EXPECT_EQ(&root, &l.partitions[3]);
  EXPECT_EQ(root.name, "root");
  EXPECT_EQ(root.start_sector, 3672064u);
  // 8388608 sectors - 33 for the backup GPT, rounded down to whole MiB: 2302 MiB.
  EXPECT_EQ(root.size_sectors, 2302u * 2048);
  EXPECT_LE(root.start_sector + root.size_sectors, 8388608u - 33);
  EXPECT_EQ(root.type_guid, "4f68bce3-e8cd-4db1-96e7-fbcaf984b709");
  EXPECT_EQ(root.options, std::vector<std::string>{"errors=remount-ro"});
  for (const auto& p : l.partitions) EXPECT_EQ(p.start_sector % 2048, 0u) << p.name;

  auto j = l.to_json();
  EXPECT_EQ(j["partitions"][3]["size_mib"], 2302);
  EXPECT_EQ(j["disk_guid"], l.disk_guid);
}

TEST(DiskLayout, OtherMountpointsGetTheirTypesAndOptions) {
  tmpl::DiskImageSettings s;
  s.size_mib = 8192;
  s.partitions = {part("/home/", 64), part("//var//log", 64), part("/srv", 64), part("/var/tmp", 64)};
  s.partitions[2].options = std::vector<std::string>{"nodev", "noatime"};
  auto l = plan_disk_layout(s, "b", kSde);
  EXPECT_EQ(l.partitions[1].mountpoint, "/home");
  EXPECT_EQ(l.partitions[1].type_guid, "933ac7e1-2eb4-4f13-b844-0e14e2aef915");
  EXPECT_EQ(l.partitions[2].mountpoint, "/var/log");
  EXPECT_EQ(l.partitions[2].name, "var-log");
  EXPECT_EQ(l.partitions[2].options, (std::vector<std::string>{"nodev", "nosuid"}));
  EXPECT_EQ(l.partitions[3].type_guid, "0fc63daf-8483-4772-8e79-3d69d8477de4");
  EXPECT_EQ(l.partitions[3].options, (std::vector<std::string>{"nodev", "noatime"}));
  EXPECT_EQ(l.partitions[4].options, (std::vector<std::string>{"nodev", "nosuid", "noexec"}));
  EXPECT_EQ(l.partitions[4].type_guid, "7ec6f557-3bc5-4aca-b293-16ef5df639d1");
}

TEST(DiskLayout, ValidationErrorsNameTheAttribute) {
  auto with = [](tmpl::PartitionSpec p) {
    tmpl::DiskImageSettings s;
    s.partitions = {p};
    return s;
  };
  EXPECT_EQ(plan_error(with(part("var", 64))), "partition mountpoint \"var\": must be an absolute path");
  EXPECT_EQ(plan_error(with(part("/", 64))),
            "partition mountpoint \"/\": the root filesystem takes the rest of the disk; declare only other mountpoints");
  EXPECT_EQ(plan_error(with(part("/boot/efi", 64))),
            "partition mountpoint \"/boot/efi\": /boot and /boot/efi are managed by the image (the ESP holds the kernel)");
  EXPECT_EQ(plan_error(with(part("/boot", 64))),
            "partition mountpoint \"/boot\": /boot and /boot/efi are managed by the image (the ESP holds the kernel)");
  EXPECT_EQ(plan_error(with(part("/var/../etc", 64))), "partition mountpoint \"/var/../etc\": must not contain '.' or '..'");
  EXPECT_EQ(plan_error(with(part("/my data", 64))),
            "partition mountpoint \"/my data\": may only contain letters, digits, '/', '-', '_' and '.'");
  EXPECT_EQ(plan_error(with(part("/etc", 64))),
            "partition mountpoint \"/etc\": /etc cannot be a separate disk partition (needed before mounts or not on disk)");
  EXPECT_EQ(plan_error(with(part("/var", 8))), "partition size \"8M\": must be at least 16M");

  tmpl::DiskImageSettings twice;
  twice.partitions = {part("/var", 64), part("/var/", 64)};
  EXPECT_EQ(plan_error(twice), "partition mountpoint \"/var/\": is declared twice");

  auto located = part("/", 64);
  located.location = {"vm.pkr.hcl", 12, 5};
  EXPECT_EQ(plan_error(with(located)).rfind("vm.pkr.hcl:12:5: partition mountpoint \"/\"", 0), 0u) << plan_error(with(located));

  auto bad_option = part("/srv", 64);
  bad_option.options = std::vector<std::string>{"nodev,nosuid"};
  EXPECT_EQ(plan_error(with(bad_option)), "partition mountpoint \"/srv\": option \"nodev,nosuid\" is not a single mount option");

  tmpl::DiskImageSettings tight;
  tight.size_mib = 1024;
  tight.partitions = {part("/var", 512)};
  EXPECT_EQ(plan_error(tight),
            "size: 1024M leaves 254M for the root filesystem, which needs at least 512M (esp_size 256M, partitions 512M, 2M "
            "for alignment and the GPT)");

  tmpl::DiskImageSettings esp;
  esp.esp_size_mib = 32;
  EXPECT_EQ(plan_error(esp), "esp_size: 32M is too small for the FAT32 ESP (at least 64M)");

  tmpl::DiskImageSettings serial;
  serial.serial_console = "ttyS0 115200";
  EXPECT_EQ(plan_error(serial), "serial_console: \"ttyS0 115200\" must be one word like \"ttyS0,115200\"");

  tmpl::DiskImageSettings zero;
  zero.size_mib = 0;
  EXPECT_EQ(plan_error(zero), "size: must be between 1M and 16T, got 0M");
}

TEST(DiskLayout, IdentitiesAreDerivedAndStable) {
  auto s = small_settings();
  auto a = plan_disk_layout(s, "debian-12-vm", kSde);
  auto b = plan_disk_layout(s, "debian-12-vm", kSde);
  EXPECT_EQ(a.to_json(), b.to_json());
  auto other_sde = plan_disk_layout(s, "debian-12-vm", kSde + 1);
  auto other_name = plan_disk_layout(s, "debian-12-other", kSde);
  EXPECT_NE(a.disk_guid, other_sde.disk_guid);
  EXPECT_NE(a.root().fs_uuid, other_name.root().fs_uuid);
  std::set<std::string> seen = {a.disk_guid};
  for (const auto& p : a.partitions) {
    EXPECT_TRUE(seen.insert(p.part_uuid).second) << p.name;
    EXPECT_TRUE(seen.insert(p.fs_uuid).second) << p.name;
  }
  for (const auto& id : seen) {
    if (id.size() == 9) continue;  // the FAT volume id
    ASSERT_EQ(id.size(), 36u) << id;
    EXPECT_EQ(id[14], '4') << id;  // version 4
    EXPECT_NE(std::string("89ab").find(id[19]), std::string::npos) << id;
    EXPECT_EQ(id, lower(id));
  }
  const auto& volid = a.partitions[0].fs_uuid;
  ASSERT_EQ(volid.size(), 9u);
  EXPECT_EQ(volid[4], '-');
  for (char c : volid) EXPECT_TRUE(c == '-' || std::isdigit(c) || (c >= 'A' && c <= 'F')) << volid;
  // The same inputs always give the same ids (so rebuilds keep fstab valid).
  EXPECT_EQ(disk::derived_uuid("x", 1, "fs:root"), disk::derived_uuid("x", 1, "fs:root"));
  EXPECT_NE(disk::derived_uuid("x", 1, "fs:root"), disk::derived_uuid("x", 1, "fs:var"));
}

TEST(DiskLayout, FileNames) {
  tmpl::DiskImageSettings s;
  EXPECT_EQ(disk_image_filename(s, "debian-12-vm"), "debian-12-vm.qcow2");
  s.format = tmpl::ImageFormat::raw;
  s.name = "my image/1";
  EXPECT_EQ(disk_image_filename(s, "x"), "my-image-1.raw");
}

// ---------------------------------------------------------------- rootfs files

TEST(DiskRootfs, FstabAndKernelCommandLine) {
  auto s = small_settings();
  s.kernel_options = {"quiet", "apparmor=1"};
  auto l = plan_disk_layout(s, "debian-12-vm", kSde);
  EXPECT_EQ(disk::kernel_cmdline(l, s),
            "root=UUID=" + l.root().fs_uuid + " ro console=tty0 console=ttyS0,115200 quiet apparmor=1");
  s.serial_console.clear();
  s.kernel_options.clear();
  EXPECT_EQ(disk::kernel_cmdline(l, s), "root=UUID=" + l.root().fs_uuid + " ro console=tty0");
  EXPECT_EQ(disk::fstab_text(l),
            "# /etc/fstab: written by sarga-build from the disk-image layout; filesystems by UUID.\n"
            "# <file system>  <mount point>  <type>  <options>  <dump>  <pass>\n"
            "UUID=" + l.root().fs_uuid + "  /  ext4  errors=remount-ro  0  1\n"
            "UUID=" + l.partitions[1].fs_uuid + "  /var  ext4  nodev,nosuid  0  2\n"
            "UUID=" + l.partitions[2].fs_uuid + "  /tmp  ext4  nodev,nosuid,noexec  0  2\n"
            "UUID=" + l.partitions[0].fs_uuid + "  /boot/efi  vfat  umask=0077  0  2\n");  // parents first
}

TEST(DiskRootfs, PrepareWritesKernelInstallFilesAndMountpoints) {
  TempDir d;
  fs::path r = d.path() / "rootfs";
  make_disk_rootfs(r);
  fs::remove_all(r / "var");
  auto s = small_settings();
  auto l = plan_disk_layout(s, "debian-12-vm", kSde);
  prepare_rootfs_for_disk(r, l, s);
  std::ifstream fstab(r / "etc/fstab");
  EXPECT_EQ(std::string(std::istreambuf_iterator<char>(fstab), {}), disk::fstab_text(l));
  std::ifstream cmdline(r / "etc/kernel/cmdline");
  EXPECT_EQ(std::string(std::istreambuf_iterator<char>(cmdline), {}), disk::kernel_cmdline(l, s) + "\n");
  std::ifstream token(r / "etc/kernel/entry-token");
  EXPECT_EQ(std::string(std::istreambuf_iterator<char>(token), {}), "debian\n");
  std::ifstream install(r / "etc/kernel/install.conf");
  EXPECT_NE(std::string(std::istreambuf_iterator<char>(install), {}).find("\nlayout=bls\n"), std::string::npos);
  struct stat st {};
  ASSERT_EQ(::stat((r / "boot/efi").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 07777, 0700u);
  ASSERT_EQ(::stat((r / "var").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 07777, 0755u);
  ASSERT_EQ(::stat((r / "tmp").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 07777, 01777u);
  EXPECT_TRUE(fs::exists(r / "tmp/leftover"));
}

// ---------------------------------------------------------------- images

struct Built {
  DiskLayout layout;
  DiskImageResult result;
};

Built build(const fs::path& rootfs, const fs::path& base, const tmpl::DiskImageSettings& s, const std::string& name) {
  Built b;
  b.layout = plan_disk_layout(s, "debian-12-vm", kSde);
  std::vector<std::string> lines;
  b.result = write_disk_image(rootfs, b.layout, s, base / "out" / disk_image_filename(s, name), base / ("work-" + name),
                              kSde, [&](const std::string& l) { lines.push_back(l); });
  EXPECT_FALSE(lines.empty());
  return b;
}

class DiskImage : public ::testing::Test {
 protected:
  void SetUp() override {
    rootfs = dir.path() / "rootfs";
    make_disk_rootfs(rootfs);
    auto s = small_settings();
    prepare_rootfs_for_disk(rootfs, plan_disk_layout(s, "debian-12-vm", kSde), s);
    // Hardening appends to the command line after prepare; the entry must use the final file.
    std::ofstream(rootfs / "etc/kernel/cmdline", std::ios::app) << "audit=1\n";
    before = snapshot(rootfs);
  }
  TempDir dir;
  fs::path rootfs;
  std::map<std::string, std::string> before;
};

TEST_F(DiskImage, RawImageReadsBackWithStandardTools) {
  auto s = small_settings();
  auto b = build(rootfs, dir.path(), s, "a");
  const auto& l = b.layout;
  fs::path img = b.result.path;
  EXPECT_EQ(b.result.format, "raw");
  EXPECT_EQ(b.result.kernel_version, kKver);
  EXPECT_EQ(b.result.virtual_size, 640ull << 20);
  EXPECT_EQ(b.result.size, 640ull << 20);
  EXPECT_EQ(b.result.sha256, sarga::artifact::sha256_file(img));
  EXPECT_EQ(snapshot(rootfs), before) << "the rootfs changed";
  EXPECT_FALSE(fs::exists(dir.path() / "work-a" / "disk-image"));

  // GPT
  auto table = nlohmann::json::parse(run({"sfdisk", "-J", img.string()}))["partitiontable"];
  EXPECT_EQ(table["label"], "gpt");
  EXPECT_EQ(lower(table["id"]), l.disk_guid);
  EXPECT_EQ(table["firstlba"], 2048);
  ASSERT_EQ(table["partitions"].size(), 4u);
  for (std::size_t i = 0; i < 4; ++i) {
    const auto& got = table["partitions"][i];
    const auto& want = l.partitions[i];
    EXPECT_EQ(got["start"], want.start_sector) << want.name;
    EXPECT_EQ(got["size"], want.size_sectors) << want.name;
    EXPECT_EQ(lower(got["type"]), want.type_guid) << want.name;
    EXPECT_EQ(lower(got["uuid"]), want.part_uuid) << want.name;
    EXPECT_EQ(got["name"], want.name);
  }

  // ESP
  const auto& esp = l.partitions[0];
  std::string listing = run({"mdir", "-/", "-b", "-i", fat_at(img, esp), "::/"});
  for (const char* f : {"::/EFI/BOOT/BOOTX64.EFI", "::/EFI/systemd/systemd-bootx64.efi", "::/loader/loader.conf",
                        "::/debian/6.1.0-99-amd64/linux", "::/debian/6.1.0-99-amd64/initrd.img-6.1.0-99-amd64"})
    EXPECT_NE(listing.find(f), std::string::npos) << f << " missing in\n" << listing;
  std::string entry = run({"mtype", "-i", fat_at(img, esp), "::/loader/entries/debian-6.1.0-99-amd64.conf"});
  EXPECT_EQ(entry, "title Debian GNU/Linux 12 (bookworm)\nversion 6.1.0-99-amd64\n"
                   "linux /debian/6.1.0-99-amd64/linux\n"
                   "initrd /debian/6.1.0-99-amd64/initrd.img-6.1.0-99-amd64\n"
                   "options root=UUID=" + l.root().fs_uuid + " ro console=tty0 console=ttyS0,115200 audit=1\n");
  EXPECT_EQ(run({"mtype", "-i", fat_at(img, esp), "::/EFI/BOOT/BOOTX64.EFI"}), "MZ fake systemd-boot\n");
  EXPECT_EQ(run({"mtype", "-i", fat_at(img, esp), "::/debian/6.1.0-99-amd64/linux"}), "fake kernel image\n");
  std::string info = run({"minfo", "-i", fat_at(img, esp), "::"});
  EXPECT_NE(info.find("serial number: " + esp.fs_uuid.substr(0, 4) + esp.fs_uuid.substr(5)), std::string::npos) << info;

  // ext4 partitions: clean, right contents, times clamped, mountpoint modes kept
  for (const auto& p : l.partitions) {
    if (p.fs_type != "ext4") continue;
    EXPECT_NO_THROW(run({"e2fsck", "-fn", fs_at(img, p)})) << p.name;
    std::string super = run({"dumpe2fs", "-h", fs_at(img, p)});
    EXPECT_NE(lower(super).find("filesystem uuid:          " + p.fs_uuid), std::string::npos) << super;
    EXPECT_NE(super.find("Filesystem volume name:   " + p.name), std::string::npos) << super;
    EXPECT_NE(super.find("Filesystem created:       Tue Nov 14 22:13:20 2023"), std::string::npos) << super;
  }
  auto ls = [&](std::size_t i, const std::string& path) {
    return run({"debugfs", "-R", "ls -l " + path, fs_at(img, l.partitions[i])});
  };
  std::string root_ls = ls(3, "/");
  for (const char* name : {" etc", " usr", " boot", " var", " tmp", " home"})
    EXPECT_NE(root_ls.find(name), std::string::npos) << name << " in\n" << root_ls;
  EXPECT_EQ(ls(3, "/var").find("log"), std::string::npos) << "/var content leaked into the root filesystem";
  EXPECT_EQ(ls(3, "/tmp").find("leftover"), std::string::npos);
  EXPECT_EQ(ls(3, "/boot/efi").find("EFI"), std::string::npos);
  EXPECT_NE(ls(3, "/home/alice").find("notes"), std::string::npos);
  EXPECT_NE(ls(1, "/log").find("syslog"), std::string::npos);
  EXPECT_NE(ls(1, "/lib").find("state"), std::string::npos);
  EXPECT_NE(ls(2, "/").find("leftover"), std::string::npos);
  std::string tmp_root = run({"debugfs", "-R", "stat /", fs_at(img, l.partitions[2])});
  EXPECT_NE(tmp_root.find("Mode:  01777"), std::string::npos) << tmp_root;
  std::string root_tmp = run({"debugfs", "-R", "stat /tmp", fs_at(img, l.partitions[3])});
  EXPECT_NE(root_tmp.find("Mode:  01777"), std::string::npos) << root_tmp;
  EXPECT_NE(run({"debugfs", "-R", "stat /boot/efi", fs_at(img, l.partitions[3])}).find("Mode:  0700"), std::string::npos);
  // Times newer than SDE are clamped (ctime, atime; /etc's mtime from prepare), older ones kept.
  std::string home = run({"debugfs", "-R", "stat /home/alice", fs_at(img, l.partitions[3])});
  EXPECT_NE(home.find("ctime: 0x6553f100:00000000"), std::string::npos) << home;
  EXPECT_NE(home.find("atime: 0x6553f100:00000000"), std::string::npos) << home;
  EXPECT_NE(home.find("mtime: 0x6553ed18:00000000"), std::string::npos) << home;  // kSde - 1000
  std::string etc = run({"debugfs", "-R", "stat /etc", fs_at(img, l.partitions[3])});
  EXPECT_NE(etc.find("mtime: 0x6553f100:00000000"), std::string::npos) << etc;
  EXPECT_NE(run({"debugfs", "-R", "stat /usr/bin/tool", fs_at(img, l.partitions[3])}).find("Links: 2"), std::string::npos);
  EXPECT_EQ(run({"debugfs", "-R", "cat /etc/hostname", fs_at(img, l.partitions[3])}), "fixture\n");
}

TEST_F(DiskImage, TwoBuildsGiveTheSameBytesAndQcow2IsDeterministic) {
  auto raw = small_settings();
  auto a = build(rootfs, dir.path(), raw, "a");
  std::this_thread::sleep_for(std::chrono::milliseconds(2100));  // FAT times have 2 s steps
  auto b = build(rootfs, dir.path(), raw, "b");
  EXPECT_EQ(a.result.sha256, b.result.sha256);

  auto q = small_settings(tmpl::ImageFormat::qcow2);
  auto qa = build(rootfs, dir.path(), q, "qa");
  auto qb = build(rootfs, dir.path(), q, "qb");
  EXPECT_EQ(qa.result.format, "qcow2");
  EXPECT_EQ(qa.result.sha256, qb.result.sha256);
  EXPECT_EQ(qa.result.path.extension(), ".qcow2");
  auto info = nlohmann::json::parse(run({"qemu-img", "info", "--output=json", qa.result.path.string()}));
  EXPECT_EQ(info["format"], "qcow2");
  EXPECT_EQ(info["virtual-size"], 640ull << 20);
  EXPECT_LT(qa.result.size, 64ull << 20);  // zeros are not stored
  EXPECT_EQ(qa.result.virtual_size, 640ull << 20);
  // Same guest bytes as the raw image.
  EXPECT_NO_THROW(run({"qemu-img", "compare", "-f", "raw", "-F", "qcow2", a.result.path.string(), qa.result.path.string()}));
  EXPECT_EQ(snapshot(rootfs), before);
}

TEST_F(DiskImage, NestedMountpointLeavesAnEmptyDirectoryInItsParent) {
  auto s = small_settings();
  s.partitions = {part("/var", 32), part("/var/log", 16)};
  prepare_rootfs_for_disk(rootfs, plan_disk_layout(s, "debian-12-vm", kSde), s);
  before = snapshot(rootfs);
  auto b = build(rootfs, dir.path(), s, "nested");
  const auto& l = b.layout;
  fs::path img = b.result.path;
  auto ls = [&](std::size_t i, const std::string& path) {
    return run({"debugfs", "-R", "ls " + path, fs_at(img, l.partitions[i])});
  };
  ASSERT_EQ(l.partitions[2].mountpoint, "/var/log");
  EXPECT_NE(ls(1, "/").find("log"), std::string::npos);             // /var has the mountpoint directory
  EXPECT_EQ(ls(1, "/log").find("syslog"), std::string::npos);       // but not its content
  EXPECT_NE(ls(1, "/lib").find("state"), std::string::npos);
  EXPECT_NE(ls(2, "/").find("syslog"), std::string::npos);          // which is on /var/log's partition
  EXPECT_EQ(ls(3, "/var").find("lib"), std::string::npos);          // and nothing of /var on the root
  std::string log_root = run({"debugfs", "-R", "stat /", fs_at(img, l.partitions[2])});
  EXPECT_NE(log_root.find("Mode:  0755"), std::string::npos) << log_root;
  EXPECT_EQ(snapshot(rootfs), before);
}

TEST_F(DiskImage, FailingBuildLeavesTheRootfsAndNoImage) {
  // 20 MB of data in /var cannot fit a 16M partition: mke2fs fails after the staging.
  put(rootfs, "/var/big", std::string(20 << 20, 'x'));
  before = snapshot(rootfs);
  auto s = small_settings();
  s.partitions = {part("/var", 16), part("/tmp", 16)};
  auto l = plan_disk_layout(s, "debian-12-vm", kSde);
  fs::path dest = dir.path() / "out" / "x.raw";
  try {
    write_disk_image(rootfs, l, s, dest, dir.path() / "work", kSde, {});
    FAIL() << "no error";
  } catch (const std::runtime_error& e) {
    std::string what = e.what();
    EXPECT_EQ(what.rfind("partition var (/var, 16M): mke2fs failed (exit 1): ", 0), 0u) << what;
    EXPECT_NE(what.find("big"), std::string::npos) << what;  // mke2fs names the file it could not copy
    EXPECT_NE(what.find("; its content does not fit: raise the partition's size"), std::string::npos) << what;
  }
  EXPECT_EQ(snapshot(rootfs), before);
  EXPECT_FALSE(fs::exists(dest));
  EXPECT_FALSE(fs::exists(dir.path() / "out" / ".x.raw.partial"));
  EXPECT_FALSE(fs::exists(dir.path() / "work" / "disk-image")) << "left files behind";
}

TEST_F(DiskImage, KernelAndBootLoaderMustBeInTheRootfs) {
  auto s = small_settings();
  auto l = plan_disk_layout(s, "debian-12-vm", kSde);
  auto attempt = [&] {
    try {
      write_disk_image(rootfs, l, s, dir.path() / "out/x.raw", dir.path() / "work", kSde, {});
    } catch (const std::runtime_error& e) {
      return std::string(e.what());
    }
    return std::string("(no error)");
  };
  put(rootfs, "/boot/vmlinuz-6.1.0-98-amd64", "old kernel");
  EXPECT_EQ(attempt(),
            "the rootfs has 2 kernels in /boot (6.1.0-98-amd64, 6.1.0-99-amd64); the disk image boots exactly one: purge "
            "the others in a provisioner");
  fs::remove(rootfs / "boot/vmlinuz-6.1.0-98-amd64");
  fs::remove(rootfs / "usr/lib/systemd/boot/efi/systemd-bootx64.efi");
  EXPECT_EQ(attempt(),
            "the rootfs has no /usr/lib/systemd/boot/efi/systemd-bootx64.efi: add systemd-boot to the source's include "
            "(the image boots with systemd-boot)");
  fs::remove(rootfs / "boot/initrd.img-6.1.0-99-amd64");
  EXPECT_EQ(attempt(),
            "the rootfs has no /boot/initrd.img-6.1.0-99-amd64: add initramfs-tools (and e2fsprogs, for fsck in the "
            "initrd) to the source's include");
  fs::remove(rootfs / "boot/vmlinuz-6.1.0-99-amd64");
  EXPECT_EQ(attempt(),
            "the rootfs has no kernel (/boot/vmlinuz-<version>); a disk image needs one: add linux-image-amd64 to the "
            "source's include");
  EXPECT_FALSE(fs::exists(dir.path() / "out/x.raw"));
}

TEST(DiskStaging, PutsNestedMountpointsBackAfterAnError) {
  TempDir d;
  fs::path r = d.path() / "rootfs";
  make_disk_rootfs(r);
  fs::create_directories(r / "var/log/journal");
  set_mtime(r / "var/log", kSde - 5);
  set_mtime(r / "var", kSde - 6);
  auto before = snapshot(r);
  try {
    disk::MountpointStaging st(r, {"/var", "/var/log", "/tmp"}, d.path() / "stage");
    EXPECT_TRUE(fs::is_empty(r / "var"));
    EXPECT_TRUE(fs::is_empty(r / "tmp"));
    EXPECT_TRUE(fs::exists(st.tree("/var/log") / "syslog"));
    EXPECT_TRUE(fs::is_empty(st.tree("/var") / "log"));
    EXPECT_EQ(st.meta("/tmp").st_mode & 07777, 01777u);
    throw std::runtime_error("boom");
  } catch (const std::runtime_error&) {
  }
  EXPECT_EQ(snapshot(r), before);
  EXPECT_FALSE(fs::exists(d.path() / "stage"));
  EXPECT_THROW(disk::MountpointStaging(r, {"/nope"}, d.path() / "stage"), std::runtime_error);
  EXPECT_EQ(snapshot(r), before);
}

}  // namespace
