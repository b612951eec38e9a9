#include "lib/http/http.h"

#include "lib/http/curl_lazy.h"
#include <openssl/ssl.h>
#include <openssl/x509.h>

#include <algorithm>
#include <cctype>
#include <memory>
#include <mutex>
#include <random>
#include <thread>

namespace sarga::http {

namespace {

void global_init() {
  static std::once_flag once;
  std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

struct PinState {
  std::string expected;  // normalised hex; immutable once the client is built
};

// Set by the verify callback on the thread that runs the handshake: a fresh handshake
// whose leaf did not match. Connections reused from the pool did not handshake again.
thread_local bool tl_pin_checked = false;
thread_local bool tl_pin_matched = false;

int pin_index() {
  static int idx = SSL_CTX_get_ex_new_index(0, nullptr, nullptr, nullptr, nullptr);
  return idx;
}

// Accepts the chain only when the leaf certificate's SHA-256 equals the pin.
int verify_pin(int /*preverify*/, X509_STORE_CTX* store) {
  if (X509_STORE_CTX_get_error_depth(store) != 0) return 1;  // decide on the leaf
  SSL* ssl = static_cast<SSL*>(X509_STORE_CTX_get_ex_data(store, SSL_get_ex_data_X509_STORE_CTX_idx()));
  auto* pin = static_cast<const PinState*>(SSL_CTX_get_ex_data(SSL_get_SSL_CTX(ssl), pin_index()));
  X509* cert = X509_STORE_CTX_get_current_cert(store);
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  tl_pin_checked = true;
  tl_pin_matched = false;
  if (!pin || !cert || X509_digest(cert, EVP_sha256(), md, &len) != 1) return 0;
  static const char* hex = "0123456789abcdef";
  std::string got;
  for (unsigned i = 0; i < len; ++i) {
    got.push_back(hex[md[i] >> 4]);
    got.push_back(hex[md[i] & 15]);
  }
  tl_pin_matched = got == pin->expected;
  if (!tl_pin_matched) X509_STORE_CTX_set_error(store, X509_V_ERR_CERT_REJECTED);
  return tl_pin_matched ? 1 : 0;
}

CURLcode ssl_ctx_pin(CURL*, void* ssl_ctx, void* userptr) {
  auto* ctx = static_cast<SSL_CTX*>(ssl_ctx);
  SSL_CTX_set_ex_data(ctx, pin_index(), userptr);
  SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER, verify_pin);
  return CURLE_OK;
}

struct Capture {
  Response* response;
  bool status_line_seen = false;
};

size_t on_body(char* data, size_t size, size_t n, void* user) {
  static_cast<Response*>(user)->body.append(data, size * n);
  return size * n;
}

size_t on_header(char* data, size_t size, size_t n, void* user) {
  auto* cap = static_cast<Capture*>(user);
  std::string line(data, size * n);
  while (!line.empty() && (line.back() == '\r' || line.back() == '\n')) line.pop_back();
  if (line.rfind("HTTP/", 0) == 0) {  // a new status line (redirects, 100-continue): reset
    cap->response->headers.clear();
    auto sp1 = line.find(' ');
    auto sp2 = sp1 == std::string::npos ? std::string::npos : line.find(' ', sp1 + 1);
    cap->response->reason = sp2 == std::string::npos ? "" : line.substr(sp2 + 1);
    return size * n;
  }
  auto colon = line.find(':');
  if (colon != std::string::npos) {
    std::string key = line.substr(0, colon);
    std::transform(key.begin(), key.end(), key.begin(), [](unsigned char c) { return std::tolower(c); });
    std::string value = line.substr(colon + 1);
    value.erase(0, value.find_first_not_of(" \t"));
    cap->response->headers[key] = value;
  }
  return size * n;
}

struct CancelCheck {
  const std::atomic<bool>* client = nullptr;
  const std::function<bool()>* request = nullptr;
  bool operator()() const { return (client && client->load()) || (request && *request && (*request)()); }
};

int on_progress(void* user, curl_off_t, curl_off_t, curl_off_t, curl_off_t) {
  return (*static_cast<const CancelCheck*>(user))() ? 1 : 0;
}

bool default_idempotent(const std::string& m) {
  return m == "GET" || m == "HEAD" || m == "PUT" || m == "DELETE" || m == "OPTIONS";
}

bool retryable_status(long s) { return s == 429 || s == 502 || s == 503 || s == 504; }

}  // namespace

// Keep-alive: libcurl keeps live connections (and TLS sessions) inside an easy handle, and
// a handle must only be used by one thread at a time (libcurl does not support sharing a
// connection cache between concurrent threads). So every thread keeps a few idle handles,
// one per client it talks through, and reuses them. Handles are keyed by a per-client id
// that is never reused, so a handle (and its verified connections) never serves a client
// with other TLS settings; handles of clients that are gone just age out of the cache.
struct Client::Pool {
  std::uint64_t id = 0;
  PinState pin;
  std::atomic<long> connections{0};
};

namespace {

std::atomic<std::uint64_t> g_next_pool_id{1};

class HandleCache {
 public:
  ~HandleCache() {
    for (auto& [id, h] : idle_) curl_easy_cleanup(h);
  }
  // An idle handle for this client, or a new one; the caller owns it until give_back().
  CURL* take(std::uint64_t id) {
    for (auto it = idle_.begin(); it != idle_.end(); ++it)
      if (it->first == id) {
        CURL* h = it->second;
        idle_.erase(it);
        return h;  // reset when given back: live connections and TLS sessions stay
      }
    return curl_easy_init();
  }
  void give_back(std::uint64_t id, CURL* h) {
    curl_easy_reset(h);  // drop pointers to this attempt's buffers, headers and callbacks
    idle_.insert(idle_.begin(), {id, h});
    while (idle_.size() > kMaxIdle) {
      curl_easy_cleanup(idle_.back().second);
      idle_.pop_back();
    }
  }

