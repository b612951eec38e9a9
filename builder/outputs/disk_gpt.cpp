// The GPT, written by sfdisk from a script: fixed disk GUID and partition UUIDs/names, and an
// explicit size for every partition (sfdisk would otherwise round the last one itself).
#include <fstream>
#include <stdexcept>

#include "builder/outputs/disk_internal.h"
#include "lib/process/process.h"

namespace fs = std::filesystem;

namespace sarga::outputs::disk {

std::string sfdisk_script(const DiskLayout& layout) {
  std::string out = "label: gpt\nlabel-id: " + layout.disk_guid + "\nunit: sectors\nfirst-lba: " +
                    std::to_string(layout.partitions.empty() ? kSectorsPerMiB : layout.partitions.front().start_sector) +
                    "\nsector-size: " + std::to_string(kSectorBytes) + "\n\n";
  for (const auto& p : layout.partitions)
    out += "start=" + std::to_string(p.start_sector) + ", size=" + std::to_string(p.size_sectors) + ", type=" + p.type_guid +
           ", uuid=" + p.part_uuid + ", name=\"" + p.name + "\"\n";
  return out;
}

void write_gpt(const fs::path& image, const DiskLayout& layout) {
  fs::path script = image.string() + ".sfdisk";
  {
    std::ofstream f(script, std::ios::binary | std::ios::trunc);
    f << sfdisk_script(layout);
    if (!f.flush()) throw std::runtime_error("cannot write " + script.string());
  }
  try {
    process::run({"sfdisk", "--quiet", "--no-reread", "--no-tell-kernel", "--wipe", "never", image.string()},
                 {.stdin_file = script});
  } catch (...) {
    fs::remove(script);
    throw;
  }
  fs::remove(script);
}

}  // namespace sarga::outputs::disk
