// Safe extraction of a rootfs archive (any format/compression libarchive reads) into a
// directory: refuses absolute paths, ".." components, hard links outside the tree,
// relative symlinks that climb above the root, and device nodes unless allowed.
#pragma once

#include <cstdint>
#include <filesystem>
#include <stdexcept>
#include <string>

namespace sarga::artifact {

struct ExtractOptions {
  enum class Devices { refuse, skip, allow };
  Devices devices = Devices::refuse;
};

struct ExtractStats {
  std::uint64_t entries = 0;
  std::uint64_t skipped_devices = 0;
};

// Thrown for a member the policy refuses; what() names the archive and the member.
struct UnsafeArchiveEntry : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// Checks one member name; returns the normalised relative path ("" for the root) or
// throws UnsafeArchiveEntry. Exposed for tests and the directory source.
std::string checked_member_path(const std::string& name);
// True when a relative symlink at `link_rel` (relative to the root) with `target`
// resolves outside the root. Absolute targets stay inside (they resolve in the guest).
bool symlink_escapes(const std::string& link_rel, const std::string& target);

ExtractStats extract_archive_safely(const std::filesystem::path& archive_file,
                                    const std::filesystem::path& dest,
                                    const ExtractOptions& options = {});

}  // namespace sarga::artifact
