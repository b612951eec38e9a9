// Hardening rules (builder.md §3): each named rule has apply (changes the rootfs) and
// verify (reads it, no boot needed). Profiles "lxc-baseline" and "vm-baseline" pick
// the rules that make sense for a container or a VM image.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "builder/steps/context.h"
#include "builder/steps/rootfs.h"
#include "builder/template/spec.h"

namespace sarga::steps::hardening {

enum class Target { lxc, vm };

struct Env {
  const Rootfs& root;
  Target target = Target::lxc;
  // Runs a command inside the rootfs (apt-get ...). Empty in pure-file contexts (audit):
  // rules that need it then fail their apply with a clear message.
  std::function<void(const std::string& what, const std::vector<std::string>& argv)> chroot;
};

struct Check {
  enum class Status { pass, fail, not_applicable };
  Status status = Status::pass;
  std::string detail;
  static Check pass(std::string d = {}) { return {Status::pass, std::move(d)}; }
  static Check fail(std::string d) { return {Status::fail, std::move(d)}; }
  static Check na(std::string d) { return {Status::not_applicable, std::move(d)}; }
};

struct Rule {
  std::string name;       // stable id users skip by: "sshd-permit-root-login"
  std::string title;      // one line for people
  std::string reference;  // e.g. "CIS Debian 12 5.1.20; dev-sec"
  bool lxc = true;        // part of lxc-baseline
  bool vm = true;         // part of vm-baseline
  std::function<void(const Env&)> apply;
  std::function<Check(const Env&)> verify;
};

// Every rule, in a stable order.
const std::vector<Rule>& all_rules();
const Rule* find_rule(const std::string& name);
// Throws std::invalid_argument naming the known profiles.
Target profile_target(const std::string& profile);
std::vector<const Rule*> profile_rules(const std::string& profile);

struct Outcome {
  std::string rule;
  std::string status;  // "pass", "fail", "skip" (by name), "n/a"
  std::string detail;
};

// Unknown names in `skip` are an error (a typo must not silently weaken a build).
void check_skip_names(const std::vector<std::string>& skip);
std::vector<Outcome> apply_profile(const Env& env, const std::string& profile, const std::vector<std::string>& skip,
                                   bool verify);
std::vector<Outcome> verify_profile(const Env& env, const std::string& profile,
                                    const std::vector<std::string>& skip);
nlohmann::json outcomes_json(const std::string& profile, const std::vector<Outcome>& outcomes);

// The hardening step: apply the profile (with a chroot for apt work), verify it, and
// throw listing the failed rules when settings.verify is on.
nlohmann::json run_hardening(const StepContext& ctx, const tmpl::HardeningSettings& settings);

// Rule groups (one file each).
void add_sshd_rules(std::vector<Rule>& rules);
void add_kernel_rules(std::vector<Rule>& rules);
void add_account_rules(std::vector<Rule>& rules);
void add_filesystem_rules(std::vector<Rule>& rules);
void add_system_rules(std::vector<Rule>& rules);
void add_mount_rules(std::vector<Rule>& rules);   // VM only: /etc/fstab options
void add_audit_rules(std::vector<Rule>& rules);   // VM only: auditd, its rules, early audit
void add_time_rules(std::vector<Rule>& rules);    // VM only: systemd-timesyncd

// Helpers shared by the rule files.
// Sets "KEY<sep>VALUE" on the first active line for KEY (or appends); keeps the file's mode.
void set_directive(const Rootfs& r, const std::string& guest, const std::string& key, const std::string& value,
                   const std::string& sep = " ", mode_t mode = 0644, bool case_insensitive = false);
// Value of the first active "KEY value" line, if any.
std::optional<std::string> get_directive(const Rootfs& r, const std::string& guest, const std::string& key,
                                         bool case_insensitive = false);
bool package_installed(const Rootfs& r, const std::string& name);
// apt-get install --no-install-recommends in the chroot (apt-get update first when the
// image carries no package lists; apt-get clean after). Throws without a chroot.
void install_packages(const Env& env, const std::vector<std::string>& packages);

// systemd units as `systemctl --root` sees them (hardening_units.cpp).
// Guest path of the unit file a package ships ("/lib/systemd/system/auditd.service"), if any.
std::optional<std::string> unit_file(const Rootfs& r, const std::string& unit);
// What `systemctl enable` does for "WantedBy=<wanted_by>" (+ "Alias=" names): the .wants
// link and alias links to the unit file; a mask is removed first.
void enable_unit(const Rootfs& r, const std::string& unit, const std::string& wanted_by,
                 const std::vector<std::string>& aliases = {});
// Empty when the unit is enabled (a .wants link to an existing unit file, no mask); else why not.
std::string unit_enable_problem(const Rootfs& r, const std::string& unit);
// The build host's /etc/resolv.conf copied in for apt; it must not ship (Proxmox writes the
// guest's own). A symlink (systemd-resolved stub) belongs to the image and stays.
bool has_build_host_resolver(const Rootfs& r);
void drop_build_host_resolver(const Rootfs& r);

}  // namespace sarga::steps::hardening
