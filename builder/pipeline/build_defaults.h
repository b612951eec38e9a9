// Defaults a build and its description share: SOURCE_DATE_EPOCH, the cache folder and
// the names steps go by in events and the manifest.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>

#include "builder/template/spec.h"

namespace sarga::pipeline {

// The source's source_date_epoch, else $SOURCE_DATE_EPOCH, else the template's mtime.
std::int64_t pick_source_date_epoch(const tmpl::BuildSpec& spec);
// $SARGA_CACHE_DIR, $XDG_CACHE_HOME/sarga, ~/.cache/sarga or /var/cache/sarga.
std::filesystem::path default_cache_dir();
// "shell \"setup\" #3".
std::string step_label(const tmpl::StepSpec& s, size_t index);

}  // namespace sarga::pipeline
