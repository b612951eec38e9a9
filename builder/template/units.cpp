#include "builder/template/units.h"

#include <cctype>

namespace sarga::tmpl {

namespace {

// Leading decimal digits of `text` from `at`; nullopt when there are none or they overflow.
std::optional<std::uint64_t> read_number(const std::string& text, size_t& at) {
  size_t start = at;
  std::uint64_t n = 0;
  while (at < text.size() && std::isdigit(static_cast<unsigned char>(text[at]))) {
    if (n > (UINT64_MAX - 9) / 10) return std::nullopt;
    n = n * 10 + static_cast<std::uint64_t>(text[at++] - '0');
  }
  if (at == start) return std::nullopt;
  return n;
}

}  // namespace

std::optional<std::uint64_t> parse_size_mib(const std::string& text, std::string& error) {
  size_t at = 0;
  auto n = read_number(text, at);
  std::string unit = text.substr(at);
  if (n && unit.empty()) {
    error = "bare number";
    return std::nullopt;
  }
  std::uint64_t factor = 0;
  if (unit == "M" || unit == "MiB") factor = 1;
  else if (unit == "G" || unit == "GiB") factor = 1024;
  else if (unit == "T" || unit == "TiB") factor = 1024 * 1024;
  if (!n || factor == 0) {
    error = "not a size";
    return std::nullopt;
  }
  // 16 EiB is far beyond any disk; this only keeps the arithmetic exact.
  if (*n > (UINT64_MAX >> 20) / factor) {
    error = "too large";
    return std::nullopt;
  }
  return *n * factor;
}

std::optional<std::int64_t> parse_duration_seconds(const std::string& text, std::string& error) {
  size_t at = 0;
  std::int64_t total = 0;
  const std::string units = "hms";
  size_t next_unit = 0;  // units must come in order h, m, s
  bool any = false;
  while (at < text.size()) {
    auto n = read_number(text, at);
    if (!n) {
      error = "not a duration";
      return std::nullopt;
    }
    if (at == text.size()) {
      error = any ? "not a duration" : "bare number";
      return std::nullopt;
    }
    size_t u = units.find(text[at], next_unit);
    if (u == std::string::npos || *n > 1000000) {
      error = "not a duration";
      return std::nullopt;
    }
    ++at;
    next_unit = u + 1;
    static const std::int64_t scale[] = {3600, 60, 1};
    total += static_cast<std::int64_t>(*n) * scale[u];
    any = true;
  }
  if (!any) {
    error = "not a duration";
    return std::nullopt;
  }
  return total;
}

std::string format_size_mib(std::uint64_t mib) {
  if (mib != 0 && mib % (1024 * 1024) == 0) return std::to_string(mib / (1024 * 1024)) + "T";
  if (mib != 0 && mib % 1024 == 0) return std::to_string(mib / 1024) + "G";
  return std::to_string(mib) + "M";
}

std::string format_duration(std::int64_t seconds) {
  std::string out;
  if (seconds >= 3600) out += std::to_string(seconds / 3600) + "h";
  if (seconds % 3600 >= 60) out += std::to_string(seconds % 3600 / 60) + "m";
  if (seconds % 60 || out.empty()) out += std::to_string(seconds % 60) + "s";
  return out;
}

}  // namespace sarga::tmpl
