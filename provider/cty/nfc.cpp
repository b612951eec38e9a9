#include "provider/cty/nfc.h"

#include <dlfcn.h>
#include <unicode/unorm2.h>
#include <unicode/ustring.h>
#include <unicode/uvernum.h>

#include <stdexcept>
#include <vector>

namespace sarga::cty {
namespace {

// ICU is needed only for non-ASCII text, so it is loaded on first use: linked normally it
// costs every provider start its relocations and about 0.6 MB of resident memory. The C
// entry points carry the major version in their names (unorm2_normalize_72).
#define SARGA_ICU_NAME2(x) #x
#define SARGA_ICU_NAME(x) SARGA_ICU_NAME2(x)
#define SARGA_ICU_SONAME2(v) "libicuuc.so." #v
#define SARGA_ICU_SONAME(v) SARGA_ICU_SONAME2(v)

struct Icu {
  decltype(&unorm2_getNFCInstance) nfc_instance;
  decltype(&unorm2_isNormalized) is_normalized;
  decltype(&unorm2_normalize) normalize;
  decltype(&u_strFromUTF8) from_utf8;
  decltype(&u_strToUTF8) to_utf8;
};

template <class Fn>
void bind(void* lib, Fn& fn, const char* name) {
  fn = reinterpret_cast<Fn>(::dlsym(lib, name));
  if (fn == nullptr) throw std::runtime_error(std::string("ICU lacks ") + name);
}

Icu load_icu() {
  const char* soname = SARGA_ICU_SONAME(U_ICU_VERSION_MAJOR_NUM);
  void* lib = ::dlopen(soname, RTLD_NOW | RTLD_LOCAL);  // never closed
  if (lib == nullptr) {
    throw std::runtime_error(std::string("cannot load ") + soname +
                             " to normalise a non-ASCII string (install the Debian package libicu" +
                             std::to_string(U_ICU_VERSION_MAJOR_NUM) + ")");
  }
  Icu icu{};
  bind(lib, icu.nfc_instance, SARGA_ICU_NAME(unorm2_getNFCInstance));
  bind(lib, icu.is_normalized, SARGA_ICU_NAME(unorm2_isNormalized));
  bind(lib, icu.normalize, SARGA_ICU_NAME(unorm2_normalize));
  bind(lib, icu.from_utf8, SARGA_ICU_NAME(u_strFromUTF8));
  bind(lib, icu.to_utf8, SARGA_ICU_NAME(u_strToUTF8));
  return icu;
}

const Icu& icu() {
  static const Icu loaded = load_icu();  // a failed load throws again on the next call
  return loaded;
}

bool is_ascii(const std::string& s) {
  for (unsigned char c : s) {
    if (c >= 0x80) return false;
  }
  return true;
}

}  // namespace

std::string normalize_nfc(std::string s) {
  if (is_ascii(s)) return s;
  const Icu& lib = icu();
  UErrorCode status = U_ZERO_ERROR;
  const UNormalizer2* nfc = lib.nfc_instance(&status);
  if (U_FAILURE(status)) return s;

  // UTF-8 -> UTF-16; text that is not valid UTF-8 is left as it is.
  int32_t units = 0;
  lib.from_utf8(nullptr, 0, &units, s.data(), static_cast<int32_t>(s.size()), &status);
  if (status != U_BUFFER_OVERFLOW_ERROR && U_FAILURE(status)) return s;
  std::vector<UChar> text(static_cast<size_t>(units));
  status = U_ZERO_ERROR;
  lib.from_utf8(text.data(), units, nullptr, s.data(), static_cast<int32_t>(s.size()), &status);
  if (U_FAILURE(status)) return s;
  if (lib.is_normalized(nfc, text.data(), units, &status) && U_SUCCESS(status)) return s;

  status = U_ZERO_ERROR;
  int32_t normalized_units = lib.normalize(nfc, text.data(), units, nullptr, 0, &status);
  if (status != U_BUFFER_OVERFLOW_ERROR && U_FAILURE(status)) return s;
  std::vector<UChar> normalized(static_cast<size_t>(normalized_units));
  status = U_ZERO_ERROR;
  lib.normalize(nfc, text.data(), units, normalized.data(), normalized_units, &status);
  if (U_FAILURE(status)) return s;

  int32_t bytes = 0;
  lib.to_utf8(nullptr, 0, &bytes, normalized.data(), normalized_units, &status);
  if (status != U_BUFFER_OVERFLOW_ERROR && U_FAILURE(status)) return s;
  std::string out(static_cast<size_t>(bytes), '\0');
  status = U_ZERO_ERROR;
  lib.to_utf8(out.data(), bytes, nullptr, normalized.data(), normalized_units, &status);
  return U_FAILURE(status) ? s : out;
}

}  // namespace sarga::cty
