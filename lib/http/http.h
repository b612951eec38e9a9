// HTTP(S) client on libcurl for the Proxmox, OpenBao and plug clients. With keep_alive,
// connections (and TLS sessions) are reused per thread and client, so a refresh of
// hundreds of guests does not pay a TLS handshake per request. TLS is verified
// by default; a custom CA file, a pinned SHA-256 leaf-certificate fingerprint (PVE
// style AA:BB:...) or an explicit insecure mode can be chosen. Idempotent calls are
// retried with exponential backoff and jitter; every call can be cancelled; secrets
// never appear in errors or logs.
#pragma once

#include <atomic>
#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace sarga::http {

struct TlsOptions {
  std::string ca_file;             // PEM bundle used instead of the system store
  std::string pinned_sha256;       // leaf certificate SHA-256, "AA:BB:.." or plain hex; replaces CA checks
  bool insecure = false;           // no verification at all (explicit opt-in only)
};

struct ClientOptions {
  std::string base_url;            // "https://pve:8006/api2/json"; request paths are appended
  TlsOptions tls;
  std::chrono::milliseconds connect_timeout{10'000};
  std::chrono::milliseconds timeout{60'000};      // whole request; uploads can override per request
  int max_retries = 3;                             // extra attempts for idempotent requests
  std::chrono::milliseconds backoff_base{200};
  std::chrono::milliseconds backoff_max{5'000};
  std::atomic<bool>* cancel = nullptr;
  std::vector<std::string> secrets;                // redacted from every message
  std::function<void(const std::string&)> debug_log;  // one line per attempt, already redacted
  std::string user_agent = "sarga/0.1";
  // Reuse connections: each thread keeps its idle connection(s) to this client's server
  // open for the next request. Off by default (each request opens and closes one).
  bool keep_alive = false;
};

struct MultipartPart {
  std::string name;
  std::string value;         // for a plain field
  std::string file_path;     // for a file field: streamed from disk, never loaded whole
  std::string filename;      // file name sent for a file field
  std::string content_type;  // optional
};

struct Request {
  std::string method = "GET";
  std::string path;  // appended to base_url; may carry a query string
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
  std::string content_type;  // for body
  std::vector<MultipartPart> multipart;  // non-empty: multipart/form-data body
  std::optional<bool> idempotent;        // default: GET, HEAD, PUT, DELETE, OPTIONS
  std::optional<std::chrono::milliseconds> timeout;
  // Per-request cancellation, checked with the client-wide flag (polled by libcurl about
  // every second while waiting, and between retries).
  std::function<bool()> cancelled;
};

struct Response {
  long status = 0;
  std::string reason;  // status line text after the code (PVE puts its error message here)
  std::string body;
  std::map<std::string, std::string> headers;  // lower-case names
  int attempts = 1;
};

class Error : public std::runtime_error {
 public:
  enum class Kind { transport, tls, timeout, cancelled, invalid };
  Error(Kind kind, const std::string& message) : std::runtime_error(message), kind_(kind) {}
  Kind kind() const { return kind_; }

 private:
  Kind kind_;
};

class Client {
 public:
  explicit Client(ClientOptions options);
  // Sends the request; a non-2xx status is NOT an error here (the caller maps it).
  // Throws Error for transport/TLS failures, timeouts and cancellation.
  Response send(const Request& request) const;
  const ClientOptions& options() const { return options_; }
  // New connections opened so far (for tests and benchmarks of connection reuse).
  long connections_opened() const;

  struct Pool;

 private:
  Response attempt(const Request& request) const;
  bool is_cancelled(const Request& request) const;
  ClientOptions options_;
  std::shared_ptr<Pool> pool_;
};

std::string url_encode(std::string_view s);  // RFC 3986 unreserved kept
std::string form_encode(const std::vector<std::pair<std::string, std::string>>& fields);
// "AA:bb:.." or "aabb.." -> lower-case hex without colons; empty when malformed.
std::string normalise_fingerprint(std::string_view fp);
std::string redact(std::string text, const std::vector<std::string>& secrets);

}  // namespace sarga::http
