// Reproducible rootfs archives (LXC templates): sorted entries, numeric owners,
// mtimes clamped to SOURCE_DATE_EPOCH, no atime/ctime, security.capability and user.*
// xattrs kept, hardlinks stable, restricted pax; zstd (default), xz or gzip.
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace sarga::artifact {

enum class Compression { zstd, xz, gzip, none };

// ".tar.zst", ".tar.xz", ".tar.gz", ".tar".
std::string archive_extension(Compression c);
// Parses "zst"/"zstd"/"xz"/"gz"/"gzip"/"none"; throws std::invalid_argument otherwise.
Compression parse_compression(const std::string& name);
// From a file name ending; std::nullopt when it is none of the four.
std::optional<Compression> compression_from_filename(const std::string& name);

struct TarWriteOptions {
  Compression compression = Compression::zstd;
  std::optional<std::int64_t> source_date_epoch;  // clamp mtimes to it when set
  int level = -1;     // -1: codec default (zstd 3, xz 6, gzip 6)
  int threads = 0;    // zstd/xz worker threads; 0: one per core (output does not depend on it for zstd)
  // Top-level directories stored empty (their contents are runtime state).
  std::vector<std::string> empty_dirs = {"dev", "proc", "sys", "run"};
  std::function<bool()> cancelled;  // polled between entries
};

struct TarWriteStats {
  std::uint64_t entries = 0;
  std::uint64_t file_bytes = 0;
};

// Archives the tree under `root` as "./..." members into `out`. Writes a temporary
// sibling and renames it over `out` only on success, so a failure leaves a previous
// `out` untouched. Throws std::runtime_error naming the offending path.
TarWriteStats write_rootfs_archive(const std::filesystem::path& root,
                                   const std::filesystem::path& out,
                                   const TarWriteOptions& options = {});

}  // namespace sarga::artifact
