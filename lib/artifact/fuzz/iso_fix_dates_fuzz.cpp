// fix_iso_dates() walks directory records and Rock Ridge entries of an image it did not
// necessarily write (import reads user files): it must throw IsoError, never crash or hang.
#include <cstddef>
#include <cstdint>
#include <string>

#include "lib/artifact/iso.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  // Mutate a real image's structure: place the input over the descriptors and directories.
  static const std::string base = sarga::artifact::render_iso(
      {{"user-data", "#cloud-config\n"}, {"meta-data", "instance-id: x\n"}});
  std::string image = base;
  size_t offset = 16 * 2048;
  for (size_t i = 0; i < size && offset + i < image.size(); ++i) image[offset + i] = static_cast<char>(data[i]);
  try {
    sarga::artifact::fix_iso_dates(image, 0);
    (void)sarga::artifact::iso_volume_id(image);
  } catch (const sarga::artifact::IsoError&) {
  }
  std::string raw(reinterpret_cast<const char*>(data), size);
  try {
    sarga::artifact::fix_iso_dates(raw, 1);
  } catch (const sarga::artifact::IsoError&) {
  }
  return 0;
}