 private:
  static constexpr size_t kMaxIdle = 4;
  std::vector<std::pair<std::uint64_t, CURL*>> idle_;  // most recently used first
};

thread_local HandleCache tl_handles;

// Holds a handle for one attempt and returns it to this thread's cache afterwards.
class HandleLease {
 public:
  HandleLease(std::uint64_t id, bool keep) : id_(id), keep_(keep), h_(keep ? tl_handles.take(id) : curl_easy_init()) {}
  ~HandleLease() {
    if (!h_) return;
    if (keep_) tl_handles.give_back(id_, h_);
    else curl_easy_cleanup(h_);
  }
  HandleLease(const HandleLease&) = delete;
  HandleLease& operator=(const HandleLease&) = delete;
  CURL* get() const { return h_; }

 private:
  std::uint64_t id_;
  bool keep_;
  CURL* h_;
};

}  // namespace

long Client::connections_opened() const { return pool_->connections.load(); }

bool Client::is_cancelled(const Request& request) const {
  return CancelCheck{options_.cancel, &request.cancelled}();
}

std::string redact(std::string text, const std::vector<std::string>& secrets) {
  for (const auto& s : secrets) {
    if (s.size() < 3) continue;  // too short to be a secret; replacing it would garble text
    for (size_t p = text.find(s); p != std::string::npos; p = text.find(s, p + 10)) text.replace(p, s.size(), "[REDACTED]");
  }
  return text;
}

std::string url_encode(std::string_view s) {
  static const char* hex = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : s) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') out.push_back(static_cast<char>(c));
    else {
      out.push_back('%');
      out.push_back(hex[c >> 4]);
      out.push_back(hex[c & 15]);
    }
  }
  return out;
}

std::string form_encode(const std::vector<std::pair<std::string, std::string>>& fields) {
  std::string out;
  for (const auto& [k, v] : fields) {
    if (!out.empty()) out += '&';
    out += url_encode(k) + "=" + url_encode(v);
  }
  return out;
}

std::string normalise_fingerprint(std::string_view fp) {
  std::string out;
  for (char c : fp) {
    if (c == ':') continue;
    if (!std::isxdigit(static_cast<unsigned char>(c))) return {};
    out.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
  }
  return out.size() == 64 ? out : std::string();
}

Client::Client(ClientOptions options) : options_(std::move(options)) {
  global_init();
  if (!options_.tls.pinned_sha256.empty() && normalise_fingerprint(options_.tls.pinned_sha256).empty())
    throw Error(Error::Kind::invalid, "TLS fingerprint must be 32 bytes of SHA-256 hex (AA:BB:...)");
  while (!options_.base_url.empty() && options_.base_url.back() == '/') options_.base_url.pop_back();
  pool_ = std::make_shared<Pool>();
  pool_->id = g_next_pool_id++;
  pool_->pin.expected = normalise_fingerprint(options_.tls.pinned_sha256);
}

