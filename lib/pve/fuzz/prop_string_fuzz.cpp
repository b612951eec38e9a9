// Property strings come from PVE answers (and from users through HCL): parse must either
// throw std::invalid_argument or give a value that formats and parses back to itself.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <stdexcept>
#include <string_view>

#include "lib/pve/prop_string.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  for (std::string_view key : {std::string_view{}, std::string_view{"file"}}) {
    try {
      auto p = sarga::pve::parse_prop_string(text, key);
      auto again = sarga::pve::parse_prop_string(sarga::pve::format_prop_string(p), key);
      if (again.first != p.first || again.items != p.items) std::abort();
    } catch (const std::invalid_argument&) {
    }
  }
  (void)sarga::pve::parse_size_bytes(text);
  return 0;
}
