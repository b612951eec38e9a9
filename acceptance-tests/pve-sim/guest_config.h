// A guest's configuration file as PVE keeps it: current values, a [PENDING] section with
// values and deletions that wait for the next guest restart, and the SHA-1 digest of the
// file text that clients send back for optimistic concurrency.
#pragma once

#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace sarga::pvesim {

struct PendingItem {
  std::string key;
  std::optional<std::string> value;    // current value
  std::optional<std::string> pending;  // new value waiting for restart
  bool remove = false;                 // pending deletion
};

class GuestConfig {
 public:
  std::map<std::string, std::string> current;
  std::map<std::string, std::string> pending;
  std::set<std::string> pending_delete;

  // Change a key now (`defer` false) or after the next restart (`defer` true).
  void set(const std::string& key, const std::string& value, bool defer);
  void remove(const std::string& key, bool defer);
  // Drops pending changes of `keys` ("revert").
  void revert(const std::set<std::string>& keys);
  // Applies all pending changes (done by a restart).
  void apply_pending();

  // What GET config answers: pending values applied unless `current_only`.
  std::map<std::string, std::string> view(bool current_only) const;
  std::vector<PendingItem> pending_items() const;

  // The config file text and its SHA-1 (40 hex digits), as PVE computes `digest`.
  std::string file_text() const;
  std::string digest() const;

  nlohmann::json to_json() const;
  static GuestConfig from_json(const nlohmann::json& j);
};

std::string sha1_hex(const std::string& data);

}  // namespace sarga::pvesim
