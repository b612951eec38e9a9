#include "lib/pve/guests.h"

#include <algorithm>
#include <cmath>
#include <set>

namespace sarga::pve {

const char* to_string(GuestKind k) { return k == GuestKind::qemu ? "qemu" : "lxc"; }

std::optional<GuestKind> guest_kind_from(const std::string& s) {
  if (s == "qemu" || s == "vm") return GuestKind::qemu;
  if (s == "lxc" || s == "ct") return GuestKind::lxc;
  return std::nullopt;
}

std::string guest_path(const std::string& node, GuestKind kind, int vmid) {
  return node_path(node) + "/" + to_string(kind) + "/" + std::to_string(vmid);
}

std::string scalar_string(const nlohmann::json& v) {
  if (v.is_string()) return v.get<std::string>();
  if (v.is_boolean()) return v.get<bool>() ? "1" : "0";
  if (v.is_number_integer()) return std::to_string(v.get<long long>());
  if (v.is_number_unsigned()) return std::to_string(v.get<unsigned long long>());
  if (v.is_number_float()) {
    double d = v.get<double>();
    if (std::isfinite(d) && d == std::floor(d) && std::fabs(d) < 1e15) return std::to_string(static_cast<long long>(d));
    return v.dump();
  }
  if (v.is_null()) return {};
  return v.dump();
}

std::vector<std::string> normalise_tags(const std::string& text) {
  std::set<std::string> out;
  std::string cur;
  auto flush = [&] {
    if (!cur.empty()) out.insert(cur);
    cur.clear();
  };
  for (char c : text) {
    if (c == ';' || c == ',' || c == ' ' || c == '\t') flush();
    else cur.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
  }
  flush();
  return {out.begin(), out.end()};
}

std::string join_tags(const std::vector<std::string>& tags) {
  std::string out;
  for (const auto& t : tags) out += (out.empty() ? "" : ";") + t;
  return out;
}

std::optional<std::string> GuestConfig::get(const std::string& key) const {
  auto it = values.find(key);
  if (it == values.end()) return std::nullopt;
  return it->second;
}

namespace {
RetryPolicy locks_only() {
  RetryPolicy p;
  p.server_errors = false;
  return p;
}

std::string upid_of(const nlohmann::json& data, const std::string& what) {
  if (!data.is_string() || !parse_upid(data.get<std::string>()))
    throw Error(ErrorKind::server, 200, what + ": PVE answered without a task id");
  return data.get<std::string>();
}
}  // namespace

GuestConfig Guests::config(const std::string& node, GuestKind kind, int vmid, bool with_pending) const {
  auto data = c_.get(guest_path(node, kind, vmid) + "/config");
  GuestConfig cfg;
  if (!data.is_object()) throw Error(ErrorKind::server, 200, "PVE config of " + std::to_string(vmid) + " is not an object");
  for (auto& [k, v] : data.items()) {
    if (k == "digest") cfg.digest = scalar_string(v);
    else cfg.values[k] = scalar_string(v);
  }
  if (with_pending) {
    auto pending = c_.get(guest_path(node, kind, vmid) + "/pending");
    if (pending.is_array())
      for (const auto& e : pending) {
        if (!e.is_object() || !e.contains("key")) continue;
        std::string key = scalar_string(e["key"]);
        if (e.contains("pending")) cfg.pending[key] = scalar_string(e["pending"]);
        if (e.contains("delete") && scalar_string(e["delete"]) != "0") cfg.pending_delete.push_back(key);
      }
  }
  return cfg;
}

GuestStatus Guests::status(const std::string& node, GuestKind kind, int vmid) const {
  auto j = c_.get(guest_path(node, kind, vmid) + "/status/current");
  GuestStatus s;
  if (!j.is_object()) throw Error(ErrorKind::server, 200, "PVE status of " + std::to_string(vmid) + " is not an object");
  auto str = [&](const char* k) { return j.contains(k) ? scalar_string(j[k]) : std::string(); };
  s.status = str("status");
  s.name = str("name");
  s.lock = str("lock");
  s.qmpstatus = str("qmpstatus");
  s.agent = str("agent") == "1";
  s.template_ = str("template") == "1";
  try {
    s.uptime = str("uptime").empty() ? 0 : std::stoll(str("uptime"));
  } catch (...) {
  }
  s.tags = normalise_tags(str("tags"));
  s.raw = std::move(j);
  return s;
}

std::optional<TaskResult> Guests::update_config(const std::string& node, GuestKind kind, int vmid, const Params& params,
                                                const std::string& digest, const WaitOptions& wait) const {
  Params p = params;
  if (!digest.empty()) p.emplace_back("digest", digest);
  std::string path = guest_path(node, kind, vmid) + "/config";
  if (kind == GuestKind::lxc) {
    c_.with_retry([&] { return c_.put(path, p); }, locks_only());
    return std::nullopt;
  }
  // qemu: the async POST runs in a worker (which may itself time out on the lock); wait for
  // it here and retry both steps on a lock timeout.
  return c_.with_retry(
      [&]() -> std::optional<TaskResult> {
        auto data = c_.post(path, p);
        if (data.is_string() && parse_upid(data.get<std::string>())) return c_.wait_task(data.get<std::string>(), wait);
        return std::nullopt;
      },
      locks_only());
}

std::string Guests::create(const std::string& node, GuestKind kind, int vmid, const Params& params) const {
  Params p = params;
  p.insert(p.begin(), {"vmid", std::to_string(vmid)});
  return upid_of(c_.post(node_path(node) + "/" + to_string(kind), p), "creating " + std::to_string(vmid));
}

std::string Guests::clone(const std::string& node, GuestKind kind, int source_vmid, int new_vmid,
                          const Params& params) const {
  Params p = params;
  p.insert(p.begin(), {"newid", std::to_string(new_vmid)});
  return upid_of(c_.post(guest_path(node, kind, source_vmid) + "/clone", p),
                 "cloning " + std::to_string(source_vmid) + " to " + std::to_string(new_vmid));
}

std::string Guests::start(const std::string& node, GuestKind kind, int vmid) const {
  auto path = guest_path(node, kind, vmid) + "/status/start";
  return upid_of(c_.with_retry([&] { return c_.post(path); }, locks_only()), "starting " + std::to_string(vmid));
}

std::string Guests::shutdown(const std::string& node, GuestKind kind, int vmid, std::chrono::seconds timeout,
                             bool force_stop) const {
  auto path = guest_path(node, kind, vmid) + "/status/shutdown";
  Params p = {{"timeout", std::to_string(timeout.count())}, {"forceStop", force_stop ? "1" : "0"}};
  return upid_of(c_.with_retry([&] { return c_.post(path, p); }, locks_only()), "shutting down " + std::to_string(vmid));
}

std::string Guests::stop(const std::string& node, GuestKind kind, int vmid) const {
  auto path = guest_path(node, kind, vmid) + "/status/stop";
  return upid_of(c_.with_retry([&] { return c_.post(path); }, locks_only()), "stopping " + std::to_string(vmid));
}

std::string Guests::reboot(const std::string& node, GuestKind kind, int vmid) const {
  auto path = guest_path(node, kind, vmid) + "/status/reboot";
  return upid_of(c_.with_retry([&] { return c_.post(path); }, locks_only()), "rebooting " + std::to_string(vmid));
}

std::string Guests::destroy(const std::string& node, GuestKind kind, int vmid, bool purge) const {
  Params p;
  if (purge) {
    p.emplace_back("purge", "1");
    p.emplace_back("destroy-unreferenced-disks", "1");
  }
  auto path = guest_path(node, kind, vmid);
  return upid_of(c_.with_retry([&] { return c_.del(path, p); }, locks_only()), "destroying " + std::to_string(vmid));
}

std::optional<std::string> Guests::make_template(const std::string& node, GuestKind kind, int vmid) const {
  auto path = guest_path(node, kind, vmid) + "/template";
  auto data = c_.with_retry([&] { return c_.post(path); }, locks_only());
  if (data.is_string() && parse_upid(data.get<std::string>())) return data.get<std::string>();
  return std::nullopt;
}

std::optional<std::string> Guests::resize(const std::string& node, GuestKind kind, int vmid, const std::string& disk,
                                          const std::string& size) const {
  auto path = guest_path(node, kind, vmid) + "/resize";
  Params p = {{"disk", disk}, {"size", size}};
  auto data = c_.with_retry([&] { return c_.put(path, p); }, locks_only());
  if (data.is_string() && parse_upid(data.get<std::string>())) return data.get<std::string>();
  return std::nullopt;
}

namespace {
bool unwanted_address(const std::string& ip) {
  std::string l = ip;
  std::transform(l.begin(), l.end(), l.begin(), [](unsigned char c) { return std::tolower(c); });
  return l.rfind("127.", 0) == 0 || l == "::1" || l.rfind("fe80:", 0) == 0 || l.rfind("169.254.", 0) == 0;
}
}  // namespace

std::vector<AgentInterface> Guests::agent_interfaces(const std::string& node, int vmid,
                                                     std::chrono::milliseconds timeout) const {
  auto data = c_.call("GET", guest_path(node, GuestKind::qemu, vmid) + "/agent/network-get-interfaces", {}, timeout);
  std::vector<AgentInterface> out;
  const nlohmann::json* list = &data;
  if (data.is_object() && data.contains("result")) list = &data["result"];
  if (!list->is_array()) return out;
  for (const auto& i : *list) {
    if (!i.is_object()) continue;
    AgentInterface a;
    a.name = i.contains("name") ? scalar_string(i["name"]) : "";
    a.mac = i.contains("hardware-address") ? scalar_string(i["hardware-address"]) : "";
    if (a.name == "lo") continue;
    if (i.contains("ip-addresses") && i["ip-addresses"].is_array())
      for (const auto& ip : i["ip-addresses"]) {
        if (!ip.is_object() || !ip.contains("ip-address")) continue;
        std::string addr = scalar_string(ip["ip-address"]);
        if (addr.empty() || unwanted_address(addr)) continue;
        if (ip.contains("prefix")) addr += "/" + scalar_string(ip["prefix"]);
        std::string type = ip.contains("ip-address-type") ? scalar_string(ip["ip-address-type"]) : "";
        (type == "ipv6" ? a.ipv6 : a.ipv4).push_back(addr);
      }
    out.push_back(std::move(a));
  }
  return out;
}

TaskResult Guests::run_task(const std::function<std::string()>& dispatch, const WaitOptions& wait) const {
  return c_.with_retry([&] { return c_.wait_task(dispatch(), wait); }, locks_only());
}

void Guests::wait_unlocked(const std::string& node, GuestKind kind, int vmid, std::chrono::milliseconds timeout) const {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  auto delay = std::chrono::milliseconds(100);
  for (;;) {
    auto s = status(node, kind, vmid);
    if (s.lock.empty()) return;
    if (std::chrono::steady_clock::now() + delay > deadline)
      throw Error(ErrorKind::timeout, 0,
                  std::string(to_string(kind)) + " " + std::to_string(vmid) + " is still locked (" + s.lock + ")");
    if (c_.sleep_for(delay)) throw Error(ErrorKind::cancelled, 0, "waiting for the lock of " + std::to_string(vmid) + ": cancelled");
    delay = std::min(std::chrono::milliseconds(1000), delay * 2);
  }
}

}  // namespace sarga::pve
