// The seed image on disk: atomic replacement and removal.
#pragma once

#include <filesystem>
#include <string_view>

namespace sarga::resources::cloudinit_seed {

// Writes `data` to a temporary file beside `path`, flushes it to disk and renames it over
// `path`, so readers see the old image or the new one, never a partial one. Missing parent
// directories are created. Throws std::runtime_error naming the path and the OS error.
void write_file_atomically(const std::filesystem::path& path, std::string_view data);

// Removes `path`; a file that is already gone is fine. Throws std::runtime_error otherwise.
void remove_file_if_present(const std::filesystem::path& path);

}  // namespace sarga::resources::cloudinit_seed
