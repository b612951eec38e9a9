#include "lib/pve/client.h"

#include <algorithm>
#include <condition_variable>
#include <mutex>
#include <random>
#include <thread>

#include "lib/pve/cluster.h"

namespace sarga::pve {

const char* to_string(ErrorKind k) {
  switch (k) {
    case ErrorKind::bad_request: return "bad request";
    case ErrorKind::unauthorized: return "unauthorized";
    case ErrorKind::forbidden: return "forbidden";
    case ErrorKind::not_found: return "not found";
    case ErrorKind::already_exists: return "already exists";
    case ErrorKind::lock_timeout: return "lock timeout";
    case ErrorKind::server: return "server error";
    case ErrorKind::task_failed: return "task failed";
    case ErrorKind::timeout: return "timeout";
    case ErrorKind::transport: return "transport";
    case ErrorKind::cancelled: return "cancelled";
  }
  return "error";
}

namespace {
std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return std::tolower(c); });
  return s;
}
}  // namespace

bool is_transient(const Error& e) {
  switch (e.kind()) {
    case ErrorKind::lock_timeout:
    case ErrorKind::transport:
      return true;
    case ErrorKind::server:
      if (e.status() == 501) return false;
      return e.status() >= 500 || lower(e.what()).find("got no worker upid") != std::string::npos;
    default:
      return false;
  }
}

ApiToken ApiToken::parse(const std::string& text) {
  auto at = text.find('@');
  auto bang = text.find('!');
  auto eq = text.find('=', bang == std::string::npos ? 0 : bang);
  if (at == std::string::npos || bang == std::string::npos || eq == std::string::npos || at == 0 || bang < at ||
      eq == bang + 1 || eq + 1 >= text.size())
    throw std::invalid_argument("API token must look like USER@REALM!TOKENID=SECRET");
  return {text.substr(0, eq), text.substr(eq + 1)};
}

std::string node_path(const std::string& node) { return "/nodes/" + http::url_encode(node); }

// --- Cancel ---

struct Cancel::State {
  std::mutex mu;
  std::condition_variable cv;
  std::atomic<bool> cancelled{false};
};

Cancel::Cancel() : state_(std::make_shared<State>()) {}

void Cancel::cancel() const {
  {
    std::lock_guard lock(state_->mu);
    state_->cancelled = true;
  }
  state_->cv.notify_all();
}

bool Cancel::cancelled() const { return state_->cancelled.load(); }

bool Cancel::wait_for(std::chrono::milliseconds d) const {
  std::unique_lock lock(state_->mu);
  return state_->cv.wait_for(lock, d, [&] { return state_->cancelled.load(); });
}

// --- shared state ---

struct Client::Shared {
  ClientOptions options;
  std::optional<ApiToken> token;
  http::Client http;
  Cancel stop;  // process-wide (StopProvider)

  // Ticket auth: one ticket for all handles, renewed before it expires.
  std::mutex ticket_mu;
  std::string ticket, csrf;
  std::chrono::steady_clock::time_point ticket_at{};

  // The concurrency limit.
  std::mutex sem_mu;
  std::condition_variable sem_cv;
  int in_flight = 0;
  int max_in_flight = 0;

  std::atomic<std::uint64_t> requests{0}, retries{0}, tickets{0};
  GuestIndex index;

  Shared(ClientOptions o, std::optional<ApiToken> t, http::ClientOptions h)
      : options(std::move(o)), token(std::move(t)), http(std::move(h)) {}
};

namespace {

std::string api_base(std::string endpoint) {
  while (!endpoint.empty() && endpoint.back() == '/') endpoint.pop_back();
  if (endpoint.size() < 10 || endpoint.compare(endpoint.size() - 10, 10, "/api2/json") != 0) endpoint += "/api2/json";
  return endpoint;
}

http::ClientOptions http_options(const ClientOptions& o, const std::optional<ApiToken>& token) {
  if (o.endpoint.rfind("https://", 0) != 0 && o.endpoint.rfind("http://", 0) != 0)
    throw std::invalid_argument("endpoint \"" + o.endpoint + "\" must start with https://");
  http::ClientOptions h;
  h.base_url = api_base(o.endpoint);
  h.tls = o.tls;
  h.timeout = o.timeout;
  h.max_retries = o.max_retries;
  h.cancel = o.cancel;
  if (token) h.secrets = {token->secret, token->header()};
  if (!o.password.empty()) h.secrets.push_back(o.password);
  h.debug_log = o.log;
  h.keep_alive = o.keep_alive;
  return h;
}

std::optional<ApiToken> token_of(const ClientOptions& o) {
  if (!o.token.empty()) return ApiToken::parse(o.token);
  if (o.username.empty() || o.password.empty())
    throw std::invalid_argument("Proxmox credentials missing: set an API token, or username and password");
  if (o.username.find('@') == std::string::npos || o.username.front() == '@' || o.username.back() == '@')
    throw std::invalid_argument("username \"" + o.username + "\" must look like USER@REALM (e.g. root@pam)");
  return std::nullopt;
}

bool is_write(const std::string& method) { return method != "GET" && method != "HEAD"; }

}  // namespace

