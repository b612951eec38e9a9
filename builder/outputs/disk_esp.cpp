// The ESP: FAT32 made and filled with mtools directly in the image file (no mount, no loop
// device). mtools 4.0.32 honours SOURCE_DATE_EPOCH for the times it makes up (volume label,
// mmd); file and directory entries are created in sorted order so the bytes do not depend on
// the host's readdir order.
#include <algorithm>
#include <map>
#include <stdexcept>

#include "builder/outputs/disk_internal.h"
#include "lib/process/process.h"

namespace fs = std::filesystem;

namespace sarga::outputs::disk {

void write_esp(const fs::path& image, const PlannedPartition& esp, const fs::path& tree, std::int64_t sde) {
  std::string target = image.string() + "@@" + std::to_string(esp.start_sector * kSectorBytes);
  std::map<std::string, std::string> env = {{"SOURCE_DATE_EPOCH", std::to_string(sde)},
                                            {"MTOOLS_SKIP_CHECK", "1"},
                                            {"MTOOLSRC", "/dev/null"}};  // no ~/.mtoolsrc drive settings
  std::string volume_id = esp.fs_uuid;
  volume_id.erase(std::remove(volume_id.begin(), volume_id.end(), '-'), volume_id.end());
  process::run({"mformat", "-i", target, "-F", "-N", volume_id, "-v", "ESP", "-T", std::to_string(esp.size_sectors),
                "-h", "64", "-s", "32", "::"},
               {.env = env});

  // Breadth-first in byte order: directories with mmd, then each directory's files in one mcopy.
  std::vector<fs::path> dirs = {fs::path()};
  for (std::size_t i = 0; i < dirs.size(); ++i) {
    std::vector<fs::path> entries;
    for (const auto& e : fs::directory_iterator(tree / dirs[i])) entries.push_back(e.path());
    std::sort(entries.begin(), entries.end());
    std::vector<std::string> files;
    for (const auto& e : entries) {
      fs::path rel = dirs[i] / e.filename();
      if (fs::is_symlink(e)) continue;
      if (fs::is_directory(e)) {
        process::run({"mmd", "-i", target, "::/" + rel.generic_string()}, {.env = env});
        dirs.push_back(rel);
      } else if (fs::is_regular_file(e)) {
        files.push_back(e.string());
      }
    }
    if (files.empty()) continue;
    std::vector<std::string> argv = {"mcopy", "-m", "-i", target};
    argv.insert(argv.end(), files.begin(), files.end());
    argv.push_back("::/" + dirs[i].generic_string());
    process::run(argv, {.env = env});
  }
}

}  // namespace sarga::outputs::disk
