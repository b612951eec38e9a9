#include "lib/plug/transport.h"

#include <openssl/evp.h>

namespace sarga::plug {
namespace {

http::ClientOptions options_for(const Settings& s) {
  http::ClientOptions o;
  o.base_url = s.address;
  o.tls = s.tls;
  o.timeout = s.timeout;
  o.connect_timeout = std::min(s.timeout, std::chrono::milliseconds(5'000));
  o.max_retries = s.max_retries;
  o.backoff_base = std::chrono::milliseconds(200);
  o.backoff_max = std::chrono::milliseconds(2'000);
  o.cancel = s.cancel;
  o.debug_log = s.debug_log;
  for (const auto& secret : {s.token, s.password}) {
    if (secret.empty()) continue;
    o.secrets.push_back(secret);
    std::string encoded = http::url_encode(secret);  // Tasmota puts the password in the URL
    if (encoded != secret) o.secrets.push_back(encoded);
  }
  o.user_agent = "sarga-plug/0.1";
  return o;
}

std::string base64(const std::string& in) {
  std::string out(4 * ((in.size() + 2) / 3) + 1, '\0');
  int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                          reinterpret_cast<const unsigned char*>(in.data()), static_cast<int>(in.size()));
  out.resize(n);
  return out;
}

}  // namespace

Transport::Transport(const Settings& settings, Auth auth, std::string username)
    : client_([&] {
        try {
          return http::Client(options_for(settings));
        } catch (const http::Error& e) {
          throw Error(Error::Kind::transport, "address", e.what());
        }
      }()),
      auth_(auth),
      username_(std::move(username)),
      password_(settings.password),
      token_(settings.token),
      address_(settings.address),
      secrets_(client_.options().secrets) {}

std::string Transport::redact(const std::string& text) const { return http::redact(text, secrets_); }

http::Response Transport::send(http::Request request) {
  if (!request.idempotent) request.idempotent = true;  // on/off/read: repeating is harmless
  // Plugs have a handful of sockets (Shelly: 6) and sarga talks to them a few times per run:
  // never leave idle keep-alive connections behind.
  request.headers.emplace_back("Connection", "close");
  if (auth_ == Auth::bearer) request.headers.emplace_back("Authorization", "Bearer " + token_);
  if (auth_ == Auth::basic && (!username_.empty() || !password_.empty()))
    request.headers.emplace_back("Authorization", "Basic " + base64(username_ + ":" + password_));
  try {
    if (auth_ == Auth::digest && !password_.empty()) return send_digest(std::move(request));
    return client_.send(request);
  } catch (const http::Error& e) {
    if (e.kind() == http::Error::Kind::cancelled) throw Error(Error::Kind::cancelled, "", "cancelled");
    std::string setting = e.kind() == http::Error::Kind::tls ? "address" : "";
    throw Error(Error::Kind::transport, setting, redact(e.what()));
  }
}

// Digest: reuse the last challenge with an increasing nonce count (Shelly fw >= 2.0 allows
// it); a 401 brings a fresh challenge, answered once. A second 401 is the caller's to map.
http::Response Transport::send_digest(http::Request request) {
  const size_t plain_headers = request.headers.size();
  for (int round = 0; round < 2; ++round) {
    request.headers.resize(plain_headers);
    {
      std::lock_guard lock(digest_mutex_);
      if (challenge_) {
        request.headers.emplace_back(
            "Authorization", digest_authorization(*challenge_, username_, password_, request.method,
                                                  request.path, cnonce_, ++nc_));
      }
    }
    http::Response r = client_.send(request);
    if (r.status != 401) return r;
    auto header = r.headers.find("www-authenticate");
    auto fresh = header == r.headers.end() ? std::nullopt : parse_digest_challenge(header->second);
    if (!fresh) return r;  // not a digest challenge: let the driver report the 401
    std::lock_guard lock(digest_mutex_);
    bool had = challenge_.has_value();
    challenge_ = fresh;
    cnonce_ = make_cnonce();
    nc_ = 0;
    if (had && round == 1) return r;
  }
  throw Error(Error::Kind::protocol, "", "digest authentication did not settle");  // not reached
}

nlohmann::json Transport::json(const http::Response& response, const std::string& what) const {
  try {
    return nlohmann::json::parse(response.body);
  } catch (const nlohmann::json::exception&) {
    throw Error(Error::Kind::protocol, "", what + ": the answer is not JSON: " + redact(response.body.substr(0, 200)));
  }
}

std::string Transport::describe(const http::Response& response, const std::string& what) const {
  std::string body = response.body.substr(0, 300);
  while (!body.empty() && (body.back() == '\n' || body.back() == '\r')) body.pop_back();
  return redact(what + ": HTTP " + std::to_string(response.status) + (body.empty() ? "" : ": " + body));
}

}  // namespace sarga::plug
