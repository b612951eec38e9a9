#include "provider/resources/vm/boot_mark.h"

#include <cstdlib>

#include <nlohmann/json.hpp>

namespace sarga::resources::vm {
namespace {

constexpr std::int64_t kStartSlack = 3;  // seconds

std::int64_t number(const nlohmann::json& raw, const char* key) {
  if (!raw.is_object() || !raw.contains(key)) return 0;
  const auto& v = raw[key];
  if (v.is_number_integer()) return v.get<std::int64_t>();
  if (v.is_number()) return static_cast<std::int64_t>(v.get<double>());
  if (v.is_string()) return std::strtoll(v.get<std::string>().c_str(), nullptr, 10);
  return 0;
}

bool empty(const opt<std::vector<std::string>>& list) { return !list || list->empty(); }

}  // namespace

std::optional<BootMark> boot_mark(const std::string& node, const pve::GuestStatus& status, std::int64_t now) {
  if (status.status != "running") return std::nullopt;
  BootMark m;
  m.node = node;
  m.pid = number(status.raw, "pid");
  m.started = now - status.uptime;
  return m;
}

bool same_boot(const BootMark& a, const BootMark& b) {
  if (a.node != b.node) return false;
  if (a.pid && b.pid && a.pid != b.pid) return false;
  return std::llabs(a.started - b.started) <= kStartSlack;
}

bool agent_read_needed(const Vm& prior, const std::optional<BootMark>& prior_boot, const BootMark& now) {
  if (!prior_boot || !same_boot(*prior_boot, now)) return true;
  std::string family = "any";
  if (prior.agent && prior.agent->wait_for_ip) family = prior.agent->wait_for_ip->family.value_or("any");
  if (family == "ipv4") return empty(prior.ipv4_addresses);
  if (family == "ipv6") return empty(prior.ipv6_addresses);
  return empty(prior.ipv4_addresses) && empty(prior.ipv6_addresses);
}

std::string encode_private(const std::optional<BootMark>& mark) {
  if (!mark) return {};
  nlohmann::json j = {{"agent_boot", {{"node", mark->node}, {"pid", mark->pid}, {"started", mark->started}}}};
  return j.dump();
}

std::optional<BootMark> decode_private(const std::string& bytes) {
  if (bytes.empty()) return std::nullopt;
  auto j = nlohmann::json::parse(bytes, nullptr, false);
  if (j.is_discarded() || !j.is_object() || !j.contains("agent_boot") || !j["agent_boot"].is_object())
    return std::nullopt;
  const auto& b = j["agent_boot"];
  if (!b.contains("node") || !b["node"].is_string()) return std::nullopt;
  BootMark m;
  m.node = b["node"].get<std::string>();
  m.pid = number(b, "pid");
  m.started = number(b, "started");
  if (m.started <= 0) return std::nullopt;
  return m;
}

}  // namespace sarga::resources::vm
