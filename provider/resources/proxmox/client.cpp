#include "provider/resources/proxmox/client.h"

#include <algorithm>
#include <cctype>
#include <map>
#include <mutex>
#include <regex>
#include <set>

#include "lib/log/log.h"

namespace sarga::resources::proxmox {

namespace {

// The process-wide clients, one per distinct settings (normally exactly one). Kept for the
// life of the process so that the ticket, the concurrency limit and the guest index are
// shared by every resource; a handful at most, so no eviction.
std::mutex g_mu;
std::map<std::string, std::shared_ptr<pve::Client>> g_clients;

std::string key_of(const framework::ProxmoxSettings& s) {
  std::string k;
  for (const std::string* part : {&s.endpoint, &s.api_token, &s.username, &s.password, &s.fingerprint, &s.ca_file})
    k += std::to_string(part->size()) + ":" + *part + "|";
  return k + (s.insecure ? "1" : "0") + "|" + std::to_string(s.max_concurrent_requests);
}

std::shared_ptr<pve::Client> root_client(const framework::ProxmoxSettings& s) {
  std::string key = key_of(s);
  std::lock_guard lock(g_mu);
  if (auto it = g_clients.find(key); it != g_clients.end()) return it->second;
  pve::ClientOptions o;
  o.endpoint = s.endpoint;
  o.token = s.api_token;
  if (o.token.empty()) {
    o.username = s.username;
    o.password = s.password;
  }
  o.tls.insecure = s.insecure && s.fingerprint.empty();  // a pin is stronger: it wins
  o.tls.ca_file = s.ca_file;
  o.tls.pinned_sha256 = s.fingerprint;
  o.max_concurrent_requests = s.max_concurrent_requests;
  o.log = [](const std::string& line) { log::debug(line, {{"@module", "sarga.pve"}}); };
  auto c = std::make_shared<pve::Client>(std::move(o));
  g_clients.emplace(key, c);
  return c;
}

}  // namespace

std::shared_ptr<pve::Client> client(const framework::Context& ctx, framework::Diagnostics& diags, const std::string& who) {
  if (!ctx.provider) {
    diags.error("Provider not configured", who + " needs the Proxmox VE API, but the provider was not configured.");
    return nullptr;
  }
  const framework::ProxmoxSettings* s = ctx.provider->require_proxmox(who, diags);
  if (!s) return nullptr;
  std::shared_ptr<pve::Client> root;
  try {
    root = root_client(*s);
  } catch (const std::exception& e) {
    // Messages from option checks never contain the token or password.
    diags.error("Invalid Proxmox VE settings", who + ": " + e.what());
    return nullptr;
  }
  // The handle trips when this RPC is cancelled (StopProvider); the callback is removed
  // when the handle goes away so tokens do not collect dead callbacks.
  pve::Cancel cancel;
  auto token = ctx.cancel;
  uint64_t id = token.on_cancel([cancel] { cancel.cancel(); });
  return std::shared_ptr<pve::Client>(new pve::Client(root->with_cancel(cancel)), [token, id](pve::Client* p) {
    if (id) token.remove_callback(id);
    delete p;
  });
}

std::optional<std::chrono::milliseconds> parse_duration(const std::string& text) {
  // Go-style: one or more <number><unit>, units h, m, s, ms.
  static const std::regex part(R"(([0-9]+(?:\.[0-9]+)?)(ms|h|m|s))");
  if (text.empty()) return std::nullopt;
  double total_ms = 0;
  size_t pos = 0;
  std::smatch m;
  std::string rest = text;
  while (pos < text.size()) {
    std::string tail = text.substr(pos);
    if (!std::regex_search(tail, m, part, std::regex_constants::match_continuous)) return std::nullopt;
    double n = std::stod(m[1].str());
    std::string unit = m[2].str();
    total_ms += n * (unit == "h" ? 3'600'000.0 : unit == "m" ? 60'000.0 : unit == "s" ? 1'000.0 : 1.0);
    pos += static_cast<size_t>(m.length(0));
  }
  if (total_ms > 1e12) return std::nullopt;
  return std::chrono::milliseconds(static_cast<long long>(total_ms + 0.5));
}

std::optional<std::chrono::milliseconds> duration_or(const std::string& text, std::chrono::milliseconds fallback,
                                                     const cty::Path& path, framework::Diagnostics& diags) {
  if (text.empty()) return fallback;
  auto d = parse_duration(text);
  if (!d) {
    diags.error(path, "Invalid duration",
                path.to_string() + " must be a duration such as \"10m\", \"90s\" or \"1h30m\", got \"" + text + "\".");
    return std::nullopt;
  }
  return d;
}

std::vector<std::string> normalise_tags(const std::vector<std::string>& tags) {
  std::set<std::string> out;
  for (auto t : tags) {
    std::transform(t.begin(), t.end(), t.begin(), [](unsigned char c) { return std::tolower(c); });
    if (!t.empty()) out.insert(t);
  }
  return {out.begin(), out.end()};
}

std::string tag_problem(const std::string& tag) {
  static const std::regex re(R"([a-z0-9_][a-z0-9_+.\-]*)");
  std::string l = tag;
  std::transform(l.begin(), l.end(), l.begin(), [](unsigned char c) { return std::tolower(c); });
  if (!std::regex_match(l, re))
    return "tag \"" + tag + "\" may only contain letters, digits and _ + . - (and must not start with + . -)";
  return {};
}

namespace {

std::string hint(const pve::Error& e) {
  switch (e.kind()) {
    case pve::ErrorKind::unauthorized:
      return "Check proxmox.api_token (or username/password): Proxmox rejected the credentials.";
    case pve::ErrorKind::forbidden:
      return "The token or user lacks a privilege for this call; grant it on the path PVE names (a privilege-separated "
             "token needs its own ACL too).";
    case pve::ErrorKind::lock_timeout:
      return "Another task held the guest or storage lock for longer than the retries waited. Run again, or lower "
             "-parallelism for many clones of one source.";
    case pve::ErrorKind::transport:
      return "Check proxmox.endpoint and the TLS settings (fingerprint, ca_file).";
    case pve::ErrorKind::cancelled:
      return "The operation was interrupted (OpenTofu stopped the provider).";
    case pve::ErrorKind::timeout:
      return "Raise the matching value in the timeouts block if the task is just slow.";
    default:
      return {};
  }
}

}  // namespace

void add_error(framework::Diagnostics& diags, const std::string& action, const pve::Error& error,
               const std::vector<std::pair<std::string, cty::Path>>& param_paths) {
  std::string summary = "Proxmox VE: " + std::string(pve::to_string(error.kind())) + " while " + action;
  std::string detail = error.what();
  std::string h = hint(error);
  if (!h.empty()) detail += "\n\n" + h;
  for (const auto& [param, message] : error.param_errors())
    for (const auto& [key, path] : param_paths)
      if (key == param) {
        diags.error(path, summary, path.to_string() + " (Proxmox parameter " + param + "): " + message);
        return;
      }
  diags.error(summary, detail);
}

void add_task_warnings(framework::Diagnostics& diags, const std::string& action, const pve::TaskResult& result) {
  if (result.warnings == 0 && result.warning_lines.empty()) return;
  std::string detail = "The Proxmox task " + result.upid + " ended with " + result.exitstatus + ".";
  for (const auto& l : result.warning_lines) detail += "\n  " + l;
  diags.warning("Proxmox VE warnings while " + action, detail);
}

std::string guest_id(const std::string& node, int vmid) { return node + "/" + std::to_string(vmid); }

std::optional<std::pair<std::string, int>> parse_guest_id(const std::string& id) {
  static const std::regex re(R"(([A-Za-z0-9]([A-Za-z0-9\-]*[A-Za-z0-9])?)/([1-9][0-9]{2,8}))");
  std::smatch m;
  if (!std::regex_match(id, m, re)) return std::nullopt;
  return std::make_pair(m[1].str(), std::stoi(m[3].str()));
}

}  // namespace sarga::resources::proxmox
