#include <gtest/gtest.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>

#include <filesystem>
#include <fstream>

#include "builder/sources/sources.h"
#include "builder/steps/tests/fixture.h"
#include "lib/artifact/tar_extract.h"
#include "lib/artifact/tar_writer.h"

namespace fs = std::filesystem;
using sarga::testing::put;
using sarga::testing::TempDir;

namespace {

sarga::tmpl::SourceSpec rootfs_source(const fs::path& p) {
  sarga::tmpl::SourceSpec s;
  s.kind = sarga::tmpl::SourceKind::rootfs;
  s.type = "rootfs";
  s.name = "fixture";
  s.location = {"t.pkr.hcl", 3, 1};
  s.rootfs.path = p.string();
  return s;
}

TEST(Sources, CacheKeyCoversInputsButNotIncludeOrder) {
  sarga::tmpl::MmdebstrapSettings a;
  a.suite = "bookworm";
  a.include = {"b", "a"};
  auto b = a;
  b.include = {"a", "b"};
  EXPECT_EQ(sarga::sources::bootstrap_cache_key(a, 1), sarga::sources::bootstrap_cache_key(b, 1));
  EXPECT_NE(sarga::sources::bootstrap_cache_key(a, 1), sarga::sources::bootstrap_cache_key(a, 2));
  b.mirror = "http://mirror.example/debian";
  EXPECT_NE(sarga::sources::bootstrap_cache_key(a, 1), sarga::sources::bootstrap_cache_key(b, 1));
}

TEST(Sources, DirectoryIsCopied) {
  TempDir d;
  sarga::testing::make_weak_rootfs(d.path() / "in");
  sarga::sources::SourceContext ctx{d.path() / "rootfs", d.path() / "cache", 0, nullptr};
  auto info = sarga::sources::prepare_source(rootfs_source(d.path() / "in"), ctx);
  EXPECT_EQ(info["type"], "rootfs");
  EXPECT_TRUE(fs::exists(d.path() / "rootfs/etc/os-release"));
  EXPECT_TRUE(fs::is_symlink(d.path() / "rootfs/sbin"));
  struct stat st;
  ASSERT_EQ(::stat((d.path() / "rootfs/usr/bin/evil-helper").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 07777, 04755);
}

TEST(Sources, DirectoryWithEscapingSymlinkRefused) {
  TempDir d;
  sarga::testing::make_weak_rootfs(d.path() / "in");
  fs::create_symlink("../../../../etc/shadow", d.path() / "in/etc/steal");
  sarga::sources::SourceContext ctx{d.path() / "rootfs", d.path() / "cache", 0, nullptr};
  try {
    sarga::sources::prepare_source(rootfs_source(d.path() / "in"), ctx);
    FAIL();
  } catch (const std::runtime_error& e) {
    std::string m = e.what();
    EXPECT_EQ(m.rfind("t.pkr.hcl:3:1: ", 0), 0u) << m;
    EXPECT_NE(m.find("etc/steal"), std::string::npos) << m;
    EXPECT_NE(m.find("escapes the root"), std::string::npos) << m;
  }
  EXPECT_FALSE(fs::exists(d.path() / "rootfs/etc/os-release"));  // nothing copied
}

TEST(Sources, DirectoryWithDeviceNodeRefusedUnlessAllowed) {
  TempDir d;
  sarga::testing::make_weak_rootfs(d.path() / "in");
  fs::create_directories(d.path() / "in/dev");
  ASSERT_EQ(::mknod((d.path() / "in/dev/null").c_str(), S_IFCHR | 0666, makedev(1, 3)), 0);
  sarga::sources::SourceContext ctx{d.path() / "rootfs", d.path() / "cache", 0, nullptr};
  auto spec = rootfs_source(d.path() / "in");
  try {
    sarga::sources::prepare_source(spec, ctx);
    FAIL();
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("device node refused"), std::string::npos) << e.what();
  }
  spec.rootfs.allow_devices = true;
  EXPECT_NO_THROW(sarga::sources::prepare_source(spec, ctx));
}

TEST(Sources, ArchiveIsExtractedAndHashed) {
  TempDir d;
  sarga::testing::make_weak_rootfs(d.path() / "in");
  sarga::artifact::write_rootfs_archive(d.path() / "in", d.path() / "in.tar.gz",
                                        {sarga::artifact::Compression::gzip, 1700000000});
  sarga::sources::SourceContext ctx{d.path() / "rootfs", d.path() / "cache", 0, nullptr};
  auto info = sarga::sources::prepare_source(rootfs_source(d.path() / "in.tar.gz"), ctx);
  EXPECT_EQ(info["sha256"].get<std::string>().size(), 64u);
  EXPECT_TRUE(fs::exists(d.path() / "rootfs/etc/ssh/sshd_config"));
}

TEST(Sources, MissingPathNamed) {
  TempDir d;
  sarga::sources::SourceContext ctx{d.path() / "rootfs", d.path() / "cache", 0, nullptr};
  try {
    sarga::sources::prepare_source(rootfs_source(d.path() / "nope.tar"), ctx);
    FAIL();
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("t.pkr.hcl:3:1: rootfs path"), std::string::npos) << e.what();
  }
}

}  // namespace
