// ISO9660 images (Rock Ridge + Joliet) written with libarchive, byte-identical for identical
// inputs: every date libarchive stamps from the clock is rewritten to a fixed time.
//
//   std::vector<sarga::artifact::IsoFile> files = {{"user-data", "#cloud-config\n"},
//                                                  {"meta-data", "instance-id: i-1\n"}};
//   std::string image = sarga::artifact::render_iso(files, {.volume_id = "cidata"});
#pragma once

#include <cstdint>
#include <stdexcept>
#include <string>
#include <vector>

namespace sarga::artifact {

class IsoError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// One regular file in the image root (NoCloud seeds are flat). Names are kept exactly in the
// Rock Ridge and Joliet trees; the plain ISO9660 tree gets libarchive's mangled 8.3 form.
struct IsoFile {
  std::string name;
  std::string content;
};

struct IsoOptions {
  std::string volume_id = "cidata";  // at most 32 d-characters (A-Z 0-9 _), lowercase allowed
  // Seconds since the Unix epoch stamped on every file, directory and volume date.
  std::int64_t timestamp = 0;
};

// Renders the image in memory. Throws IsoError on bad names, duplicate names or libarchive
// failures. Files are written in name order, so the caller's order does not matter.
std::string render_iso(std::vector<IsoFile> files, const IsoOptions& options = {});

// Rewrites every date in the volume descriptors, directory records and Rock Ridge TF entries
// of an ISO9660 image to `timestamp`. render_iso() calls it; exposed for tests. Throws IsoError
// when the image is not a well-formed ISO9660 image.
void fix_iso_dates(std::string& image, std::int64_t timestamp);

// Volume identifier of the primary volume descriptor (trailing spaces removed).
std::string iso_volume_id(const std::string& image);

}  // namespace sarga::artifact
