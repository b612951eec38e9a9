// The one Proxmox VE API client: token or ticket auth, JSON envelope, error classes, form
// encoding, a concurrency limit, retries, cancellation, an adaptive task waiter, and typed
// calls (version, storage content, upload, delete). Guest calls: guests.h; VMID
// allocation: vmid.h; cluster lookups: cluster.h.
//
// A Client is a cheap, copyable handle onto shared state (HTTP connections, the ticket,
// the request semaphore, the guest index, the process-wide stop). Copies made with
// with_cancel() share that state but carry their own cancellation, so one RPC can be
// cancelled without stopping the others. Thread-safe.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "lib/http/http.h"
#include "lib/pve/upid.h"

namespace sarga::pve {

using Params = std::vector<std::pair<std::string, std::string>>;

enum class ErrorKind {
  bad_request,     // 400 parameter verification (see param_errors)
  unauthorized,    // 401: bad token / expired ticket
  forbidden,       // 403: missing privilege
  not_found,       // 404 or "does not exist"
  already_exists,  // "already exists"
  lock_timeout,    // "can't lock file ... got timeout"
  server,          // other 5xx
  task_failed,     // a task ended with an error exit status
  timeout,         // a task did not finish in time / request timed out
  transport,       // network or TLS
  cancelled,
};
const char* to_string(ErrorKind);

class Error : public std::runtime_error {
 public:
  Error(ErrorKind kind, int status, const std::string& message, std::map<std::string, std::string> param_errors = {})
      : std::runtime_error(message), kind_(kind), status_(status), param_errors_(std::move(param_errors)) {}
  ErrorKind kind() const { return kind_; }
  int status() const { return status_; }
  const std::map<std::string, std::string>& param_errors() const { return param_errors_; }

 private:
  ErrorKind kind_;
  int status_;
  std::map<std::string, std::string> param_errors_;
};

// True for errors worth retrying on an idempotent step: lock timeouts, 5xx (not 501),
// "got no worker upid", transport failures.
bool is_transient(const Error& e);

// "USER@REALM!TOKENID=SECRET"; throws std::invalid_argument (without echoing the secret).
struct ApiToken {
  std::string id;      // USER@REALM!TOKENID
  std::string secret;
  static ApiToken parse(const std::string& text);
  std::string header() const { return "PVEAPIToken=" + id + "=" + secret; }
};

// Cancellation for one call chain (requests, retries, task waits). Cheap to copy; all
// copies share one flag. wait_for() sleeps but wakes at once when cancelled.
class Cancel {
 public:
  Cancel();
  void cancel() const;
  bool cancelled() const;
  // Sleeps up to `d`; true when cancelled (possibly early).
  bool wait_for(std::chrono::milliseconds d) const;

  struct State;

