// WWW-Authenticate headers come from the network: the digest challenge parser must never
// crash, and whatever it accepts must produce an Authorization header.
#include <cstddef>
#include <cstdint>
#include <string>

#include "lib/plug/digest.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string header(reinterpret_cast<const char*>(data), size);
  if (auto c = sarga::plug::parse_digest_challenge(header)) {
    std::string h = sarga::plug::digest_authorization(*c, "admin", "pw", "POST", "/rpc", "abc", 1);
    if (h.rfind("Digest ", 0) != 0) __builtin_trap();
  }
  return 0;
}
