// What every driver shares: an http::Client with the plug's TLS settings and timeouts,
// the authentication scheme (Bearer, Basic, Digest with a cached nonce), secrets redacted
// from every message, and transport failures mapped onto plug::Error.
#pragma once

#include <mutex>
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "lib/http/http.h"
#include "lib/plug/digest.h"
#include "lib/plug/plug.h"

namespace sarga::plug {

class Transport {
 public:
  enum class Auth { none, bearer, basic, digest };
  // `username` is used for basic/digest; the password/token come from `settings`.
  Transport(const Settings& settings, Auth auth, std::string username);

  // Sends with authentication; switching calls are safe to repeat, so they are retried on
  // transient errors like reads. Throws Error for transport failures and cancellation.
  http::Response send(http::Request request);

  // The body as JSON, or Error::protocol naming `what`.
  nlohmann::json json(const http::Response& response, const std::string& what) const;

  // "what: HTTP 500: <body start>" with secrets removed.
  std::string describe(const http::Response& response, const std::string& what) const;
  std::string redact(const std::string& text) const;
  const std::string& address() const { return address_; }

 private:
  http::Response send_digest(http::Request request);

  http::Client client_;
  Auth auth_;
  std::string username_, password_, token_, address_;
  std::vector<std::string> secrets_;
  std::mutex digest_mutex_;
  std::optional<DigestChallenge> challenge_;
  std::string cnonce_;
  unsigned nc_ = 0;
};

}  // namespace sarga::plug
