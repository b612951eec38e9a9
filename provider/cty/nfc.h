// Internal: NFC normalisation of UTF-8 strings, as go-cty applies to every string value.
#pragma once

#include <string>

namespace sarga::cty {

// Returns s in Unicode NFC. ASCII and already-normalised text is returned unchanged;
// text that is not valid UTF-8 is left as it is.
std::string normalize_nfc(std::string s);

}  // namespace sarga::cty
