#include "lib/pki/openssl_util.h"

#include <openssl/err.h>
#include <openssl/evp.h>

#include "lib/pki/error.h"

namespace sarga::pki::detail {

std::string openssl_error() {
  std::string last;
  unsigned long code;
  while ((code = ERR_get_error()) != 0) {
    const char* reason = ERR_reason_error_string(code);
    last = reason ? reason : ("error " + std::to_string(code));
  }
  return last;
}

void fail(const std::string& what) {
  std::string reason = openssl_error();
  throw Error(reason.empty() ? what : what + ": " + reason);
}

BioPtr read_bio(std::string_view data) {
  BioPtr b(BIO_new_mem_buf(data.data(), static_cast<int>(data.size())));
  if (!b) fail("cannot allocate a memory BIO");
  return b;
}

BioPtr write_bio() {
  BioPtr b(BIO_new(BIO_s_mem()));
  if (!b) fail("cannot allocate a memory BIO");
  return b;
}

std::string bio_contents(BIO* bio) {
  char* data = nullptr;
  long n = BIO_get_mem_data(bio, &data);
  return n > 0 ? std::string(data, static_cast<std::size_t>(n)) : std::string();
}

std::string hex(const unsigned char* data, std::size_t size, bool upper, char separator) {
  const char* digits = upper ? "0123456789ABCDEF" : "0123456789abcdef";
  std::string out;
  out.reserve(size * 3);
  for (std::size_t i = 0; i < size; ++i) {
    if (separator && i) out += separator;
    out += digits[data[i] >> 4];
    out += digits[data[i] & 0xF];
  }
  return out;
}

std::string sha256_hex(std::string_view data) {
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  if (EVP_Digest(data.data(), data.size(), md, &len, EVP_sha256(), nullptr) != 1) fail("SHA-256 failed");
  return hex(md, len);
}

int refuse_passphrase(char*, int, int, void* asked_flag) {
  if (asked_flag) *static_cast<bool*>(asked_flag) = true;
  return -1;
}

}  // namespace sarga::pki::detail