Error make_error(const std::string& what, long status, const std::string& reason, const std::string& body) {
  std::map<std::string, std::string> params;
  std::string message = reason;
  try {
    auto j = nlohmann::json::parse(body);
    if (j.is_object()) {
      if (j.contains("errors") && j["errors"].is_object())
        for (auto& [k, v] : j["errors"].items()) params[k] = v.is_string() ? v.get<std::string>() : v.dump();
      if (message.empty() && j.contains("message") && j["message"].is_string()) message = j["message"];
    }
  } catch (const nlohmann::json::exception&) {
  }
  while (!message.empty() && (message.back() == '\n' || message.back() == ' ')) message.pop_back();
  std::string full = what + ": " + std::to_string(status) + (message.empty() ? "" : " " + message);
  if (!params.empty()) {
    full += " (";
    bool first = true;
    for (const auto& [k, v] : params) {
      full += (first ? "" : "; ") + k + ": " + v;
      first = false;
    }
    full += ")";
  }
  std::string all = lower(message);
  for (const auto& [k, v] : params) all += " " + lower(v);
  ErrorKind kind = ErrorKind::server;
  if (all.find("got timeout") != std::string::npos || all.find("can't lock file") != std::string::npos)
    kind = ErrorKind::lock_timeout;
  else if (all.find("already exists") != std::string::npos) kind = ErrorKind::already_exists;
  else if (status == 401) kind = ErrorKind::unauthorized;
  else if (status == 403) kind = ErrorKind::forbidden;
  else if (status == 404 || all.find("does not exist") != std::string::npos || all.find("no such") != std::string::npos)
    kind = ErrorKind::not_found;
  else if (status == 400) kind = ErrorKind::bad_request;
  return Error(kind, static_cast<int>(status), full, params);
}

Client::Client(ClientOptions options) {
  auto token = token_of(options);
  if (options.max_concurrent_requests < 1)
    throw std::invalid_argument("max_concurrent_requests must be at least 1, got " +
                                std::to_string(options.max_concurrent_requests));
  auto h = http_options(options, token);
  shared_ = std::make_shared<Shared>(std::move(options), std::move(token), std::move(h));
}

Client Client::with_cancel(Cancel cancel) const { return Client(shared_, std::move(cancel)); }

void Client::stop_all() const { shared_->stop.cancel(); }

bool Client::cancelled() const { return cancel_.cancelled() || shared_->stop.cancelled() ||
                                        (shared_->options.cancel && shared_->options.cancel->load()); }

void Client::check_cancelled(const std::string& what) const {
  if (cancelled()) throw Error(ErrorKind::cancelled, 0, what + ": cancelled");
}

bool Client::sleep_for(std::chrono::milliseconds d) const {
  // Wait on the per-call token; the process-wide flags are checked every 50 ms.
  auto until = std::chrono::steady_clock::now() + d;
  for (;;) {
    if (cancelled()) return true;
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(until - std::chrono::steady_clock::now());
    if (left.count() <= 0) return false;
    if (cancel_.wait_for(std::min(left, std::chrono::milliseconds(50)))) return true;
  }
}

GuestIndex& Client::guest_index() const { return shared_->index; }

const ClientOptions& Client::options() const { return shared_->options; }

ClientStats Client::stats() const {
  ClientStats s;
  s.requests = shared_->requests.load();
  s.retries = shared_->retries.load();
  s.tickets = shared_->tickets.load();
  std::lock_guard lock(shared_->sem_mu);
  s.max_in_flight = shared_->max_in_flight;
  s.connections = shared_->http.connections_opened();
  return s;
}

