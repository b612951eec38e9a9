// The one Proxmox VE API client: token auth, JSON envelope, error classes, form
// encoding, task waiting, and typed calls (version, storage content, upload, delete).
// Thread-safe: calls share no mutable state.
#pragma once

#include <atomic>
#include <chrono>
#include <functional>
#include <map>
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
  unauthorized,    // 401: bad token
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

// "USER@REALM!TOKENID=SECRET"; throws std::invalid_argument (without echoing the secret).
struct ApiToken {
  std::string id;      // USER@REALM!TOKENID
  std::string secret;
  static ApiToken parse(const std::string& text);
  std::string header() const { return "PVEAPIToken=" + id + "=" + secret; }
};

struct ClientOptions {
  std::string endpoint;  // https://host:8006 (with or without /api2/json)
  std::string token;     // USER@REALM!TOKENID=SECRET
  http::TlsOptions tls;
  std::chrono::milliseconds timeout{60'000};
  std::chrono::milliseconds upload_timeout{3'600'000};
  int max_retries = 3;
  std::atomic<bool>* cancel = nullptr;
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

struct StorageContent {
  std::string volid;
  std::string content;
  std::string format;
  std::uint64_t size = 0;
  std::int64_t ctime = 0;
  nlohmann::json raw;
};

class Client {
 public:
  explicit Client(ClientOptions options);

  // Calls /api2/json<path>; returns the envelope's "data". Throws Error.
  nlohmann::json call(const std::string& method, const std::string& path, const Params& params = {}) const;
  nlohmann::json get(const std::string& path, const Params& params = {}) const { return call("GET", path, params); }
  nlohmann::json post(const std::string& path, const Params& params = {}) const { return call("POST", path, params); }
  nlohmann::json put(const std::string& path, const Params& params = {}) const { return call("PUT", path, params); }
  nlohmann::json del(const std::string& path, const Params& params = {}) const { return call("DELETE", path, params); }

  // Polls the task (node taken from the UPID) until it stops; throws Error(task_failed)
  // with the exit status and the log tail, or Error(timeout).
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

 private:
  nlohmann::json unwrap(const std::string& method, const std::string& path, const http::Response& r) const;
  http::Response send(http::Request req) const;
  ClientOptions options_;
  ApiToken token_;
  http::Client http_;
};

// Maps an HTTP status + reason + body to the error class.
Error make_error(const std::string& what, long status, const std::string& reason, const std::string& body);
std::string node_path(const std::string& node);  // "/nodes/<encoded>"

}  // namespace sarga::pve
