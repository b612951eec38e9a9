// Durations as users write them for certificate lifetimes: Go/OpenBao syntax ("8760h",
// "1h30m", "90s") plus "d" for days ("30d"). Whole seconds only.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace sarga::resources::org_intermediate {

// Seconds, or nullopt when the text is not a duration (empty, unknown unit, overflow).
std::optional<int64_t> parse_duration(std::string_view text);

// What parse_duration accepts, for error messages.
inline constexpr const char* kDurationHint = "a duration such as \"8760h\", \"30d\", \"1h30m\" or \"90s\"";

}  // namespace sarga::resources::org_intermediate