Response Client::send(const Request& request) const {
  bool idempotent = request.idempotent.value_or(default_idempotent(request.method));
  std::mt19937_64 rng(std::random_device{}());
  int attempts = 0;
  for (;;) {
    ++attempts;
    bool last = attempts > options_.max_retries;
    try {
      Response r = attempt(request);
      r.attempts = attempts;
      if (!(idempotent && retryable_status(r.status) && !last)) return r;
      if (options_.debug_log)
        options_.debug_log(redact(request.method + " " + request.path + ": status " + std::to_string(r.status) +
                                      ", retrying", options_.secrets));
    } catch (const Error& e) {
      bool never_sent = e.kind() == Error::Kind::transport && std::string(e.what()).find("connect") != std::string::npos;
      if (last || e.kind() == Error::Kind::cancelled || e.kind() == Error::Kind::tls || e.kind() == Error::Kind::invalid ||
          !(idempotent || never_sent))
        throw;
      if (options_.debug_log) options_.debug_log(std::string(e.what()) + ", retrying");
    }
    // Full jitter: sleep uniformly in [0, min(max, base * 2^n)].
    auto cap = std::min<long long>(options_.backoff_max.count(), options_.backoff_base.count() << std::min(attempts - 1, 16));
    auto wait = std::chrono::milliseconds(std::uniform_int_distribution<long long>(cap / 2, std::max<long long>(cap, 1))(rng));
    auto until = std::chrono::steady_clock::now() + wait;
    while (std::chrono::steady_clock::now() < until) {
      if (is_cancelled(request)) throw Error(Error::Kind::cancelled, "request cancelled");
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
  }
}

Response Client::attempt(const Request& request) const {
  if (is_cancelled(request)) throw Error(Error::Kind::cancelled, "request cancelled");
  HandleLease lease(pool_->id, options_.keep_alive);
  CURL* h = lease.get();
  if (!h) throw Error(Error::Kind::transport, "curl_easy_init failed");
  std::string url = options_.base_url + request.path;
  Response response;
  Capture capture{&response};
  char errbuf[CURL_ERROR_SIZE] = {0};
  const PinState& pin = pool_->pin;
  CancelCheck cancel_check{options_.cancel, &request.cancelled};
  tl_pin_checked = false;
  tl_pin_matched = false;

  curl_easy_setopt(h, CURLOPT_URL, url.c_str());
  curl_easy_setopt(h, CURLOPT_ERRORBUFFER, errbuf);
  curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(h, CURLOPT_USERAGENT, options_.user_agent.c_str());
  curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT_MS, static_cast<long>(options_.connect_timeout.count()));
  curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, static_cast<long>(request.timeout.value_or(options_.timeout).count()));
  curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, on_body);
  curl_easy_setopt(h, CURLOPT_WRITEDATA, &response);
  curl_easy_setopt(h, CURLOPT_HEADERFUNCTION, on_header);
  curl_easy_setopt(h, CURLOPT_HEADERDATA, &capture);
  curl_easy_setopt(h, CURLOPT_NOPROGRESS, 0L);
  curl_easy_setopt(h, CURLOPT_XFERINFOFUNCTION, on_progress);
  curl_easy_setopt(h, CURLOPT_XFERINFODATA, &cancel_check);
  curl_easy_setopt(h, CURLOPT_FOLLOWLOCATION, 0L);  // never resend credentials elsewhere
  curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "http,https");

  if (options_.tls.insecure) {
    curl_easy_setopt(h, CURLOPT_SSL_VERIFYPEER, 0L);
    curl_easy_setopt(h, CURLOPT_SSL_VERIFYHOST, 0L);
  } else if (!pin.expected.empty()) {
    // The pin replaces CA and host-name checks (PVE nodes use self-signed certificates).
    curl_easy_setopt(h, CURLOPT_SSL_VERIFYPEER, 0L);
    curl_easy_setopt(h, CURLOPT_SSL_VERIFYHOST, 0L);
    curl_easy_setopt(h, CURLOPT_SSL_CTX_FUNCTION, ssl_ctx_pin);
    curl_easy_setopt(h, CURLOPT_SSL_CTX_DATA, const_cast<PinState*>(&pin));
  } else {
    curl_easy_setopt(h, CURLOPT_SSL_VERIFYPEER, 1L);
    curl_easy_setopt(h, CURLOPT_SSL_VERIFYHOST, 2L);
    if (!options_.tls.ca_file.empty()) curl_easy_setopt(h, CURLOPT_CAINFO, options_.tls.ca_file.c_str());
  }

  struct curl_slist* headers = nullptr;
  for (const auto& [k, v] : request.headers) headers = curl_slist_append(headers, (k + ": " + v).c_str());
  if (!request.content_type.empty() && request.multipart.empty())
    headers = curl_slist_append(headers, ("Content-Type: " + request.content_type).c_str());
  headers = curl_slist_append(headers, "Expect:");
  std::unique_ptr<curl_slist, decltype(&curl_slist_free_all)> header_guard(headers, curl_slist_free_all);
  curl_easy_setopt(h, CURLOPT_HTTPHEADER, headers);

  std::unique_ptr<curl_mime, decltype(&curl_mime_free)> mime(nullptr, curl_mime_free);
  if (!request.multipart.empty()) {
    mime.reset(curl_mime_init(h));
    for (const auto& p : request.multipart) {
      curl_mimepart* part = curl_mime_addpart(mime.get());
      curl_mime_name(part, p.name.c_str());
      if (!p.file_path.empty()) {
        if (curl_mime_filedata(part, p.file_path.c_str()) != CURLE_OK)
          throw Error(Error::Kind::invalid, "cannot read upload file " + p.file_path);
        curl_mime_filename(part, (p.filename.empty() ? p.file_path : p.filename).c_str());
      } else {
        curl_mime_data(part, p.value.data(), p.value.size());
      }
      if (!p.content_type.empty()) curl_mime_type(part, p.content_type.c_str());
    }
    curl_easy_setopt(h, CURLOPT_MIMEPOST, mime.get());
    if (request.method != "POST") curl_easy_setopt(h, CURLOPT_CUSTOMREQUEST, request.method.c_str());
  } else if (request.method == "GET") {
    curl_easy_setopt(h, CURLOPT_HTTPGET, 1L);
  } else if (request.method == "HEAD") {
    curl_easy_setopt(h, CURLOPT_NOBODY, 1L);
  } else {
    curl_easy_setopt(h, CURLOPT_CUSTOMREQUEST, request.method.c_str());
    curl_easy_setopt(h, CURLOPT_POSTFIELDS, request.body.c_str());
    curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(request.body.size()));
  }

  CURLcode rc = curl_easy_perform(h);
  long opened = 0;
  if (curl_easy_getinfo(h, CURLINFO_NUM_CONNECTS, &opened) == CURLE_OK) pool_->connections += opened;
  std::string where = request.method + " " + redact(url, options_.secrets);
  if (rc != CURLE_OK) {
    std::string detail = errbuf[0] ? errbuf : curl_easy_strerror(rc);
    detail = redact(detail, options_.secrets);
    if (rc == CURLE_ABORTED_BY_CALLBACK) throw Error(Error::Kind::cancelled, where + ": cancelled");
    if (rc == CURLE_OPERATION_TIMEDOUT) throw Error(Error::Kind::timeout, where + ": timed out: " + detail);
    if (!pin.expected.empty() && tl_pin_checked && !tl_pin_matched && rc != CURLE_COULDNT_CONNECT)
      throw Error(Error::Kind::tls, where + ": server certificate does not match the pinned SHA-256 fingerprint");
    if (rc == CURLE_PEER_FAILED_VERIFICATION || rc == CURLE_SSL_CONNECT_ERROR || rc == CURLE_SSL_CACERT_BADFILE ||
        rc == CURLE_SSL_CERTPROBLEM)
      throw Error(Error::Kind::tls, where + ": TLS verification failed: " + detail);
    if (rc == CURLE_COULDNT_CONNECT || rc == CURLE_COULDNT_RESOLVE_HOST)
      throw Error(Error::Kind::transport, where + ": cannot connect: " + detail);
    throw Error(Error::Kind::transport, where + ": " + detail);
  }
  curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &response.status);
  if (options_.debug_log) options_.debug_log(where + " -> " + std::to_string(response.status));
  return response;
}

}  // namespace sarga::http
