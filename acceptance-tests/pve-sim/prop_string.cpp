#include "acceptance-tests/pve-sim/prop_string.h"

#include <cctype>
#include <cmath>
#include <string>

namespace sarga::pvesim {

PropString parse_prop_string(std::string_view text, std::string_view default_key) {
  PropString out;
  size_t start = 0;
  bool first = true;
  while (start <= text.size()) {
    size_t comma = text.find(',', start);
    std::string_view part =
        text.substr(start, comma == std::string_view::npos ? std::string_view::npos : comma - start);
    size_t eq = part.find('=');
    std::string_view key = eq == std::string_view::npos ? std::string_view{} : part.substr(0, eq);
    if (first && (eq == std::string_view::npos || key == default_key)) {
      out.positional = std::string(eq == std::string_view::npos ? part : part.substr(eq + 1));
    } else if (!part.empty()) {
      if (eq == std::string_view::npos)
        out.options[std::string(part)] = "";
      else
        out.options[std::string(key)] = std::string(part.substr(eq + 1));
    }
    first = false;
    if (comma == std::string_view::npos) break;
    start = comma + 1;
  }
  return out;
}

std::string print_prop_string(const PropString& p) {
  std::string out = p.positional;
  for (const auto& [k, v] : p.options) {
    if (!out.empty()) out += ',';
    out += k + "=" + v;
  }
  return out;
}

std::optional<uint64_t> parse_size(std::string_view text, char default_unit) {
  if (text.empty()) return std::nullopt;
  size_t i = 0;
  while (i < text.size() && (std::isdigit(static_cast<unsigned char>(text[i])) || text[i] == '.'))
    ++i;
  if (i == 0) return std::nullopt;
  double number;
  try {
    number = std::stod(std::string(text.substr(0, i)));
  } catch (...) {
    return std::nullopt;
  }
  char unit = i < text.size() ? static_cast<char>(std::toupper(static_cast<unsigned char>(text[i])))
                              : default_unit;
  if (i + 1 < text.size()) return std::nullopt;
  double mult;
  switch (unit) {
    case 'B': mult = 1; break;
    case 'K': mult = 1024.0; break;
    case 'M': mult = 1024.0 * 1024; break;
    case 'G': mult = 1024.0 * 1024 * 1024; break;
    case 'T': mult = 1024.0 * 1024 * 1024 * 1024; break;
    default: return std::nullopt;
  }
  return static_cast<uint64_t>(std::llround(number * mult));
}

std::string format_size(uint64_t bytes) {
  static const char* units[] = {"T", "G", "M", "K"};
  static const uint64_t sizes[] = {1ULL << 40, 1ULL << 30, 1ULL << 20, 1ULL << 10};
  for (int i = 0; i < 4; ++i)
    if (bytes >= sizes[i] && bytes % sizes[i] == 0) return std::to_string(bytes / sizes[i]) + units[i];
  return std::to_string(bytes);
}

}  // namespace sarga::pvesim
