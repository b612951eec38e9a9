#include "lib/pve/upid.h"

#include <cctype>
#include <vector>

namespace sarga::pve {

namespace {
bool hex_field(std::string_view s, size_t min, size_t max, std::uint64_t& out) {
  if (s.size() < min || s.size() > max) return false;
  out = 0;
  for (char c : s) {
    if (!std::isxdigit(static_cast<unsigned char>(c))) return false;
    out = out * 16 + (std::isdigit(static_cast<unsigned char>(c)) ? c - '0' : (std::tolower(c) - 'a' + 10));
  }
  return true;
}
bool node_name(std::string_view s) {
  if (s.empty() || s.front() == '-' || s.back() == '-') return false;
  for (char c : s)
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '-') return false;
  return true;
}
bool plain_field(std::string_view s, bool allow_empty) {
  if (s.empty()) return allow_empty;
  for (char c : s)
    if (c == ':' || c == '/' || std::isspace(static_cast<unsigned char>(c))) return false;
  return true;
}
}  // namespace

std::optional<Upid> parse_upid(std::string_view text) {
  if (text.substr(0, 5) != "UPID:" || text.empty() || text.back() != ':') return std::nullopt;
  std::vector<std::string_view> f;
  size_t s = 5;
  while (s < text.size()) {
    size_t c = text.find(':', s);
    f.push_back(text.substr(s, c - s));
    s = c + 1;
  }
  if (f.size() != 7) return std::nullopt;
  Upid u;
  std::uint64_t pid, pstart, start;
  if (!node_name(f[0]) || !hex_field(f[1], 8, 8, pid) || !hex_field(f[2], 8, 9, pstart) ||
      !hex_field(f[3], 8, 8, start) || !plain_field(f[4], false) || !plain_field(f[5], true) ||
      !plain_field(f[6], false))
    return std::nullopt;
  u.node = f[0];
  u.pid = static_cast<std::uint32_t>(pid);
  u.pstart = pstart;
  u.starttime = static_cast<std::uint32_t>(start);
  u.type = f[4];
  u.id = f[5];
  u.user = f[6];
  u.text = text;
  return u;
}

}  // namespace sarga::pve
