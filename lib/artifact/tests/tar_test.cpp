// Reproducible rootfs archives and safe extraction.
#include <archive.h>
#include <archive_entry.h>
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/xattr.h>
#include <unistd.h>
#include <utime.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>

#include "lib/artifact/hash.h"
#include "lib/artifact/tar_extract.h"
#include "lib/artifact/tar_locale.h"
#include "lib/artifact/tar_writer.h"

namespace fs = std::filesystem;
using namespace sarga::artifact;

namespace {

struct Tmp {
  fs::path path;
  Tmp() {
    std::string t = (fs::temp_directory_path() / "sarga-tar-XXXXXX").string();
    path = ::mkdtemp(t.data());
  }
  ~Tmp() { fs::remove_all(path); }
};

void put(const fs::path& p, const std::string& content, mode_t mode = 0644, time_t mtime = 2000000000) {
  fs::create_directories(p.parent_path());
  std::ofstream(p) << content;
  ::chmod(p.c_str(), mode);
  struct utimbuf t{mtime, mtime};
  ::utime(p.c_str(), &t);
}

// The same tree, created in a different order and with different (post-SDE) mtimes.
void make_tree(const fs::path& root, bool reverse, time_t mtime) {
  std::vector<std::pair<std::string, std::string>> files = {
      {"etc/os-release", "ID=debian\n"}, {"etc/b.conf", "b"}, {"etc/a.conf", "a"},
      {"usr/bin/ping", "ELF"},           {"var/log/x", ""},   {"etc/Főtanúsítvány.pem", "cert"}};
  if (reverse) std::reverse(files.begin(), files.end());
  for (const auto& [p, c] : files) put(root / p, c, 0644, mtime);
  fs::create_symlink("usr/bin", root / "bin");
  fs::create_directories(root / "dev");
  put(root / "dev/ignored", "runtime", 0644, mtime);
  fs::create_hard_link(root / "etc/a.conf", root / "etc/a-link.conf");
  ::lchown((root / "etc/b.conf").c_str(), 1234, 4321);
  const unsigned char cap[] = {0x01, 0x00, 0x00, 0x02, 0x00, 0x20, 0x00, 0x00, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0};
  ASSERT_EQ(::setxattr((root / "usr/bin/ping").c_str(), "security.capability", cap, sizeof cap, 0), 0);
}

struct Member {
  std::string type;
  int64_t uid, gid, mtime;
  std::string link;
  std::map<std::string, std::string> xattrs;
};

std::vector<std::pair<std::string, Member>> list_archive(const fs::path& file) {
  std::vector<std::pair<std::string, Member>> out;
  Utf8ThreadLocale utf8;
  archive* a = archive_read_new();
  archive_read_support_filter_all(a);
  archive_read_support_format_all(a);
  EXPECT_EQ(archive_read_open_filename(a, file.c_str(), 65536), ARCHIVE_OK);
  archive_entry* e;
  int r;
  while ((r = archive_read_next_header(a, &e)) == ARCHIVE_OK || r == ARCHIVE_WARN) {
    Member m;
    auto t = archive_entry_filetype(e);
    m.type = t == AE_IFDIR ? "dir" : t == AE_IFLNK ? "symlink" : archive_entry_hardlink(e) ? "hardlink" : "file";
    m.uid = archive_entry_uid(e);
    m.gid = archive_entry_gid(e);
    m.mtime = archive_entry_mtime(e);
    if (archive_entry_symlink(e)) m.link = archive_entry_symlink(e);
    if (archive_entry_hardlink(e)) m.link = archive_entry_hardlink(e);
    const char* name;
    const void* value;
    size_t size;
    archive_entry_xattr_reset(e);
    while (archive_entry_xattr_next(e, &name, &value, &size) == ARCHIVE_OK)
      m.xattrs[name] = std::string(static_cast<const char*>(value), size);
    out.emplace_back(archive_entry_pathname(e), m);
  }
  archive_read_free(a);
  return out;
}

TEST(TarWriter, TwoBuildsOfTheSameTreeAreBitIdentical) {
  for (auto c : {Compression::zstd, Compression::xz, Compression::gzip}) {
    Tmp t;
    make_tree(t.path / "a", false, 2000000000);
    make_tree(t.path / "b", true, 2100000000);  // other order, other (later) mtimes
    TarWriteOptions o;
    o.compression = c;
    o.source_date_epoch = 1700000000;
    write_rootfs_archive(t.path / "a", t.path / ("a" + archive_extension(c)), o);
    o.threads = 1;  // thread count must not change the bytes
    write_rootfs_archive(t.path / "b", t.path / ("b" + archive_extension(c)), o);
    EXPECT_EQ(sha256_file(t.path / ("a" + archive_extension(c))), sha256_file(t.path / ("b" + archive_extension(c))))
        << archive_extension(c);
  }
}

TEST(TarWriter, SortedNumericOwnersClampedXattrsHardlinks) {
  Tmp t;
  make_tree(t.path / "root", false, 2000000000);
  put(t.path / "root/etc/old", "x", 0644, 1600000000);  // older than SDE: kept as is
  TarWriteOptions o;
  o.source_date_epoch = 1700000000;
  write_rootfs_archive(t.path / "root", t.path / "out.tar.zst", o);
  auto members = list_archive(t.path / "out.tar.zst");
  ASSERT_FALSE(members.empty());
  EXPECT_EQ(members[0].first, "./");  // pax marks directories with a trailing slash
  std::map<std::string, Member> by_name(members.begin(), members.end());
  // Parent directories come before their children, names in byte order.
  std::vector<std::string> names;
  for (const auto& [n, m] : members) names.push_back(n);
  EXPECT_LT(std::find(names.begin(), names.end(), "./etc/a.conf"), std::find(names.begin(), names.end(), "./etc/b.conf"));
  EXPECT_EQ(by_name["./etc/b.conf"].uid, 1234);
  EXPECT_EQ(by_name["./etc/b.conf"].gid, 4321);
  EXPECT_EQ(by_name["./etc/a.conf"].mtime, 1700000000);
  EXPECT_EQ(by_name["./etc/old"].mtime, 1600000000);
  EXPECT_EQ(by_name["./usr/bin/ping"].xattrs.count("security.capability"), 1u);
  EXPECT_EQ(by_name["./bin"].type, "symlink");
  EXPECT_EQ(by_name["./bin"].link, "usr/bin");
  // "a-link.conf" sorts before "a.conf", so it carries the data and a.conf links to it.
  EXPECT_EQ(by_name["./etc/a-link.conf"].type, "file");
  EXPECT_EQ(by_name["./etc/a.conf"].type, "hardlink");
  EXPECT_EQ(by_name["./etc/a.conf"].link, "./etc/a-link.conf");
  EXPECT_TRUE(by_name.count("./dev/"));
  EXPECT_FALSE(by_name.count("./dev/ignored"));
  EXPECT_TRUE(by_name.count("./etc/Főtanúsítvány.pem"));
}

TEST(TarWriter, FailureLeavesThePreviousArtifact) {
  Tmp t;
  put(t.path / "out.tar.zst", "previous");
  EXPECT_THROW(write_rootfs_archive(t.path / "missing", t.path / "out.tar.zst"), std::runtime_error);
  std::ifstream in(t.path / "out.tar.zst");
  std::string s((std::istreambuf_iterator<char>(in)), {});
  EXPECT_EQ(s, "previous");
  for (const auto& e : fs::directory_iterator(t.path))
    EXPECT_EQ(e.path().filename().string().find("partial"), std::string::npos);
}

TEST(TarWriter, CompressionNames) {
  EXPECT_EQ(parse_compression("zst"), Compression::zstd);
  EXPECT_EQ(parse_compression("gzip"), Compression::gzip);
  EXPECT_THROW(parse_compression("lzo"), std::invalid_argument);
  EXPECT_EQ(compression_from_filename("x.tar.xz"), Compression::xz);
  EXPECT_FALSE(compression_from_filename("x.zip").has_value());
}

// ---------------------------------------------------------------- extraction

struct Crafted {
  std::string name;
  int type = AE_IFREG;
  std::string link;      // symlink target
  std::string hardlink;  // hard link target
};

void craft(const fs::path& file, const std::vector<Crafted>& entries) {
  archive* a = archive_write_new();
  archive_write_set_format_pax_restricted(a);
  archive_write_add_filter_gzip(a);
  ASSERT_EQ(archive_write_open_filename(a, file.c_str()), ARCHIVE_OK);
  for (const auto& c : entries) {
    archive_entry* e = archive_entry_new();
    archive_entry_copy_pathname(e, c.name.c_str());
    archive_entry_set_filetype(e, c.type);
    archive_entry_set_perm(e, 0644);
    if (c.type == AE_IFCHR) archive_entry_set_rdev(e, makedev(1, 3));
    if (!c.link.empty()) archive_entry_copy_symlink(e, c.link.c_str());
    if (!c.hardlink.empty()) archive_entry_copy_hardlink(e, c.hardlink.c_str());
    archive_entry_set_size(e, c.type == AE_IFREG && c.hardlink.empty() ? 2 : 0);
    archive_write_header(a, e);
    if (c.type == AE_IFREG && c.hardlink.empty()) archive_write_data(a, "hi", 2);
    archive_entry_free(e);
  }
  archive_write_close(a);
  archive_write_free(a);
}

std::string refusal(const std::vector<Crafted>& entries, ExtractOptions o = {}) {
  Tmp t;
  craft(t.path / "in.tar.gz", entries);
  try {
    extract_archive_safely(t.path / "in.tar.gz", t.path / "out", o);
  } catch (const UnsafeArchiveEntry& e) {
    return e.what();
  }
  return "";
}

TEST(TarExtract, RefusesAbsolutePaths) {
  auto msg = refusal({{"/etc/passwd"}});
  EXPECT_NE(msg.find("absolute path \"/etc/passwd\""), std::string::npos) << msg;
}

TEST(TarExtract, RefusesDotDot) {
  auto msg = refusal({{"./etc/../../evil"}});
  EXPECT_NE(msg.find("\"..\""), std::string::npos) << msg;
}

TEST(TarExtract, RefusesDeviceNodesUnlessAllowed) {
  auto msg = refusal({{"./dev/null", AE_IFCHR}});
  EXPECT_NE(msg.find("device node refused"), std::string::npos) << msg;
  ExtractOptions skip;
  skip.devices = ExtractOptions::Devices::skip;
  EXPECT_EQ(refusal({{"./dev/null", AE_IFCHR}}, skip), "");
}

TEST(TarExtract, RefusesSymlinksEscapingTheRoot) {
  auto msg = refusal({{"./etc/x", AE_IFLNK, "../../../etc/shadow"}});
  EXPECT_NE(msg.find("escapes the root"), std::string::npos) << msg;
  // Absolute targets resolve inside the guest; relative ones inside the tree are fine.
  EXPECT_EQ(refusal({{"./bin", AE_IFLNK, "usr/bin"}, {"./etc/mtab", AE_IFLNK, "/proc/self/mounts"}}), "");
}

TEST(TarExtract, RefusesHardlinksOutside) {
  auto msg = refusal({{"./a"}, {"./b", AE_IFREG, "", "../../etc/passwd"}});
  EXPECT_NE(msg.find("hard link target"), std::string::npos) << msg;
}

TEST(TarExtract, RoundTripKeepsOwnersAndXattrs) {
  Tmp t;
  make_tree(t.path / "root", false, 2000000000);
  write_rootfs_archive(t.path / "root", t.path / "r.tar.zst");
  extract_archive_safely(t.path / "r.tar.zst", t.path / "back");
  struct stat st;
  ASSERT_EQ(::lstat((t.path / "back/etc/b.conf").c_str(), &st), 0);
  EXPECT_EQ(st.st_uid, 1234u);
  char buf[64];
  EXPECT_GT(::getxattr((t.path / "back/usr/bin/ping").c_str(), "security.capability", buf, sizeof buf), 0);
  EXPECT_TRUE(fs::is_symlink(t.path / "back/bin"));
}

TEST(Hash, KnownDigests) {
  EXPECT_EQ(sha256_hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  Tmp t;
  put(t.path / "f", "abc");
  EXPECT_EQ(file_digest_hex(t.path / "f", HashAlgorithm::sha512).substr(0, 16), "ddaf35a193617aba");
  EXPECT_THROW(sha256_file(t.path / "missing"), std::runtime_error);
}

}  // namespace
