// Byte encodings the seed needs: deterministic gzip (no timestamp, no name) and base64.
#pragma once

#include <string>
#include <string_view>

namespace sarga::cloudinit {

// gzip member with mtime 0 and no file name, so equal input gives equal bytes.
std::string gzip_bytes(std::string_view data);
// Inflates a gzip member; throws std::runtime_error on corrupt input.
std::string gunzip_bytes(std::string_view data);
bool looks_gzipped(std::string_view data);

std::string base64_encode(std::string_view data);
// Accepts standard base64 with or without line breaks; throws std::runtime_error otherwise.
std::string base64_decode(std::string_view text);

}  // namespace sarga::cloudinit
