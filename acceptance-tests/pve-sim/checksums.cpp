#include "acceptance-tests/pve-sim/checksums.h"

#include <openssl/evp.h>

#include <cstdio>

namespace sarga::pvesim {

std::optional<std::string> hex_digest(std::string_view algorithm, std::string_view data) {
  const EVP_MD* md = nullptr;
  if (algorithm == "md5") md = EVP_md5();
  else if (algorithm == "sha1") md = EVP_sha1();
  else if (algorithm == "sha224") md = EVP_sha224();
  else if (algorithm == "sha256") md = EVP_sha256();
  else if (algorithm == "sha384") md = EVP_sha384();
  else if (algorithm == "sha512") md = EVP_sha512();
  if (!md) return std::nullopt;
  unsigned char out[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  EVP_Digest(data.data(), data.size(), out, &len, md, nullptr);
  std::string hex;
  char buf[3];
  for (unsigned i = 0; i < len; ++i) {
    std::snprintf(buf, sizeof buf, "%02x", out[i]);
    hex += buf;
  }
  return hex;
}

}  // namespace sarga::pvesim
