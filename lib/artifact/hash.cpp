#include "lib/artifact/hash.h"

#include <openssl/evp.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <stdexcept>
#include <vector>

namespace sarga::artifact {

struct Hasher::Impl {
  EVP_MD_CTX* ctx = nullptr;
  bool finished = false;
};

Hasher::Hasher(HashAlgorithm algorithm) : impl_(std::make_unique<Impl>()) {
  impl_->ctx = EVP_MD_CTX_new();
  const EVP_MD* md = algorithm == HashAlgorithm::sha256 ? EVP_sha256() : EVP_sha512();
  if (!impl_->ctx || EVP_DigestInit_ex(impl_->ctx, md, nullptr) != 1)
    throw std::runtime_error("cannot initialise digest");
}

Hasher::~Hasher() { EVP_MD_CTX_free(impl_->ctx); }

void Hasher::update(const void* data, std::size_t size) {
  if (impl_->finished) throw std::logic_error("Hasher::update after hex_digest");
  if (EVP_DigestUpdate(impl_->ctx, data, size) != 1) throw std::runtime_error("digest update failed");
}

std::string Hasher::hex_digest() {
  if (impl_->finished) throw std::logic_error("Hasher::hex_digest called twice");
  impl_->finished = true;
  unsigned char out[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  if (EVP_DigestFinal_ex(impl_->ctx, out, &len) != 1) throw std::runtime_error("digest final failed");
  static const char* digits = "0123456789abcdef";
  std::string hex;
  hex.reserve(len * 2);
  for (unsigned i = 0; i < len; ++i) {
    hex.push_back(digits[out[i] >> 4]);
    hex.push_back(digits[out[i] & 15]);
  }
  return hex;
}

std::string sha256_hex(std::string_view data) {
  Hasher h;
  h.update(data);
  return h.hex_digest();
}

std::string file_digest_hex(const std::filesystem::path& file, HashAlgorithm algorithm) {
  std::FILE* f = std::fopen(file.c_str(), "rb");
  if (!f) throw std::runtime_error(file.string() + ": cannot open: " + std::strerror(errno));
  Hasher h(algorithm);
  std::vector<char> buf(1 << 20);
  std::size_t n;
  while ((n = std::fread(buf.data(), 1, buf.size(), f)) > 0) h.update(buf.data(), n);
  bool failed = std::ferror(f);
  std::fclose(f);
  if (failed) throw std::runtime_error(file.string() + ": read error");
  return h.hex_digest();
}

}  // namespace sarga::artifact
