// libarchive converts entry names between the thread's locale and UTF-8 (pax headers);
// under a "C" locale every non-ASCII name fails. This guard switches only the calling
// thread to C.UTF-8 for its lifetime.
#pragma once

#include <locale.h>

namespace sarga::artifact {

class Utf8ThreadLocale {
 public:
  Utf8ThreadLocale() {
    loc_ = newlocale(LC_CTYPE_MASK, "C.UTF-8", static_cast<locale_t>(0));
    if (loc_) old_ = uselocale(loc_);
  }
  ~Utf8ThreadLocale() {
    if (loc_) {
      uselocale(old_);
      freelocale(loc_);
    }
  }
  Utf8ThreadLocale(const Utf8ThreadLocale&) = delete;
  Utf8ThreadLocale& operator=(const Utf8ThreadLocale&) = delete;

 private:
  locale_t loc_ = static_cast<locale_t>(0);
  locale_t old_ = static_cast<locale_t>(0);
};

}  // namespace sarga::artifact
