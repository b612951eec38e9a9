#include "acceptance-tests/pve-sim/reason_phrase.h"

#include <dlfcn.h>
#include <openssl/ssl.h>

#include <string_view>

namespace sarga::pvesim {

namespace {
thread_local std::string pending_phrase;
}

void set_reason_phrase(const std::string& phrase) {
  std::string line = phrase.substr(0, phrase.find_first_of("\r\n"));
  pending_phrase = line;
}

std::string rewrite_status_line(const std::string& response, const std::string& phrase) {
  if (response.compare(0, 9, "HTTP/1.1 ") != 0 || response.size() < 13) return response;
  size_t eol = response.find("\r\n");
  if (eol == std::string::npos) return response;
  return response.substr(0, 13) + phrase + response.substr(eol);
}

}  // namespace sarga::pvesim

extern "C" int SSL_write(SSL* ssl, const void* buf, int num) {
  using WriteFn = int (*)(SSL*, const void*, int);
  static WriteFn real = reinterpret_cast<WriteFn>(dlsym(RTLD_NEXT, "SSL_write"));
  auto& phrase = sarga::pvesim::pending_phrase;
  if (!phrase.empty() && num > 13 && std::string_view(static_cast<const char*>(buf), 9) == "HTTP/1.1 ") {
    std::string rewritten =
        sarga::pvesim::rewrite_status_line(std::string(static_cast<const char*>(buf), static_cast<size_t>(num)), phrase);
    phrase.clear();
    int n = real(ssl, rewritten.data(), static_cast<int>(rewritten.size()));
    return n == static_cast<int>(rewritten.size()) ? num : (n > 0 ? 0 : n);
  }
  return real(ssl, buf, num);
}
