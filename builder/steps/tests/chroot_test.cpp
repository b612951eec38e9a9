// The shell step in a real chroot: commands run inside the rootfs, /proc /sys /dev are
// mounted only while they run and always unmounted, also when a command fails.
#include <gtest/gtest.h>

#include <cstdio>
#include <fstream>
#include <sstream>

#include "builder/steps/chroot.h"
#include "builder/steps/steps.h"
#include "builder/steps/tests/fixture.h"

namespace fs = std::filesystem;
using sarga::testing::TempDir;

namespace {

// Copies the host's dash and the libraries it needs into the tree (a tiny usable rootfs).
void install_host_shell(const fs::path& root) {
  FILE* p = ::popen("ldd /bin/dash", "r");
  ASSERT_NE(p, nullptr);
  char line[512];
  std::vector<std::string> libs;
  while (std::fgets(line, sizeof line, p)) {
    std::string l(line);
    auto slash = l.find('/');
    if (slash == std::string::npos) continue;
    libs.push_back(l.substr(slash, l.find_first_of(" \n", slash) - slash));
  }
  ::pclose(p);
  libs.push_back("/bin/dash");
  for (const auto& lib : libs) {
    fs::path dest = root / fs::path(lib).relative_path();
    fs::create_directories(dest.parent_path());
    fs::copy_file(fs::canonical(lib), dest, fs::copy_options::overwrite_existing);
    fs::permissions(dest, fs::perms::owner_all | fs::perms::group_read | fs::perms::group_exec |
                              fs::perms::others_read | fs::perms::others_exec);
  }
  fs::create_symlink("dash", root / "bin/sh");
}

bool mounted_below(const fs::path& dir) {
  std::ifstream in("/proc/self/mountinfo");
  std::string line;
  while (std::getline(in, line))
    if (line.find(" " + dir.string() + "/") != std::string::npos) return true;
  return false;
}

TEST(Shell, RunsInsideTheRootfsAndUnmounts) {
  TempDir d;
  fs::path root = d.path() / "rootfs";
  install_host_shell(root);
  std::vector<std::string> lines;
  sarga::steps::StepContext ctx;
  ctx.rootfs = root;
  ctx.source_date_epoch = 1700000000;
  ctx.log = [&](const std::string& l) { lines.push_back(l); };
  ctx.secrets = {"s3cr3t"};
  sarga::tmpl::ShellSettings s;
  s.inline_commands = {"echo built > /built", "test -e /proc/self/status", "echo SDE=$SOURCE_DATE_EPOCH token=s3cr3t"};
  sarga::steps::run_shell(ctx, s);
  std::ifstream in(root / "built");
  std::string text;
  std::getline(in, text);
  EXPECT_EQ(text, "built");
  ASSERT_FALSE(lines.empty());
  EXPECT_EQ(lines.back(), "SDE=1700000000 token=<sensitive>");
  EXPECT_FALSE(mounted_below(root));
  EXPECT_FALSE(fs::exists(root / "tmp/sarga-inline.sh"));
  EXPECT_FALSE(fs::exists(root / "usr/sbin/policy-rc.d"));
}

TEST(Shell, FailureStillUnmounts) {
  TempDir d;
  fs::path root = d.path() / "rootfs";
  install_host_shell(root);
  sarga::steps::StepContext ctx;
  ctx.rootfs = root;
  sarga::tmpl::ShellSettings s;
  s.inline_commands = {"exit 7"};
  try {
    sarga::steps::run_shell(ctx, s);
    FAIL();
  } catch (const std::runtime_error& e) {
    EXPECT_STREQ(e.what(), "shell: inline commands exited with status 7");
  }
  EXPECT_FALSE(mounted_below(root));
}

TEST(Chroot, MountsLiveOnlyWithTheSession) {
  TempDir d;
  fs::path root = d.path() / "rootfs";
  install_host_shell(root);
  sarga::steps::StepContext ctx;
  ctx.rootfs = root;
  {
    sarga::steps::ChrootSession session(ctx);
    EXPECT_EQ(session.mounts().size(), 3u);
    EXPECT_TRUE(mounted_below(root));
    EXPECT_EQ(session.run({"/bin/sh", "-c", "test -c /dev/null"}), 0);
    EXPECT_EQ(session.run({"no-such-program"}), 127);
  }
  EXPECT_FALSE(mounted_below(root));
}

TEST(Chroot, RefusesSymlinkedMountPoints) {
  TempDir d;
  fs::path root = d.path() / "rootfs";
  install_host_shell(root);
  fs::create_symlink("/", root / "proc");  // would mount over the host's /
  sarga::steps::StepContext ctx;
  ctx.rootfs = root;
  EXPECT_THROW(sarga::steps::ChrootSession{ctx}, std::runtime_error);
  EXPECT_FALSE(mounted_below(root));
}

TEST(Files, OwnerModeAndSymlinkSafety) {
  TempDir d;
  fs::path root = d.path() / "rootfs";
  sarga::testing::make_weak_rootfs(root);
  fs::create_symlink("/etc", root / "etc-link");
  fs::create_symlink("../../../../../tmp", root / "escape");
  sarga::steps::StepContext ctx;
  ctx.rootfs = root;
  sarga::tmpl::FilesSettings s;
  sarga::tmpl::FileEntry a;
  a.content = "x";
  a.destination = "/etc-link/app.conf";  // resolved inside the rootfs
  a.owner = "alice";
  a.group = "alice";
  a.mode = 0600;
  sarga::tmpl::FileEntry b;
  b.content = "y";
  b.destination = "/escape/out.txt";  // ".." stops at the rootfs' /
  s.entries = {a, b};
  sarga::steps::run_files(ctx, s);
  struct stat st;
  ASSERT_EQ(::stat((root / "etc/app.conf").c_str(), &st), 0);
  EXPECT_EQ(st.st_uid, 1000u);
  EXPECT_EQ(st.st_gid, 1000u);
  EXPECT_EQ(st.st_mode & 07777, 0600u);
  EXPECT_TRUE(fs::exists(root / "tmp/out.txt"));
  sarga::tmpl::FilesSettings bad;
  sarga::tmpl::FileEntry c;
  c.content = "z";
  c.destination = "relative/path";
  c.location = {"t.pkr.hcl", 4, 7};
  bad.entries = {c};
  try {
    sarga::steps::run_files(ctx, bad);
    FAIL();
  } catch (const std::runtime_error& e) {
    EXPECT_EQ(std::string(e.what()).rfind("t.pkr.hcl:4:7: destination", 0), 0u) << e.what();
  }
}

TEST(Cleanup, ScrubsTemplateIdentity) {
  TempDir d;
  fs::path root = d.path() / "rootfs";
  sarga::testing::make_weak_rootfs(root);
  sarga::testing::put(root, "/var/log/apt/history.log", "lots");
  sarga::testing::put(root, "/var/lib/apt/lists/deb.debian.org_dists_bookworm_InRelease", "x");
  sarga::testing::put(root, "/tmp/junk", "x");
  sarga::steps::StepContext ctx;
  ctx.rootfs = root;
  sarga::steps::run_cleanup(ctx, sarga::tmpl::CleanupSettings{});
  EXPECT_EQ(fs::file_size(root / "etc/machine-id"), 0u);
  EXPECT_FALSE(fs::exists(root / "etc/ssh/ssh_host_ed25519_key"));
  EXPECT_EQ(fs::file_size(root / "var/log/apt/history.log"), 0u);
  EXPECT_FALSE(fs::exists(root / "var/lib/apt/lists/deb.debian.org_dists_bookworm_InRelease"));
  EXPECT_FALSE(fs::exists(root / "tmp/junk"));
  EXPECT_TRUE(fs::exists(root / "tmp"));
  EXPECT_FALSE(fs::exists(root / "root/.bash_history"));
  EXPECT_EQ(fs::file_size(root / "etc/resolv.conf"), 0u);  // the build host's resolver never ships
}

}  // namespace

