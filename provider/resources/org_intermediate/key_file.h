// The local intermediate key on disk: written atomically with mode 0600 from the start (the
// key is never readable by others, not even briefly).
#pragma once

#include <optional>
#include <string>

namespace sarga::resources::org_intermediate {

// File contents, or nullopt when the file does not exist. Throws std::runtime_error on
// other read errors.
std::optional<std::string> read_text_file(const std::string& path);

// Replaces `path` with `content`, mode 0600; missing directories are created.
void write_private_file(const std::string& path, const std::string& content);

}  // namespace sarga::resources::org_intermediate
