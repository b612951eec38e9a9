#include "provider/resources/org_intermediate/duration.h"

#include <cctype>
#include <limits>

namespace sarga::resources::org_intermediate {

std::optional<int64_t> parse_duration(std::string_view text) {
  if (text.empty()) return std::nullopt;
  int64_t total = 0;
  std::size_t i = 0;
  while (i < text.size()) {
    if (!std::isdigit(static_cast<unsigned char>(text[i]))) return std::nullopt;
    int64_t n = 0;
    while (i < text.size() && std::isdigit(static_cast<unsigned char>(text[i]))) {
      if (n > (std::numeric_limits<int64_t>::max() - 9) / 10) return std::nullopt;
      n = n * 10 + (text[i++] - '0');
    }
    if (i == text.size()) return std::nullopt;  // a unit is required ("3600" is ambiguous)
    int64_t unit = 0;
    switch (text[i++]) {
      case 'd': unit = 86400; break;
      case 'h': unit = 3600; break;
      case 'm': unit = 60; break;
      case 's': unit = 1; break;
      default: return std::nullopt;
    }
    if (n > (std::numeric_limits<int64_t>::max() - total) / unit) return std::nullopt;
    total += n * unit;
  }
  return total;
}

}  // namespace sarga::resources::org_intermediate
