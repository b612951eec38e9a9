// libFuzzer target: untrusted rootfs archives through the safe extractor. Any input must
// either extract below the scratch directory or be refused with an exception; nothing may
// land outside it (checked by the sentinel next to it).
#include <unistd.h>

#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>

#include "lib/artifact/tar_extract.h"

namespace fs = std::filesystem;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const fs::path base = [] {
    std::string t = (fs::temp_directory_path() / "sarga-tar-fuzz-XXXXXX").string();
    return fs::path(::mkdtemp(t.data()));
  }();
  fs::path input = base / "input";
  fs::path dest = base / "out" / "root";
  {
    std::ofstream out(input, std::ios::binary);
    out.write(reinterpret_cast<const char*>(data), static_cast<std::streamsize>(size));
  }
  fs::create_directories(dest);
  std::ofstream(base / "out" / "sentinel") << "x";
  try {
    sarga::artifact::ExtractOptions o;
    o.devices = sarga::artifact::ExtractOptions::Devices::skip;
    sarga::artifact::extract_archive_safely(input, dest, o);
  } catch (const std::exception&) {
  }
  // Only "root" and the sentinel may exist next to each other.
  for (const auto& e : fs::directory_iterator(base / "out"))
    if (e.path().filename() != "root" && e.path().filename() != "sentinel") std::abort();
  std::error_code ec;
  fs::remove_all(base / "out", ec);
  return 0;
}
