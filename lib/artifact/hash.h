// Streaming SHA-256 / SHA-512 over bytes and files (OpenSSL EVP), hex output.
#pragma once

#include <cstddef>
#include <filesystem>
#include <memory>
#include <string>
#include <string_view>

namespace sarga::artifact {

enum class HashAlgorithm { sha256, sha512 };

class Hasher {
 public:
  explicit Hasher(HashAlgorithm algorithm = HashAlgorithm::sha256);
  ~Hasher();
  Hasher(const Hasher&) = delete;
  Hasher& operator=(const Hasher&) = delete;

  void update(const void* data, std::size_t size);
  void update(std::string_view data) { update(data.data(), data.size()); }
  std::string hex_digest();  // finishes the hash; further updates are an error

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

std::string sha256_hex(std::string_view data);
// Throws std::runtime_error naming the file when it cannot be read.
std::string file_digest_hex(const std::filesystem::path& file,
                            HashAlgorithm algorithm = HashAlgorithm::sha256);
inline std::string sha256_file(const std::filesystem::path& file) {
  return file_digest_hex(file, HashAlgorithm::sha256);
}

}  // namespace sarga::artifact
