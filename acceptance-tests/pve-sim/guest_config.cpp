#include "acceptance-tests/pve-sim/guest_config.h"

#include <openssl/evp.h>

#include <cstdio>

namespace sarga::pvesim {

void GuestConfig::set(const std::string& key, const std::string& value, bool defer) {
  if (defer) {
    pending_delete.erase(key);
    pending[key] = value;
  } else {
    pending.erase(key);
    pending_delete.erase(key);
    current[key] = value;
  }
}

void GuestConfig::remove(const std::string& key, bool defer) {
  if (defer) {
    pending.erase(key);
    if (current.count(key)) pending_delete.insert(key);
  } else {
    pending.erase(key);
    pending_delete.erase(key);
    current.erase(key);
  }
}

void GuestConfig::revert(const std::set<std::string>& keys) {
  for (const auto& k : keys) {
    pending.erase(k);
    pending_delete.erase(k);
  }
}

void GuestConfig::apply_pending() {
  for (const auto& [k, v] : pending) current[k] = v;
  for (const auto& k : pending_delete) current.erase(k);
  pending.clear();
  pending_delete.clear();
}

std::map<std::string, std::string> GuestConfig::view(bool current_only) const {
  if (current_only) return current;
  auto out = current;
  for (const auto& [k, v] : pending) out[k] = v;
  for (const auto& k : pending_delete) out.erase(k);
  return out;
}

std::vector<PendingItem> GuestConfig::pending_items() const {
  std::set<std::string> keys;
  for (const auto& [k, v] : current) keys.insert(k);
  for (const auto& [k, v] : pending) keys.insert(k);
  std::vector<PendingItem> out;
  for (const auto& k : keys) {
    PendingItem item;
    item.key = k;
    if (auto it = current.find(k); it != current.end()) item.value = it->second;
    if (auto it = pending.find(k); it != pending.end()) item.pending = it->second;
    item.remove = pending_delete.count(k) > 0;
    out.push_back(std::move(item));
  }
  return out;
}

std::string GuestConfig::file_text() const {
  std::string text;
  for (const auto& [k, v] : current) text += k + ": " + v + "\n";
  if (!pending.empty() || !pending_delete.empty()) {
    text += "\n[PENDING]\n";
    if (!pending_delete.empty()) {
      text += "delete: ";
      bool first = true;
      for (const auto& k : pending_delete) {
        text += (first ? "" : ",") + k;
        first = false;
      }
      text += "\n";
    }
    for (const auto& [k, v] : pending) text += k + ": " + v + "\n";
  }
  return text;
}

std::string GuestConfig::digest() const { return sha1_hex(file_text()); }

std::string sha1_hex(const std::string& data) {
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  EVP_Digest(data.data(), data.size(), md, &len, EVP_sha1(), nullptr);
  std::string hex;
  char buf[3];
  for (unsigned i = 0; i < len; ++i) {
    std::snprintf(buf, sizeof buf, "%02x", md[i]);
    hex += buf;
  }
  return hex;
}

nlohmann::json GuestConfig::to_json() const {
  return {{"current", current}, {"pending", pending}, {"pending_delete", pending_delete}};
}

GuestConfig GuestConfig::from_json(const nlohmann::json& j) {
  GuestConfig c;
  c.current = j.value("current", std::map<std::string, std::string>{});
  c.pending = j.value("pending", std::map<std::string, std::string>{});
  c.pending_delete = j.value("pending_delete", std::set<std::string>{});
  return c;
}

}  // namespace sarga::pvesim