 private:
  std::shared_ptr<State> state_;
};

struct ClientOptions {
  std::string endpoint;  // https://host:8006 (with or without /api2/json)
  // Either an API token, or username + password (ticket auth). The token wins when both are set.
  std::string token;     // USER@REALM!TOKENID=SECRET
  std::string username;  // root@pam
  std::string password;  // secret: never logged
  http::TlsOptions tls;  // ca_file, pinned_sha256 (PVE fingerprint), insecure
  std::chrono::milliseconds timeout{60'000};
  std::chrono::milliseconds upload_timeout{3'600'000};
  int max_retries = 3;               // HTTP-level retries of idempotent requests (502/503/504, transport)
  int max_concurrent_requests = 8;   // requests in flight at once over all handles (>= 1)
  bool keep_alive = true;            // reuse connections per thread (see lib/http)
  // A ticket is renewed when older than this (PVE tickets last 2 h).
  std::chrono::seconds ticket_renew_after{3'600};
  std::atomic<bool>* cancel = nullptr;  // legacy: an extra external stop flag
  std::function<void(const std::string&)> log;  // redacted lines
};

struct TaskResult {
  std::string upid;
  std::string exitstatus;  // "OK", "WARNINGS: 2"
  int warnings = 0;
  std::vector<std::string> warning_lines;
};

struct WaitOptions {
  std::chrono::milliseconds timeout{600'000};
  std::chrono::milliseconds first_poll{100};
  std::chrono::milliseconds max_poll{2'000};
  std::chrono::milliseconds tolerate_400_for{5'000};  // status can 400 right after a task starts
};

// Retries of a whole step (dispatch of a task, a config PUT) on transient errors.
struct RetryPolicy {
  int attempts = 6;  // total tries
  std::chrono::milliseconds base{500};
  std::chrono::milliseconds max{8'000};
  bool lock_timeouts = true;    // "can't lock file ... got timeout"
  bool server_errors = true;    // 5xx, "got no worker upid", transport
};

struct StorageContent {
  std::string volid;
  std::string content;
  std::string format;
  std::uint64_t size = 0;
  std::int64_t ctime = 0;
  nlohmann::json raw;
};

class GuestIndex;  // cluster.h

// Request counters (for benchmarks and tests).
struct ClientStats {
  std::uint64_t requests = 0;   // HTTP requests sent (including retries and task polls)
  std::uint64_t retries = 0;    // step-level retries by with_retry
  std::uint64_t tickets = 0;    // POST /access/ticket calls
  int max_in_flight = 0;        // highest number of concurrent requests seen
  long connections = 0;         // TCP/TLS connections opened (keep-alive reuses them)
};

class Client {
 public:
  // Validates options (endpoint scheme, token shape or username+password); throws
  // std::invalid_argument naming the bad option.
  explicit Client(ClientOptions options);

  // A handle sharing all state, whose calls also stop when `cancel` trips.
  Client with_cancel(Cancel cancel) const;
  const Cancel& cancel() const { return cancel_; }
  // Process-wide stop (StopProvider): every handle's calls and waits end with
  // Error(cancelled) promptly, now and later.
  void stop_all() const;
  bool cancelled() const;
  // Throws Error(cancelled) when this handle is cancelled or stopped.
  void check_cancelled(const std::string& what) const;
  // Sleeps, waking early on cancellation; true when cancelled.
  bool sleep_for(std::chrono::milliseconds d) const;

  // Calls /api2/json<path>; returns the envelope's "data". Throws Error. GETs are retried
  // a few times on transient errors (5xx, dropped connections); writes are not.
  nlohmann::json call(const std::string& method, const std::string& path, const Params& params = {}) const;
  nlohmann::json get(const std::string& path, const Params& params = {}) const { return call("GET", path, params); }
  nlohmann::json post(const std::string& path, const Params& params = {}) const { return call("POST", path, params); }
  nlohmann::json put(const std::string& path, const Params& params = {}) const { return call("PUT", path, params); }
  nlohmann::json del(const std::string& path, const Params& params = {}) const { return call("DELETE", path, params); }
  // Same, bounded by `timeout` instead of the client's default (e.g. guest agent calls).
  nlohmann::json call(const std::string& method, const std::string& path, const Params& params,
                      std::chrono::milliseconds timeout) const;

  // Runs `fn` again (with exponential backoff and jitter) while it throws a transient
  // Error the policy allows. Only for idempotent steps, or steps PVE rejects before
  // doing anything (a lock timeout). Returns fn's result.
  template <class F>
  auto with_retry(F&& fn, const RetryPolicy& policy = {}) const -> decltype(fn());

  // Polls the task (node taken from the UPID) until it stops: first after ~100 ms, then
  // backing off to 2 s; a 400/404 right after start is tolerated. `WARNINGS: n` is a
  // success with the warnings in the result. Throws Error(task_failed) with the exit
  // status and the log tail, Error(timeout), or Error(cancelled).
  TaskResult wait_task(const std::string& upid, const WaitOptions& options = {}) const;

  nlohmann::json version() const;
  std::vector<StorageContent> storage_content(const std::string& node, const std::string& storage,
                                              const std::string& content = {}) const;
  // Multipart upload streamed from disk; returns the task UPID.
  std::string upload(const std::string& node, const std::string& storage, const std::string& content,
                     const std::string& file, const std::string& filename, const std::string& checksum = {},
                     const std::string& checksum_algorithm = {}) const;
  // Returns the UPID when PVE runs the delete as a task, nullopt when it finished at once.
  std::optional<std::string> delete_volume(const std::string& node, const std::string& storage,
                                           const std::string& volid) const;

  // The per-process guest index (cluster.h), shared by all handles.
  GuestIndex& guest_index() const;
  ClientStats stats() const;
  const ClientOptions& options() const;

  struct Shared;

 private:
  Client(std::shared_ptr<Shared> shared, Cancel cancel) : shared_(std::move(shared)), cancel_(std::move(cancel)) {}
  void backoff_sleep(int attempt, const RetryPolicy& policy) const;
  void note_retry(const Error& e, int attempt) const;
  nlohmann::json unwrap(const std::string& method, const std::string& path, const http::Response& r) const;
  http::Response send(http::Request req, bool write) const;
  http::Request make_request(const std::string& method, const std::string& path, const Params& params) const;
  std::shared_ptr<Shared> shared_;
  Cancel cancel_;
};

// Maps an HTTP status + reason + body to the error class.
Error make_error(const std::string& what, long status, const std::string& reason, const std::string& body);
std::string node_path(const std::string& node);  // "/nodes/<encoded>"

template <class F>
auto Client::with_retry(F&& fn, const RetryPolicy& policy) const -> decltype(fn()) {
  for (int attempt = 1;; ++attempt) {
    check_cancelled("PVE call");
    try {
      return fn();
    } catch (const Error& e) {
      bool allowed = e.kind() == ErrorKind::lock_timeout ? policy.lock_timeouts
                     : is_transient(e)                   ? policy.server_errors
                                                         : false;
      if (!allowed || attempt >= policy.attempts) throw;
      note_retry(e, attempt);
      backoff_sleep(attempt, policy);
    }
  }
}

}  // namespace sarga::pve
