#include "lib/plug/digest.h"

#include <openssl/evp.h>
#include <openssl/rand.h>

#include <cctype>
#include <cstdio>
#include <stdexcept>

namespace sarga::plug {
namespace {

std::string lower(std::string_view s) {
  std::string out(s);
  for (auto& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

std::string to_hex(const unsigned char* data, size_t n) {
  static const char* hex = "0123456789abcdef";
  std::string out;
  for (size_t i = 0; i < n; ++i) {
    out.push_back(hex[data[i] >> 4]);
    out.push_back(hex[data[i] & 15]);
  }
  return out;
}

// Splits `k=v, k="v, with comma", ...` after the scheme word.
void parse_params(std::string_view s, DigestChallenge& c, std::string& qop) {
  size_t i = 0;
  while (i < s.size()) {
    while (i < s.size() && (s[i] == ' ' || s[i] == ',' || s[i] == '\t')) ++i;
    size_t eq = s.find('=', i);
    if (eq == std::string_view::npos) return;
    std::string key = lower(s.substr(i, eq - i));
    while (!key.empty() && key.back() == ' ') key.pop_back();
    i = eq + 1;
    while (i < s.size() && s[i] == ' ') ++i;
    std::string value;
    if (i < s.size() && s[i] == '"') {
      for (++i; i < s.size() && s[i] != '"'; ++i) {
        if (s[i] == '\\' && i + 1 < s.size()) ++i;
        value.push_back(s[i]);
      }
      ++i;  // closing quote
    } else {
      size_t end = s.find(',', i);
      if (end == std::string_view::npos) end = s.size();
      value = std::string(s.substr(i, end - i));
      while (!value.empty() && value.back() == ' ') value.pop_back();
      i = end;
    }
    if (key == "realm") c.realm = value;
    else if (key == "nonce") c.nonce = value;
    else if (key == "opaque") c.opaque = value;
    else if (key == "algorithm") c.algorithm = value;
    else if (key == "qop") qop = value;
  }
}

}  // namespace

std::string hex_hash(const std::string& algorithm, std::string_view text) {
  const EVP_MD* md = lower(algorithm) == "sha-256" ? EVP_sha256() : EVP_md5();
  unsigned char out[EVP_MAX_MD_SIZE];
  unsigned int n = 0;
  if (EVP_Digest(text.data(), text.size(), out, &n, md, nullptr) != 1)
    throw std::runtime_error("digest computation failed");
  return to_hex(out, n);
}

std::optional<DigestChallenge> parse_digest_challenge(std::string_view header) {
  size_t start = header.find_first_not_of(" \t");
  if (start == std::string_view::npos) return std::nullopt;
  header.remove_prefix(start);
  if (header.size() < 7 || lower(header.substr(0, 6)) != "digest" || header[6] != ' ') return std::nullopt;
  DigestChallenge c;
  std::string qop;
  parse_params(header.substr(7), c, qop);
  std::string alg = lower(c.algorithm);
  if (alg == "sha-256") c.algorithm = "SHA-256";
  else if (alg == "md5") c.algorithm = "MD5";
  else return std::nullopt;
  for (size_t p = 0; p < qop.size();) {
    size_t comma = qop.find(',', p);
    std::string item = lower(qop.substr(p, comma == std::string::npos ? std::string::npos : comma - p));
    item.erase(0, item.find_first_not_of(' '));
    if (item == "auth") c.qop_auth = true;
    if (comma == std::string::npos) break;
    p = comma + 1;
  }
  if (c.nonce.empty()) return std::nullopt;
  return c;
}

std::string digest_authorization(const DigestChallenge& c, const std::string& username,
                                 const std::string& password, const std::string& method,
                                 const std::string& uri, const std::string& cnonce, unsigned nc) {
  char nc_hex[9];
  std::snprintf(nc_hex, sizeof nc_hex, "%08x", nc);
  std::string ha1 = hex_hash(c.algorithm, username + ":" + c.realm + ":" + password);
  std::string ha2 = hex_hash(c.algorithm, method + ":" + uri);
  std::string response =
      c.qop_auth ? hex_hash(c.algorithm, ha1 + ":" + c.nonce + ":" + nc_hex + ":" + cnonce + ":auth:" + ha2)
                 : hex_hash(c.algorithm, ha1 + ":" + c.nonce + ":" + ha2);
  std::string h = "Digest username=\"" + username + "\", realm=\"" + c.realm + "\", nonce=\"" + c.nonce +
                  "\", uri=\"" + uri + "\", algorithm=" + c.algorithm + ", response=\"" + response + "\"";
  if (c.qop_auth) h += std::string(", qop=auth, nc=") + nc_hex + ", cnonce=\"" + cnonce + "\"";
  if (!c.opaque.empty()) h += ", opaque=\"" + c.opaque + "\"";
  return h;
}

std::string make_cnonce() {
  unsigned char raw[16];
  if (RAND_bytes(raw, sizeof raw) != 1) throw std::runtime_error("no randomness for the digest cnonce");
  return to_hex(raw, sizeof raw);
}

}  // namespace sarga::plug
