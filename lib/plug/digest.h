// HTTP Digest authentication (RFC 7616) with SHA-256 or MD5 and qop=auth, as Shelly Gen2
// devices require (user "admin", realm = device id).
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace sarga::plug {

struct DigestChallenge {
  std::string realm;
  std::string nonce;
  std::string opaque;
  std::string algorithm = "MD5";  // "SHA-256" or "MD5" (RFC 7616 default MD5)
  bool qop_auth = false;          // server offered qop=auth
};

// Parses a WWW-Authenticate header value; nullopt unless it is a Digest challenge with a
// nonce and a supported algorithm.
std::optional<DigestChallenge> parse_digest_challenge(std::string_view header);

// The Authorization header value for one request. `nc` counts uses of the nonce.
std::string digest_authorization(const DigestChallenge& challenge, const std::string& username,
                                 const std::string& password, const std::string& method,
                                 const std::string& uri, const std::string& cnonce, unsigned nc);

// A fresh random client nonce (hex).
std::string make_cnonce();

// Lower-case hex digest of `text` with "SHA-256" or "MD5".
std::string hex_hash(const std::string& algorithm, std::string_view text);

}  // namespace sarga::plug
