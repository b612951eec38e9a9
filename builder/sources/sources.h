// Where a build's rootfs comes from: mmdebstrap (debootstrap fallback), cached by the
// hash of its inputs, or an existing rootfs archive/directory imported safely.
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <string>

#include <nlohmann/json.hpp>

#include "builder/template/spec.h"

namespace sarga::sources {

struct SourceContext {
  std::filesystem::path rootfs;     // empty or absent directory to fill
  std::filesystem::path cache_dir;  // e.g. ~/.cache/sarga ("rootfs/<key>" lives below it)
  std::int64_t source_date_epoch = 0;
  std::function<void(const std::string&)> log;
};

// Key of the bootstrap cache: sha256 over tool-relevant inputs (suite, variant,
// components, sorted include list, mirror, architecture, SOURCE_DATE_EPOCH).
std::string bootstrap_cache_key(const tmpl::MmdebstrapSettings& s, std::int64_t source_date_epoch);

// Fills ctx.rootfs; returns what the manifest records about the source
// (type, name, settings, cache key and whether the cache was hit).
nlohmann::json prepare_source(const tmpl::SourceSpec& spec, const SourceContext& ctx);

// Copies a rootfs directory after checking it the same way as an archive: no device
// nodes unless allowed, no symlinks that climb above the root. Throws naming the path.
void import_rootfs_directory(const std::filesystem::path& from, const std::filesystem::path& to, bool allow_devices);

}  // namespace sarga::sources
