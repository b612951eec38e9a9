// Internal helpers shared by the lib/pki sources: OpenSSL error text, memory BIOs, hex.
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include <openssl/bio.h>

namespace sarga::pki::detail {

// Drains OpenSSL's error queue; returns the most specific reason ("" when empty).
std::string openssl_error();
// Throws Error("<what>: <OpenSSL reason>") (or just what when the queue is empty).
[[noreturn]] void fail(const std::string& what);

struct BioFree {
  void operator()(BIO* b) const { BIO_free(b); }
};
using BioPtr = std::unique_ptr<BIO, BioFree>;
BioPtr read_bio(std::string_view data);  // read-only view; `data` must outlive it
BioPtr write_bio();
std::string bio_contents(BIO* bio);

std::string hex(const unsigned char* data, std::size_t size, bool upper = false, char separator = 0);
std::string sha256_hex(std::string_view data);

// PEM password callback that refuses every passphrase and records that one was asked for.
int refuse_passphrase(char* buf, int size, int rwflag, void* asked_flag);

}  // namespace sarga::pki::detail
