#include "lib/artifact/iso.h"
#include "lib/artifact/hash.h"

#include <archive.h>
#include <archive_entry.h>
#include <gtest/gtest.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <thread>

namespace sarga::artifact {
namespace {

std::vector<IsoFile> seed_files() {
  return {{"user-data", "#cloud-config\npackages: [nginx]\n"},
          {"meta-data", "instance-id: iid-1\nlocal-hostname: web-01\n"},
          {"network-config", "version: 2\nethernets: {}\n"}};
}

// Reads every regular file back with libarchive's ISO reader (Rock Ridge names).
std::map<std::string, std::string> read_back(const std::string& image) {
  struct archive* a = archive_read_new();
  archive_read_support_format_iso9660(a);
  EXPECT_EQ(archive_read_open_memory(a, image.data(), image.size()), ARCHIVE_OK)
      << archive_error_string(a);
  std::map<std::string, std::string> out;
  struct archive_entry* e = nullptr;
  while (archive_read_next_header(a, &e) == ARCHIVE_OK) {
    if (archive_entry_filetype(e) != AE_IFREG) continue;
    std::string body(static_cast<std::size_t>(archive_entry_size(e)), '\0');
    archive_read_data(a, body.data(), body.size());
    out[archive_entry_pathname(e)] = body;
  }
  archive_read_free(a);
  return out;
}

std::string run(const std::string& cmd) {
  std::string out;
  FILE* p = popen(cmd.c_str(), "r");
  if (!p) return out;
  char buf[4096];
  size_t n;
  while ((n = fread(buf, 1, sizeof buf, p)) > 0) out.append(buf, n);
  pclose(p);
  return out;
}

std::filesystem::path write_temp(const std::string& image, const std::string& name) {
  auto path = std::filesystem::temp_directory_path() / (name + "-" + std::to_string(::getpid()) + ".iso");
  std::ofstream(path, std::ios::binary) << image;
  return path;
}

TEST(Iso, RendersAreByteIdenticalAcrossClockSeconds) {
  std::string first = render_iso(seed_files());
  // libarchive stamps the volume with time(NULL): cross a second boundary before rendering again.
  auto start = std::time(nullptr);
  while (std::time(nullptr) == start) std::this_thread::sleep_for(std::chrono::milliseconds(20));
  std::string second = render_iso(seed_files());
  ASSERT_EQ(first.size(), second.size());
  EXPECT_TRUE(first == second) << "ISO bytes differ between renders";
}

TEST(Iso, InputOrderDoesNotMatter) {
  auto files = seed_files();
  std::reverse(files.begin(), files.end());
  EXPECT_EQ(sha256_hex(render_iso(files)), sha256_hex(render_iso(seed_files())));
}

TEST(Iso, DifferentContentGivesDifferentImage) {
  auto files = seed_files();
  files[0].content += "# changed\n";
  EXPECT_NE(render_iso(files), render_iso(seed_files()));
}

TEST(Iso, VolumeLabelIsCidata) {
  std::string image = render_iso(seed_files());
  EXPECT_EQ(iso_volume_id(image), "cidata");
  auto path = write_temp(image, "label");
  std::string info = run("isoinfo -d -i " + path.string() + " 2>&1");
  std::filesystem::remove(path);
  EXPECT_NE(info.find("Volume id: cidata"), std::string::npos) << info;
  EXPECT_NE(info.find("Rock Ridge signatures version 1 found"), std::string::npos) << info;
  EXPECT_NE(info.find("Joliet with UCS level 3 found"), std::string::npos) << info;
}

TEST(Iso, FilesReadBackWithLibarchive) {
  auto files = read_back(render_iso(seed_files()));
  ASSERT_EQ(files.size(), 3u);
  EXPECT_EQ(files["user-data"], "#cloud-config\npackages: [nginx]\n");
  EXPECT_EQ(files["meta-data"], "instance-id: iid-1\nlocal-hostname: web-01\n");
  EXPECT_EQ(files["network-config"], "version: 2\nethernets: {}\n");
}

TEST(Iso, XorrisoListsRockRidgeAndJolietNames) {
  auto path = write_temp(render_iso(seed_files()), "names");
  std::string rr = run("xorriso -indev " + path.string() + " -ls / 2>/dev/null");
  std::string joliet =
      run("xorriso -rockridge off -indev " + path.string() + " -ls / 2>/dev/null");
  std::filesystem::remove(path);
  for (const char* name : {"'user-data'", "'meta-data'", "'network-config'"}) {
    EXPECT_NE(rr.find(name), std::string::npos) << rr;
    EXPECT_NE(joliet.find(name), std::string::npos) << joliet;
  }
}

TEST(Iso, DatesFollowTheTimestamp) {
  std::string image = render_iso(seed_files(), {.volume_id = "cidata", .timestamp = 1700000000});
  // 2023-11-14T22:13:20Z in the primary volume creation date.
  EXPECT_EQ(image.substr(16 * 2048 + 813, 16), "2023111422132000");
  auto files = seed_files();
  std::string other = render_iso(files, {.volume_id = "cidata", .timestamp = 0});
  EXPECT_EQ(other.substr(16 * 2048 + 813, 16), "1970010100000000");
  fix_iso_dates(other, 1700000000);
  EXPECT_EQ(other, image);
}

TEST(Iso, EmptyFileIsAllowed) {
  auto files = read_back(render_iso({{"vendor-data", ""}, {"meta-data", "x: 1\n"}}));
  EXPECT_EQ(files.at("vendor-data"), "");
}

TEST(Iso, RejectsBadNamesAndLabels) {
  EXPECT_THROW(render_iso({{"a/b", "x"}}), IsoError);
  EXPECT_THROW(render_iso({{"", "x"}}), IsoError);
  EXPECT_THROW(render_iso({{"a", "x"}, {"a", "y"}}), IsoError);
  EXPECT_THROW(render_iso({{"a", "x"}}, {.volume_id = "ci data"}), IsoError);
  EXPECT_THROW(render_iso({{"a", "x"}}, {.volume_id = std::string(33, 'a')}), IsoError);
}

TEST(Iso, FixDatesRejectsGarbage) {
  std::string junk(40000, 'x');
  EXPECT_THROW(fix_iso_dates(junk, 0), IsoError);
  std::string tiny = "CD001";
  EXPECT_THROW(iso_volume_id(tiny), IsoError);
}

}  // namespace
}  // namespace sarga::artifact
