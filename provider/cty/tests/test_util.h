// Helpers for the cty tests: hex vectors.
#pragma once

#include <string>
#include <string_view>

namespace sarga::cty::testing {

// "92 a1 61" -> bytes; spaces are ignored.
inline std::string hex(std::string_view text) {
  std::string out;
  int pending = -1;
  for (char c : text) {
    int v;
    if (c >= '0' && c <= '9') v = c - '0';
    else if (c >= 'a' && c <= 'f') v = c - 'a' + 10;
    else if (c >= 'A' && c <= 'F') v = c - 'A' + 10;
    else continue;
    if (pending < 0) {
      pending = v;
    } else {
      out.push_back(static_cast<char>(pending << 4 | v));
      pending = -1;
    }
  }
  return out;
}

inline std::string to_hex(std::string_view bytes) {
  static const char* d = "0123456789abcdef";
  std::string out;
  for (unsigned char c : bytes) {
    if (!out.empty()) out += ' ';
    out += d[c >> 4];
    out += d[c & 15];
  }
  return out;
}

}  // namespace sarga::cty::testing
