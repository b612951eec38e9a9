// libFuzzer target for the JSON codec (prior and raw state arrive as JSON): byte 0 picks a
// type, the rest is JSON; check_json_round_trip in roundtrip_property.h says what must hold.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>

#include "provider/cty/fuzz/roundtrip_property.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  sarga::cty::fuzzing::Outcome outcome;
  std::string why;
  if (!sarga::cty::fuzzing::check_json_round_trip(std::string_view(reinterpret_cast<const char*>(data), size),
                                                  &outcome, &why)) {
    std::fprintf(stderr, "JSON round-trip property broken: %s\n", why.c_str());
    std::abort();
  }
  return 0;
}
