// cloud-init user data: validation of raw documents and `part` blocks, and the multipart MIME
// rendering hashicorp/cloudinit's cloudinit_config users know.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "lib/cloudinit/path.h"
#include "lib/cloudinit/problem.h"

namespace sarga::cloudinit {

struct Part {
  std::string content_type;  // text/cloud-config, text/x-shellscript, ...
  std::string filename;      // optional ("" = none)
  std::string merge_type;    // optional X-Merge-Type, e.g. "list(append)+dict(recurse_array)+str()"
  std::string content;

  friend bool operator==(const Part&, const Part&) = default;
};

// Boundary of the rendered multipart document (fixed so output is deterministic).
inline constexpr std::string_view kMimeBoundary = "MIMEBOUNDARY";

// Content types cloud-init handles without a custom part handler.
const std::vector<std::string>& known_part_content_types();

// A raw user_data / vendor_data document: "#cloud-config" (YAML mapping, checked with line
// numbers), "#!" scripts, and the other cloud-init headers pass; anything else is an error.
void validate_user_data(std::string_view text, const Path& path, Problems& out);

// One `part` block at `path` (e.g. part[0]).
void validate_part(const Part& part, const Path& path, Problems& out);

// multipart/mixed document with one section per part, in order.
std::string render_multipart(const std::vector<Part>& parts);

// Parses a document render_multipart() produced back into parts (for import); nullopt when
// `text` is not such a document.
std::optional<std::vector<Part>> parse_multipart(std::string_view text);

}  // namespace sarga::cloudinit