void Client::backoff_sleep(int attempt, const RetryPolicy& policy) const {
  thread_local std::mt19937_64 rng(std::random_device{}());
  long long cap = std::min<long long>(policy.max.count(), policy.base.count() << std::min(attempt - 1, 16));
  cap = std::max<long long>(cap, 1);
  auto wait = std::chrono::milliseconds(std::uniform_int_distribution<long long>(cap / 2, cap)(rng));
  if (sleep_for(wait)) throw Error(ErrorKind::cancelled, 0, "retry cancelled");
}

void Client::note_retry(const Error& e, int attempt) const {
  ++shared_->retries;
  if (shared_->options.log)
    shared_->options.log("attempt " + std::to_string(attempt) + " failed (" + to_string(e.kind()) +
                         "), retrying: " + e.what());
}

namespace {

// Holds one slot of the concurrency limit; waits (cancellably) for a free one.
class Slot {
 public:
  Slot(Client::Shared& s, const Client& c) : s_(s) {
    std::unique_lock lock(s_.sem_mu);
    while (s_.in_flight >= s_.options.max_concurrent_requests) {
      s_.sem_cv.wait_for(lock, std::chrono::milliseconds(50));
      if (c.cancelled()) throw Error(ErrorKind::cancelled, 0, "PVE request cancelled while queued");
    }
    ++s_.in_flight;
    s_.max_in_flight = std::max(s_.max_in_flight, s_.in_flight);
  }
  ~Slot() {
    {
      std::lock_guard lock(s_.sem_mu);
      --s_.in_flight;
    }
    s_.sem_cv.notify_one();
  }
  Slot(const Slot&) = delete;
  Slot& operator=(const Slot&) = delete;

 private:
  Client::Shared& s_;
};

}  // namespace

http::Response Client::send(http::Request req, bool write) const {
  check_cancelled("PVE " + req.method + " " + req.path);
  auto& s = *shared_;
  req.headers.emplace_back("Accept", "application/json");
  req.cancelled = [this] { return cancelled(); };
  bool ticket_auth = !s.token;
  std::string used_ticket;
  auto add_auth = [&](http::Request& r) {
    if (!ticket_auth) {
      r.headers.emplace_back("Authorization", s.token->header());
      return;
    }
    std::string ticket, csrf;
    {
      std::lock_guard lock(s.ticket_mu);
      bool stale = s.ticket.empty() || std::chrono::steady_clock::now() - s.ticket_at >= s.options.ticket_renew_after;
      if (stale) {
        // Renew with the current ticket while it is still valid (no password resent, works
        // with 2FA), else log in with the password.
        http::Request login;
        login.method = "POST";
        login.path = "/access/ticket";
        login.content_type = "application/x-www-form-urlencoded";
        login.idempotent = true;  // no side effects
        login.cancelled = req.cancelled;
        auto try_login = [&](const std::string& secret) -> bool {
          login.body = http::form_encode({{"username", s.options.username}, {"password", secret}});
          ++s.tickets;
          ++s.requests;
          http::Response r;
          {
            Slot slot(s, *this);
            r = s.http.send(login);
          }
          if (r.status == 401 && !s.ticket.empty() && secret == s.ticket) return false;
          auto data = unwrap("POST", "/access/ticket", r);
          if (!data.is_object() || !data.contains("ticket") || !data["ticket"].is_string())
            throw Error(ErrorKind::server, static_cast<int>(r.status), "PVE POST /access/ticket: no ticket in the answer");
          s.ticket = data["ticket"].get<std::string>();
          s.csrf = data.value("CSRFPreventionToken", "");
          s.ticket_at = std::chrono::steady_clock::now();
          return true;
        };
        if (s.ticket.empty() || !try_login(s.ticket)) try_login(s.options.password);
      }
      ticket = s.ticket;
      csrf = s.csrf;
    }
    used_ticket = ticket;
    r.headers.emplace_back("Cookie", "PVEAuthCookie=" + ticket);
    if (write) r.headers.emplace_back("CSRFPreventionToken", csrf);  // only writes need it
  };

  for (int attempt = 0;; ++attempt) {
    http::Request r = req;
    add_auth(r);
    http::Response resp;
    try {
      Slot slot(s, *this);
      resp = s.http.send(r);
    } catch (const http::Error& e) {
      ErrorKind k = e.kind() == http::Error::Kind::cancelled ? ErrorKind::cancelled
                    : e.kind() == http::Error::Kind::timeout ? ErrorKind::timeout
                                                             : ErrorKind::transport;
      s.requests += 1;
      throw Error(k, 0, e.what());
    }
    s.requests += static_cast<std::uint64_t>(std::max(resp.attempts, 1));
    // A ticket that expired early (clock skew, server restart): log in again once.
    if (ticket_auth && resp.status == 401 && attempt == 0) {
      std::lock_guard lock(s.ticket_mu);
      if (s.ticket == used_ticket) s.ticket.clear();
      continue;
    }
    return resp;
  }
}

