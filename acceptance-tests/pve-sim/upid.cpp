#include "acceptance-tests/pve-sim/upid.h"

#include <cctype>
#include <cstdio>
#include <vector>

namespace sarga::pvesim {

std::string format_upid(const Upid& u) {
  char nums[64];
  std::snprintf(nums, sizeof nums, "%08X:%08llX:%08X", u.pid,
                static_cast<unsigned long long>(u.pstart), u.starttime);
  return "UPID:" + u.node + ":" + nums + ":" + u.type + ":" + u.id + ":" + u.user + ":";
}

namespace {

bool is_hex(std::string_view s, size_t min_len, size_t max_len) {
  if (s.size() < min_len || s.size() > max_len) return false;
  for (char c : s)
    if (!std::isxdigit(static_cast<unsigned char>(c))) return false;
  return true;
}

// A hostname label: letters and digits, inner hyphens allowed.
bool is_node_name(std::string_view s) {
  if (s.empty() || s.front() == '-' || s.back() == '-') return false;
  for (char c : s)
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '-') return false;
  return true;
}

// Characters other than ':', whitespace and '/'.
bool is_word(std::string_view s, bool allow_empty) {
  if (s.empty()) return allow_empty;
  for (char c : s)
    if (c == ':' || c == '/' || std::isspace(static_cast<unsigned char>(c))) return false;
  return true;
}

}  // namespace

std::optional<Upid> parse_upid(std::string_view text) {
  if (text.substr(0, 5) != "UPID:") return std::nullopt;
  text.remove_prefix(5);
  std::vector<std::string_view> fields;
  while (!text.empty()) {
    size_t colon = text.find(':');
    if (colon == std::string_view::npos) return std::nullopt;  // every field ends with ':'
    fields.push_back(text.substr(0, colon));
    text.remove_prefix(colon + 1);
  }
  if (fields.size() != 7) return std::nullopt;
  if (!is_node_name(fields[0]) || !is_hex(fields[1], 8, 8) || !is_hex(fields[2], 8, 9) ||
      !is_hex(fields[3], 8, 8) || !is_word(fields[4], false) || !is_word(fields[5], true) ||
      !is_word(fields[6], false))
    return std::nullopt;
  Upid u;
  u.node = std::string(fields[0]);
  u.pid = static_cast<uint32_t>(std::stoul(std::string(fields[1]), nullptr, 16));
  u.pstart = std::stoull(std::string(fields[2]), nullptr, 16);
  u.starttime = static_cast<uint32_t>(std::stoul(std::string(fields[3]), nullptr, 16));
  u.type = std::string(fields[4]);
  u.id = std::string(fields[5]);
  u.user = std::string(fields[6]);
  return u;
}

}  // namespace sarga::pvesim
