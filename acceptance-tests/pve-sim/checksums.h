// Hex digests for the checksum algorithms PVE's upload and download-url accept.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace sarga::pvesim {

// algorithm: md5, sha1, sha224, sha256, sha384, sha512; nullopt for anything else.
std::optional<std::string> hex_digest(std::string_view algorithm, std::string_view data);

}  // namespace sarga::pvesim
