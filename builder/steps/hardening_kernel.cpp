// sysctl, kernel module and core dump rules (builder.md §3 rows 16-24). net.* sysctls
// are per network namespace, so containers get them too; fs.* and kernel.* belong to
// the host kernel and only VM images carry them.
#include <map>

#include "builder/steps/hardening.h"

namespace sarga::steps::hardening {

namespace {

// Sorts after Debian's 99-sysctl.conf (a link to /etc/sysctl.conf), so ours wins.
constexpr const char* kSysctlFile = "/etc/sysctl.d/99-zz-sarga-hardening.conf";

using Values = std::vector<std::pair<std::string, std::string>>;

const Values& network_values(Target t) {
  static const Values common = {
      {"net.ipv4.ip_forward", "0"},
      {"net.ipv6.conf.all.forwarding", "0"},
      {"net.ipv4.conf.all.send_redirects", "0"},
      {"net.ipv4.conf.default.send_redirects", "0"},
      {"net.ipv4.conf.all.accept_redirects", "0"},
      {"net.ipv4.conf.default.accept_redirects", "0"},
      {"net.ipv6.conf.all.accept_redirects", "0"},
      {"net.ipv6.conf.default.accept_redirects", "0"},
      {"net.ipv4.conf.all.secure_redirects", "0"},
      {"net.ipv4.conf.default.secure_redirects", "0"},
      {"net.ipv4.icmp_ignore_bogus_error_responses", "1"},
      {"net.ipv4.icmp_echo_ignore_broadcasts", "1"},
      {"net.ipv4.conf.all.rp_filter", "1"},
      {"net.ipv4.conf.default.rp_filter", "1"},
      {"net.ipv4.conf.all.accept_source_route", "0"},
      {"net.ipv4.conf.default.accept_source_route", "0"},
      {"net.ipv6.conf.all.accept_source_route", "0"},
      {"net.ipv6.conf.default.accept_source_route", "0"},
      {"net.ipv4.conf.all.log_martians", "1"},
      {"net.ipv4.conf.default.log_martians", "1"},
      {"net.ipv4.tcp_syncookies", "1"},
  };
  // Router advertisements stay on in containers: PVE's ip6=auto relies on SLAAC.
  static const Values vm = [] {
    Values v = common;
    v.push_back({"net.ipv6.conf.all.accept_ra", "0"});
    v.push_back({"net.ipv6.conf.default.accept_ra", "0"});
    return v;
  }();
  return t == Target::vm ? vm : common;
}

const Values kKernelValues = {
    {"fs.protected_hardlinks", "1"},  {"fs.protected_symlinks", "1"},  {"fs.protected_fifos", "1"},
    {"fs.protected_regular", "2"},    {"fs.suid_dumpable", "0"},       {"kernel.randomize_va_space", "2"},
    {"kernel.yama.ptrace_scope", "1"}, {"kernel.kptr_restrict", "2"},   {"kernel.kexec_load_disabled", "1"},
    {"kernel.sysrq", "0"},            {"kernel.dmesg_restrict", "1"},
};

// Effective sysctl settings as systemd-sysctl computes them: files by basename, /etc
// over /run over /usr/lib over /lib, applied in basename order, last value wins.
std::map<std::string, std::string> effective_sysctl(const Rootfs& r) {
  std::map<std::string, std::string> files;  // basename -> guest path
  for (const char* dir : {"/lib/sysctl.d", "/usr/lib/sysctl.d", "/run/sysctl.d", "/etc/sysctl.d"})
    for (const auto& n : r.list(dir))
      if (n.size() > 5 && n.substr(n.size() - 5) == ".conf") files[n] = std::string(dir) + "/" + n;
  std::map<std::string, std::string> values;
  for (const auto& [name, path] : files) {
    auto text = r.read(path);
    if (!text) continue;
    for (const auto& raw : split_lines(*text)) {
      std::string l = trim(raw);
      if (l.empty() || l[0] == '#' || l[0] == ';') continue;
      if (l[0] == '-') l = l.substr(1);
      auto eq = l.find('=');
      if (eq == std::string::npos) continue;
      std::string key = trim(l.substr(0, eq));
      for (auto& c : key)
        if (c == '/') c = '.';
      values[key] = trim(l.substr(eq + 1));
    }
  }
  return values;
}

// Settings where a stricter (higher) single-digit value also passes: dev-sec sets ptrace_scope 2.
bool at_least(const std::string& key) { return key == "kernel.yama.ptrace_scope"; }

Rule sysctl_rule(std::string name, std::string title, std::string ref, bool lxc,
                 std::function<const Values&(Target)> values) {
  Rule rule{name, title, ref, lxc, true, {}, {}};
  rule.apply = [values](const Env& env) {
    for (const auto& [k, v] : values(env.target)) set_directive(env.root, kSysctlFile, k, v, " = ");
  };
  rule.verify = [values](const Env& env) {
    auto eff = effective_sysctl(env.root);
    std::string bad;
    for (const auto& [k, v] : values(env.target)) {
      auto it = eff.find(k);
      if (it == eff.end()) bad += (bad.empty() ? "" : ", ") + k + " not set";
      else if (it->second != v && !(at_least(k) && it->second > v && it->second.size() == 1))
        bad += (bad.empty() ? "" : ", ") + k + " = " + it->second;
    }
    return bad.empty() ? Check::pass() : Check::fail(bad);
  };
  return rule;
}

// CIS 1.1.1.1-9 (filesystems; "overlay" is the overlayfs module) and 3.2.1-4 (protocols).
// vfat stays loadable: the ESP of a UEFI disk image is FAT.
const std::vector<std::string> kDeniedModules = {"cramfs", "freevxfs", "hfs",  "hfsplus", "jffs2", "overlay", "squashfs",
                                                 "udf",    "usb-storage", "dccp", "tipc",  "rds",   "sctp"};
const std::vector<std::string> kKeptModules = {"vfat", "fat"};

// modprobe treats '-' and '_' in module names alike.
std::string module_key(std::string name) {
  for (auto& c : name)
    if (c == '-') c = '_';
  return name;
}
constexpr const char* kModprobeFile = "/etc/modprobe.d/sarga-hardening.conf";

}  // namespace

void add_kernel_rules(std::vector<Rule>& rules) {
  rules.push_back(sysctl_rule("sysctl-network", "network sysctls: no forwarding, redirects or source routes; rp_filter, syncookies",
                              "CIS 3.3.1-3.3.11", true, [](Target t) -> const Values& { return network_values(t); }));
  rules.push_back(sysctl_rule("sysctl-kernel", "kernel and fs sysctls: ASLR, ptrace scope, protected links, no suid dumps",
                              "CIS 1.5.1-1.5.3; dev-sec", false, [](Target) -> const Values& { return kKernelValues; }));

  Rule modules{"kernel-modules-denylist", "rare filesystems and network protocols cannot be loaded",
               "CIS 1.1.1.1-1.1.1.9, 3.2.1-3.2.4", false, true, {}, {}};
  modules.apply = [](const Env& env) {
    std::string text = "# Written by sarga-build (hardening rule kernel-modules-denylist).\n";
    for (const auto& m : kDeniedModules) text += "install " + m + " /bin/false\nblacklist " + m + "\n";
    env.root.write(kModprobeFile, text, 0644);
  };
  modules.verify = [](const Env& env) {
    std::map<std::string, bool> install_false, blacklisted;
    for (const char* dir : {"/etc/modprobe.d", "/lib/modprobe.d", "/usr/lib/modprobe.d"})
      for (const auto& n : env.root.list(dir)) {
        if (n.size() < 6 || n.substr(n.size() - 5) != ".conf") continue;  // modprobe reads only *.conf
        auto text = env.root.read(std::string(dir) + "/" + n);
        if (!text) continue;
        for (const auto& l : split_lines(*text)) {
          auto w = split_ws(l);
          if (w.size() >= 3 && w[0] == "install" && (w[2] == "/bin/false" || w[2] == "/bin/true"))
            install_false[module_key(w[1])] = true;
          if (w.size() >= 2 && w[0] == "blacklist") blacklisted[module_key(w[1])] = true;
        }
      }
    std::string loadable, not_blacklisted;
    for (const auto& m : kDeniedModules) {
      if (!install_false[module_key(m)]) loadable += (loadable.empty() ? "" : ", ") + m;
      if (!blacklisted[module_key(m)]) not_blacklisted += (not_blacklisted.empty() ? "" : ", ") + m;
    }
    std::string denied_kept;
    for (const auto& m : kKeptModules)
      if (install_false[m]) denied_kept += (denied_kept.empty() ? "" : ", ") + m;
    std::vector<std::string> bad;
    if (!loadable.empty()) bad.push_back("loadable: " + loadable);
    if (!not_blacklisted.empty()) bad.push_back("not blacklisted: " + not_blacklisted);
    if (!denied_kept.empty()) bad.push_back("denied but needed for the FAT EFI system partition: " + denied_kept);
    std::string detail;
    for (const auto& b : bad) detail += (detail.empty() ? "" : "; ") + b;
    return detail.empty() ? Check::pass() : Check::fail(detail);
  };
  rules.push_back(modules);

  Rule core{"core-dumps", "no core dumps: hard limit 0, systemd-coredump stores nothing", "CIS 1.5.3; dev-sec",
            true, true, {}, {}};
  core.apply = [](const Env& env) {
    env.root.write("/etc/security/limits.d/90-sarga-coredump.conf", "* hard core 0\n", 0644);
    env.root.write("/etc/systemd/coredump.conf.d/90-sarga.conf", "[Coredump]\nStorage=none\nProcessSizeMax=0\n", 0644);
  };
  core.verify = [](const Env& env) {
    bool limit = false;
    auto scan = [&](const std::string& f) {
      auto text = env.root.read(f);
      if (!text) return;
      for (const auto& l : split_lines(*text)) {
        auto w = split_ws(l);
        if (w.size() >= 4 && w[0] == "*" && w[1] == "hard" && w[2] == "core") limit = w[3] == "0";
      }
    };
    scan("/etc/security/limits.conf");
    for (const auto& n : env.root.list("/etc/security/limits.d")) scan("/etc/security/limits.d/" + n);
    bool storage_none = false;
    for (const auto& n : env.root.list("/etc/systemd/coredump.conf.d"))
      if (auto v = get_directive(env.root, "/etc/systemd/coredump.conf.d/" + n, "Storage")) storage_none = *v == "none";
    if (!limit) return Check::fail("no \"* hard core 0\" limit");
    if (!storage_none) return Check::fail("systemd-coredump Storage is not none");
    return Check::pass();
  };
  rules.push_back(core);
}

}  // namespace sarga::steps::hardening
