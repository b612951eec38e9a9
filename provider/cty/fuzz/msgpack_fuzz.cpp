// libFuzzer target: decode arbitrary bytes as one of a few cty types (byte 0 picks it), then
// check the round-trip property in roundtrip_property.h; any break aborts.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>

#include "provider/cty/fuzz/roundtrip_property.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  sarga::cty::fuzzing::Outcome outcome;
  std::string why;
  if (!sarga::cty::fuzzing::check_round_trip(std::string_view(reinterpret_cast<const char*>(data), size), &outcome,
                                             &why)) {
    std::fprintf(stderr, "round-trip property broken: %s\n", why.c_str());
    std::abort();
  }
  return 0;
}
