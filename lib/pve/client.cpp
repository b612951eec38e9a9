#include "lib/pve/client.h"

#include <algorithm>
#include <thread>

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

namespace {
std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return std::tolower(c); });
  return s;
}
std::string api_base(std::string endpoint) {
  while (!endpoint.empty() && endpoint.back() == '/') endpoint.pop_back();
  if (endpoint.size() < 10 || endpoint.compare(endpoint.size() - 10, 10, "/api2/json") != 0) endpoint += "/api2/json";
  return endpoint;
}
http::ClientOptions http_options(const ClientOptions& o, const ApiToken& token) {
  if (o.endpoint.rfind("https://", 0) != 0 && o.endpoint.rfind("http://", 0) != 0)
    throw std::invalid_argument("endpoint \"" + o.endpoint + "\" must start with https://");
  http::ClientOptions h;
  h.base_url = api_base(o.endpoint);
  h.tls = o.tls;
  h.timeout = o.timeout;
  h.max_retries = o.max_retries;
  h.cancel = o.cancel;
  h.secrets = {token.secret, token.header()};
  h.debug_log = o.log;
  return h;
}
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

Client::Client(ClientOptions options)
    : options_(std::move(options)), token_(ApiToken::parse(options_.token)), http_(http_options(options_, token_)) {}

http::Response Client::send(http::Request req) const {
  req.headers.emplace_back("Authorization", token_.header());
  req.headers.emplace_back("Accept", "application/json");
  try {
    return http_.send(req);
  } catch (const http::Error& e) {
    ErrorKind k = e.kind() == http::Error::Kind::cancelled ? ErrorKind::cancelled
                  : e.kind() == http::Error::Kind::timeout ? ErrorKind::timeout
                                                           : ErrorKind::transport;
    throw Error(k, 0, e.what());
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

nlohmann::json Client::call(const std::string& method, const std::string& path, const Params& params) const {
  http::Request req;
  req.method = method;
  if (method == "GET" || method == "DELETE") {
    req.path = path + (params.empty() ? "" : "?" + http::form_encode(params));
  } else {
    req.path = path;
    req.body = http::form_encode(params);
    req.content_type = "application/x-www-form-urlencoded";
  }
  return unwrap(method, path, send(req));
}

TaskResult Client::wait_task(const std::string& upid_text, const WaitOptions& w) const {
  auto upid = parse_upid(upid_text);
  if (!upid) throw Error(ErrorKind::server, 0, "not a task id: \"" + upid_text + "\"");
  std::string base = node_path(upid->node) + "/tasks/" + http::url_encode(upid_text);
  auto start = std::chrono::steady_clock::now();
  auto delay = w.first_poll;
  for (;;) {
    if (options_.cancel && options_.cancel->load()) throw Error(ErrorKind::cancelled, 0, "task wait cancelled: " + upid_text);
    auto elapsed = std::chrono::steady_clock::now() - start;
    nlohmann::json status;
    bool have = false;
    try {
      status = get(base + "/status");
      have = true;
    } catch (const Error& e) {
      // Right after creation the status endpoint may not know the task yet.
      bool early = elapsed < w.tolerate_400_for && (e.status() == 400 || e.status() == 404 || e.status() == 500);
      if (!early) throw;
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
          for (const auto& l : get(base + "/log", {{"start", "0"}, {"limit", "1000"}}))
            if (l.value("t", "").find("WARN") != std::string::npos) result.warning_lines.push_back(l.value("t", ""));
        } catch (const Error&) {
        }
        return result;
      }
      std::string tail;
      try {
        auto log = get(base + "/log", {{"start", "0"}, {"limit", "1000"}});
        size_t from = log.size() > 10 ? log.size() - 10 : 0;
        for (size_t i = from; i < log.size(); ++i) tail += "\n  " + log[i].value("t", "");
      } catch (const Error&) {
      }
      throw Error(ErrorKind::task_failed, 0,
                  "task " + upid->type + " on " + upid->node + " failed: " + result.exitstatus + tail);
    }
    if (elapsed > w.timeout)
      throw Error(ErrorKind::timeout, 0, "task " + upid_text + " still running after " +
                                             std::to_string(std::chrono::duration_cast<std::chrono::seconds>(w.timeout).count()) + " s");
    std::this_thread::sleep_for(delay);
    delay = std::min(w.max_poll, std::chrono::milliseconds(delay.count() * 3 / 2 + 1));
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
  req.timeout = options_.upload_timeout;
  req.idempotent = false;
  req.multipart.push_back({"content", content, "", "", ""});
  if (!checksum.empty()) {
    req.multipart.push_back({"checksum", checksum, "", "", ""});
    req.multipart.push_back({"checksum-algorithm", algorithm.empty() ? "sha256" : algorithm, "", "", ""});
  }
  // The file part goes last: PVE reads the form fields before the (large) body.
  req.multipart.push_back({"filename", "", file, filename, "application/octet-stream"});
  auto data = unwrap("POST", req.path, send(req));
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
