// `sarga-build audit`: run a hardening profile's verify checks over a rootfs directory
// or an LXC template archive, without changing anything.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace sarga::pipeline {

struct AuditFinding {
  std::string rule;      // e.g. "sshd-permit-root-login"
  std::string status;    // "pass", "fail", "skip"
  std::string detail;    // what was found when it failed / why skipped
};

struct AuditReport {
  std::string target;    // the path audited
  std::string profile;   // "lxc-baseline" | "vm-baseline"
  std::vector<AuditFinding> findings;
  bool passed() const;   // no "fail"
  nlohmann::json to_json() const;
  std::string to_text() const;
};

// Throws std::runtime_error for an unknown profile or unreadable target.
AuditReport audit(const std::filesystem::path& rootfs_or_archive,
                  const std::string& profile = "lxc-baseline",
                  const std::vector<std::string>& skip_rules = {});

}  // namespace sarga::pipeline
