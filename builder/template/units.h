// Sizes ("4G", "512MiB") and durations ("10m", "1h30m") as templates write them.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

namespace sarga::tmpl {

// "512M", "512MiB", "4G", "4GiB", "1T", "1TiB" -> MiB (binary units: M = MiB). A bare number, an
// unknown unit or an overflow gives nullopt and `error` says which of these it was.
std::optional<std::uint64_t> parse_size_mib(const std::string& text, std::string& error);

// "90s", "10m", "1h30m", "1h0m5s" -> seconds (units h, m, s in that order, each at most once).
std::optional<std::int64_t> parse_duration_seconds(const std::string& text, std::string& error);

// The reverse, for printers: 4096 -> "4G", 512 -> "512M"; 5400 -> "1h30m", 90 -> "1m30s".
std::string format_size_mib(std::uint64_t mib);
std::string format_duration(std::int64_t seconds);

}  // namespace sarga::tmpl
