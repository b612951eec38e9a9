#include "provider/cty/nfc.h"

#include <unicode/normalizer2.h>
#include <unicode/unistr.h>
#include <unicode/utf8.h>

namespace sarga::cty {
namespace {

bool is_ascii(const std::string& s) {
  for (unsigned char c : s) {
    if (c >= 0x80) return false;
  }
  return true;
}

bool is_valid_utf8(const std::string& s) {
  int32_t i = 0;
  const int32_t n = static_cast<int32_t>(s.size());
  if (static_cast<size_t>(n) != s.size()) return false;
  while (i < n) {
    UChar32 c;
    U8_NEXT(reinterpret_cast<const uint8_t*>(s.data()), i, n, c);
    if (c < 0) return false;
  }
  return true;
}

}  // namespace

std::string normalize_nfc(std::string s) {
  if (is_ascii(s) || !is_valid_utf8(s)) return s;
  UErrorCode status = U_ZERO_ERROR;
  const icu::Normalizer2* nfc = icu::Normalizer2::getNFCInstance(status);
  if (U_FAILURE(status)) return s;
  icu::UnicodeString text = icu::UnicodeString::fromUTF8(s);
  if (nfc->isNormalized(text, status) && U_SUCCESS(status)) return s;
  status = U_ZERO_ERROR;
  icu::UnicodeString normalized = nfc->normalize(text, status);
  if (U_FAILURE(status)) return s;
  std::string out;
  normalized.toUTF8String(out);
  return out;
}

}  // namespace sarga::cty
