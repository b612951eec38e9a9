// qcow2 from the finished raw disk. qemu-img writes no timestamps into qcow2, so the same raw
// gives the same qcow2 bytes; compression stays off (faster to build and to boot).
#include <nlohmann/json.hpp>
#include <stdexcept>

#include "builder/outputs/disk_internal.h"
#include "lib/process/process.h"

namespace fs = std::filesystem;

namespace sarga::outputs::disk {

void convert_to_qcow2(const fs::path& raw, const fs::path& qcow2) {
  process::run({"qemu-img", "convert", "-q", "-f", "raw", "-O", "qcow2", raw.string(), qcow2.string()});
}

std::uint64_t image_virtual_size(const fs::path& image, const std::string& format) {
  std::string out = process::run({"qemu-img", "info", "--output=json", "-f", format, image.string()}).out;
  auto info = nlohmann::json::parse(out, nullptr, false);
  if (info.is_discarded() || !info.contains("virtual-size"))
    throw std::runtime_error("qemu-img info " + image.string() + ": no virtual-size in its output");
  return info["virtual-size"].get<std::uint64_t>();
}

}  // namespace sarga::outputs::disk
