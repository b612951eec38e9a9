#include "provider/resources/lxc/api.h"

#include "lib/http/http.h"
#include "lib/pve/guests.h"

namespace sarga::resources::lxc {
namespace {

std::string ct_path(const std::string& node, int vmid) {
  return pve::node_path(node) + "/lxc/" + std::to_string(vmid);
}

}  // namespace

LiveConfig fetch_config(const pve::Client& client, const std::string& node, int vmid) {
  nlohmann::json data = client.with_retry([&] { return client.get(ct_path(node, vmid) + "/config"); });
  LiveConfig out;
  if (!data.is_object()) return out;
  for (const auto& [key, value] : data.items()) {
    if (key == "digest")
      out.digest = pve::scalar_string(value);
    else
      out.values[key] = pve::scalar_string(value);
  }
  return out;
}

std::string fetch_status(const pve::Client& client, const std::string& node, int vmid) {
  nlohmann::json data = client.with_retry([&] { return client.get(ct_path(node, vmid) + "/status/current"); });
  return data.is_object() ? data.value("status", "") : "";
}

std::vector<std::string> pending_keys(const pve::Client& client, const std::string& node, int vmid) {
  nlohmann::json data = client.with_retry([&] { return client.get(ct_path(node, vmid) + "/pending"); });
  std::vector<std::string> out;
  if (!data.is_array()) return out;
  for (const auto& item : data)
    if (item.is_object() && (item.contains("pending") || item.contains("delete")))
      out.push_back(item.value("key", ""));
  return out;
}

void set_pool(const pve::Client& client, int vmid, const std::string& from, const std::string& to) {
  std::string id = std::to_string(vmid);
  if (!from.empty())
    client.with_retry([&] {
      return client.put("/pools/" + http::url_encode(from), {{"vms", id}, {"delete", "1"}});
    });
  if (!to.empty())
    client.with_retry([&] {
      return client.put("/pools/" + http::url_encode(to), {{"vms", id}, {"allow-move", "1"}});
    });
}

}  // namespace sarga::resources::lxc
