// The per-build scratch directory. Removal first detaches anything still mounted
// below it: deleting through a leftover /dev bind mount would delete the host's /dev.
#pragma once

#include <filesystem>

namespace sarga::pipeline {

std::filesystem::path make_work_dir(const std::filesystem::path& parent);
// Unmounts (lazily) every mount point under `dir`; returns how many remain mounted.
int unmount_below(const std::filesystem::path& dir);
// Throws std::runtime_error instead of deleting when something stays mounted.
void remove_work_dir(const std::filesystem::path& dir);

// Puts a finished file at `to` without a moment where `to` is half-written: renamed to
// "<dir>/.<name>.partial" (copied when `from` is on another file system), then renamed.
void move_into_place(const std::filesystem::path& from, const std::filesystem::path& to);

}  // namespace sarga::pipeline