namespace {

TEST(CloudInit, WritesNoCloudDatasourceWhenInstalled) {
  TempDir d;
  fs::path root = d.path() / "rootfs";
  sarga::testing::make_weak_rootfs(root);
  sarga::testing::put(root, "/var/lib/dpkg/status", sarga::testing::dpkg_entry("cloud-init", "22.4.2-1"));
  sarga::steps::StepContext ctx;
  ctx.rootfs = root;
  sarga::tmpl::CloudInitSettings s;
  s.extra_config = "ssh_pwauth: false\n";
  auto report = sarga::steps::run_cloud_init(ctx, s);
  EXPECT_FALSE(report["installed"].get<bool>());
  std::ifstream in(root / "etc/cloud/cloud.cfg.d/90-sarga-datasource.cfg");
  std::stringstream text;
  text << in.rdbuf();
  EXPECT_NE(text.str().find("datasource_list: [ NoCloud, ConfigDrive, None ]"), std::string::npos) << text.str();
  EXPECT_TRUE(fs::exists(root / "etc/cloud/cloud.cfg.d/99-sarga.cfg"));
  std::ifstream locale_cfg(root / "etc/cloud/cloud.cfg.d/91-sarga-locale.cfg");
  std::stringstream locale_text;
  locale_text << locale_cfg.rdbuf();
  EXPECT_NE(locale_text.str().find("\nlocale: false\n"), std::string::npos) << locale_text.str();
  s.install = false;
  sarga::testing::put(root, "/var/lib/dpkg/status", sarga::testing::dpkg_entry("base-files", "12"));
  EXPECT_THROW(sarga::steps::run_cloud_init(ctx, s), std::runtime_error);
}

}  // namespace