nlohmann::json Client::unwrap(const std::string& method, const std::string& path, const http::Response& r) const {
  std::string what = "PVE " + method + " " + path;
  if (r.status < 200 || r.status > 299) throw make_error(what, r.status, r.reason, r.body);
  if (r.body.empty()) return nullptr;
  try {
    auto j = nlohmann::json::parse(r.body);
    if (!j.is_object() || !j.contains("data")) throw Error(ErrorKind::server, static_cast<int>(r.status), what + ": response has no \"data\"");
    return j["data"];
  } catch (const nlohmann::json::exception&) {
    throw Error(ErrorKind::server, static_cast<int>(r.status), what + ": response is not JSON");
  }
}

http::Request Client::make_request(const std::string& method, const std::string& path, const Params& params) const {
  http::Request req;
  req.method = method;
  if (method == "GET" || method == "DELETE") {
    req.path = path + (params.empty() ? "" : "?" + http::form_encode(params));
  } else {
    req.path = path;
    req.body = http::form_encode(params);
    req.content_type = "application/x-www-form-urlencoded";
  }
  return req;
}

namespace {
RetryPolicy read_retry() {
  RetryPolicy p;
  p.attempts = 4;
  p.base = std::chrono::milliseconds(200);
  p.max = std::chrono::milliseconds(2'000);
  p.lock_timeouts = false;
  return p;
}
}  // namespace

nlohmann::json Client::call(const std::string& method, const std::string& path, const Params& params) const {
  auto once = [&] { return unwrap(method, path, send(make_request(method, path, params), is_write(method))); };
  if (method == "GET") return with_retry(once, read_retry());
  return once();
}

nlohmann::json Client::call(const std::string& method, const std::string& path, const Params& params,
                            std::chrono::milliseconds timeout) const {
  auto req = make_request(method, path, params);
  req.timeout = timeout;
  return unwrap(method, path, send(req, is_write(method)));  // bounded: no retries
}

TaskResult Client::wait_task(const std::string& upid_text, const WaitOptions& w) const {
  auto upid = parse_upid(upid_text);
  if (!upid) throw Error(ErrorKind::server, 0, "not a task id: \"" + upid_text + "\"");
  std::string base = node_path(upid->node) + "/tasks/" + http::url_encode(upid_text);
  auto start = std::chrono::steady_clock::now();
  auto delay = w.first_poll;
  int transient_in_a_row = 0;
  std::string what = "task " + upid->type + (upid->id.empty() ? "" : " " + upid->id) + " on " + upid->node;
  for (;;) {
    if (sleep_for(delay)) throw Error(ErrorKind::cancelled, 0, "waiting for " + what + ": cancelled");
    auto elapsed = std::chrono::steady_clock::now() - start;
    nlohmann::json status;
    bool have = false;
    try {
      status = get(base + "/status");
      have = true;
      transient_in_a_row = 0;
    } catch (const Error& e) {
      if (e.kind() == ErrorKind::cancelled) throw;
      // Right after creation the status endpoint may not know the task yet (400/404).
      bool early = elapsed < w.tolerate_400_for && (e.status() == 400 || e.status() == 404);
      // A poll is idempotent: ride out a short burst of 5xx or dropped connections.
      bool blip = is_transient(e) && ++transient_in_a_row <= 5;
      if (!early && !blip) throw;
    }
    if (have && status.is_object() && status.value("status", "") == "stopped") {
      TaskResult result{upid_text, status.value("exitstatus", ""), 0, {}};
      if (result.exitstatus == "OK") return result;
      if (result.exitstatus.rfind("WARNINGS: ", 0) == 0) {
        try {
          result.warnings = std::stoi(result.exitstatus.substr(10));
        } catch (...) {
        }
        try {
          for (const auto& l : get(base + "/log", {{"start", "0"}, {"limit", "1000"}})) {
            std::string t = l.value("t", "");
            if (t.rfind("WARN", 0) == 0 || t.find("warning") != std::string::npos) result.warning_lines.push_back(t);
          }
        } catch (const Error& e) {
          if (e.kind() == ErrorKind::cancelled) throw;
        }
        return result;
      }
      std::string tail;
      try {
        auto log = get(base + "/log", {{"start", "0"}, {"limit", "1000"}});
        size_t from = log.size() > 10 ? log.size() - 10 : 0;
        for (size_t i = from; i < log.size(); ++i) tail += "\n  " + log[i].value("t", "");
      } catch (const Error& e) {
        if (e.kind() == ErrorKind::cancelled) throw;
      }
      // The exit status keeps PVE's wording, so lock timeouts inside tasks classify too.
      ErrorKind kind = lower(result.exitstatus).find("got timeout") != std::string::npos ? ErrorKind::lock_timeout
                                                                                         : ErrorKind::task_failed;
      throw Error(kind, 0, what + " failed: " + result.exitstatus + tail);
    }
    if (elapsed > w.timeout)
      throw Error(ErrorKind::timeout, 0, what + " still running after " +
                                             std::to_string(std::chrono::duration_cast<std::chrono::seconds>(w.timeout).count()) + " s");
    delay = std::min(w.max_poll, std::chrono::milliseconds(delay.count() * 3 / 2 + 1));
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(w.timeout - elapsed);
    if (left.count() > 0) delay = std::min(delay, left + std::chrono::milliseconds(1));
  }
}

nlohmann::json Client::version() const { return get("/version"); }

std::vector<StorageContent> Client::storage_content(const std::string& node, const std::string& storage,
                                                    const std::string& content) const {
  Params p;
  if (!content.empty()) p.emplace_back("content", content);
  auto data = get(node_path(node) + "/storage/" + http::url_encode(storage) + "/content", p);
  std::vector<StorageContent> out;
  if (!data.is_array()) return out;
  for (const auto& j : data) {
    StorageContent c;
    c.volid = j.value("volid", "");
    c.content = j.value("content", "");
    c.format = j.value("format", "");
    auto num = [&](const char* k) -> std::int64_t {
      if (!j.contains(k)) return 0;
      if (j[k].is_number()) return j[k].get<std::int64_t>();
      if (j[k].is_string()) try {
          return std::stoll(j[k].get<std::string>());
        } catch (...) {
        }
      return 0;
    };
    c.size = static_cast<std::uint64_t>(num("size"));
    c.ctime = num("ctime");
    c.raw = j;
    out.push_back(c);
  }
  return out;
}

std::string Client::upload(const std::string& node, const std::string& storage, const std::string& content,
                           const std::string& file, const std::string& filename, const std::string& checksum,
                           const std::string& algorithm) const {
  http::Request req;
  req.method = "POST";
  req.path = node_path(node) + "/storage/" + http::url_encode(storage) + "/upload";
  req.timeout = shared_->options.upload_timeout;
  req.idempotent = false;
  req.multipart.push_back({"content", content, "", "", ""});
  if (!checksum.empty()) {
    req.multipart.push_back({"checksum", checksum, "", "", ""});
    req.multipart.push_back({"checksum-algorithm", algorithm.empty() ? "sha256" : algorithm, "", "", ""});
  }
  // The file part goes last: PVE reads the form fields before the (large) body.
  req.multipart.push_back({"filename", "", file, filename, "application/octet-stream"});
  auto data = unwrap("POST", req.path, send(req, true));
  if (!data.is_string()) throw Error(ErrorKind::server, 200, "PVE upload: no task id in the response");
  return data.get<std::string>();
}

std::optional<std::string> Client::delete_volume(const std::string& node, const std::string& storage,
                                                 const std::string& volid) const {
  auto data = del(node_path(node) + "/storage/" + http::url_encode(storage) + "/content/" + http::url_encode(volid));
  if (data.is_string() && parse_upid(data.get<std::string>())) return data.get<std::string>();
  return std::nullopt;
}

}  // namespace sarga::pve
