// auditd (builder.md §3 rows 51-54; CIS 6.2.1-6.2.3): the daemon and its dispatcher
// plugins installed and enabled, the CIS rule set made immutable (-e 2), auditd.conf
// keeping logs and reacting to a filling disk, and auditing from early boot on.
#include <algorithm>
#include <set>

#include "builder/steps/hardening.h"

namespace sarga::steps::hardening {

namespace {

const std::vector<std::string> kAuditPackages = {"auditd", "audispd-plugins"};

constexpr const char* kRulesDir = "/etc/audit/rules.d";
constexpr const char* kRulesFile = "/etc/audit/rules.d/50-sarga-cis.rules";
// augenrules emits the last -e it reads as the last rule; a file of its own sorting last
// keeps that obvious.
constexpr const char* kFinalizeFile = "/etc/audit/rules.d/99-sarga-finalize.rules";
constexpr const char* kAuditdConf = "/etc/audit/auditd.conf";
constexpr const char* kCmdline = "/etc/kernel/cmdline";
constexpr long kBacklogLimit = 8192;

struct AuditGroup {
  const char* cis;
  const char* key;  // what verify reports missing
  std::vector<std::string> rules;
};

// Written with -F auid>=1000 (Debian's UID_MIN) and both ABIs: a 32-bit call on a
// 64-bit kernel is a different syscall number.
const std::vector<AuditGroup>& audit_groups() {
  static const std::string user = " -F auid>=1000 -F auid!=unset";
  static const std::vector<AuditGroup> groups = {
      {"6.2.3.1", "scope", {"-w /etc/sudoers -p wa -k scope", "-w /etc/sudoers.d -p wa -k scope"}},
      {"6.2.3.2", "user_emulation",
       {"-a always,exit -F arch=b64 -C euid!=uid -F auid!=unset -S execve -k user_emulation",
        "-a always,exit -F arch=b32 -C euid!=uid -F auid!=unset -S execve -k user_emulation"}},
      {"6.2.3.3", "sudo_log_file", {"-w /var/log/sudo.log -p wa -k sudo_log_file"}},
      {"6.2.3.4", "time-change",
       {"-a always,exit -F arch=b64 -S adjtimex,settimeofday,clock_settime -k time-change",
        "-a always,exit -F arch=b32 -S adjtimex,settimeofday,clock_settime -k time-change",
        "-w /etc/localtime -p wa -k time-change"}},
      {"6.2.3.5", "system-locale",
       {"-a always,exit -F arch=b64 -S sethostname,setdomainname -k system-locale",
        "-a always,exit -F arch=b32 -S sethostname,setdomainname -k system-locale",
        "-w /etc/issue -p wa -k system-locale", "-w /etc/issue.net -p wa -k system-locale",
        "-w /etc/hosts -p wa -k system-locale", "-w /etc/networks -p wa -k system-locale",
        "-w /etc/network -p wa -k system-locale", "-w /etc/hostname -p wa -k system-locale"}},
      {"6.2.3.7", "access",
       {"-a always,exit -F arch=b64 -S creat,open,openat,truncate,ftruncate -F exit=-EACCES" + user + " -k access",
        "-a always,exit -F arch=b64 -S creat,open,openat,truncate,ftruncate -F exit=-EPERM" + user + " -k access",
        "-a always,exit -F arch=b32 -S creat,open,openat,truncate,ftruncate -F exit=-EACCES" + user + " -k access",
        "-a always,exit -F arch=b32 -S creat,open,openat,truncate,ftruncate -F exit=-EPERM" + user + " -k access"}},
      {"6.2.3.8", "identity",
       {"-w /etc/group -p wa -k identity", "-w /etc/passwd -p wa -k identity", "-w /etc/gshadow -p wa -k identity",
        "-w /etc/shadow -p wa -k identity", "-w /etc/security/opasswd -p wa -k identity",
        "-w /etc/nsswitch.conf -p wa -k identity", "-w /etc/pam.conf -p wa -k identity",
        "-w /etc/pam.d -p wa -k identity"}},
      {"6.2.3.9", "perm_mod",
       {"-a always,exit -F arch=b64 -S chmod,fchmod,fchmodat" + user + " -k perm_mod",
        "-a always,exit -F arch=b64 -S chown,fchown,lchown,fchownat" + user + " -k perm_mod",
        "-a always,exit -F arch=b32 -S chmod,fchmod,fchmodat" + user + " -k perm_mod",
        "-a always,exit -F arch=b32 -S chown,fchown,lchown,fchownat" + user + " -k perm_mod",
        "-a always,exit -F arch=b64 -S setxattr,lsetxattr,fsetxattr,removexattr,lremovexattr,fremovexattr" + user +
            " -k perm_mod",
        "-a always,exit -F arch=b32 -S setxattr,lsetxattr,fsetxattr,removexattr,lremovexattr,fremovexattr" + user +
            " -k perm_mod"}},
      {"6.2.3.10", "mounts",
       {"-a always,exit -F arch=b64 -S mount" + user + " -k mounts",
        "-a always,exit -F arch=b32 -S mount" + user + " -k mounts"}},
      {"6.2.3.11", "session",
       {"-w /var/run/utmp -p wa -k session", "-w /var/log/wtmp -p wa -k session", "-w /var/log/btmp -p wa -k session"}},
      {"6.2.3.12", "logins", {"-w /var/log/lastlog -p wa -k logins", "-w /var/run/faillock -p wa -k logins"}},
      {"6.2.3.13", "delete",
       {"-a always,exit -F arch=b64 -S rename,unlink,unlinkat,renameat" + user + " -k delete",
        "-a always,exit -F arch=b32 -S rename,unlink,unlinkat,renameat" + user + " -k delete"}},
      {"6.2.3.14", "MAC-policy", {"-w /etc/apparmor -p wa -k MAC-policy", "-w /etc/apparmor.d -p wa -k MAC-policy"}},
      {"6.2.3.15-18", "perm_chng/usermod",
       {"-a always,exit -F path=/usr/bin/chcon -F perm=x" + user + " -k perm_chng",
        "-a always,exit -F path=/usr/bin/setfacl -F perm=x" + user + " -k perm_chng",
        "-a always,exit -F path=/usr/bin/chacl -F perm=x" + user + " -k perm_chng",
        "-a always,exit -F path=/usr/sbin/usermod -F perm=x" + user + " -k usermod"}},
      {"6.2.3.19", "kernel_modules",
       {"-a always,exit -F arch=b64 -S init_module,finit_module,delete_module,create_module,query_module" + user +
            " -k kernel_modules",
        "-a always,exit -F path=/usr/bin/kmod -F perm=x" + user + " -k kernel_modules"}},
  };
  return groups;
}

// Rule lines of every rules.d/*.rules file in augenrules' order, whitespace normalised.
std::vector<std::string> effective_audit_rules(const Rootfs& r) {
  std::vector<std::string> out;
  for (const auto& n : r.list(kRulesDir)) {
    if (n.size() <= 6 || n.substr(n.size() - 6) != ".rules") continue;
    for (const auto& l : split_lines(r.read(std::string(kRulesDir) + "/" + n).value_or(""))) {
      auto words = split_ws(l);
      if (words.empty() || words[0][0] == '#') continue;
      std::string norm;
      for (const auto& w : words) norm += (norm.empty() ? "" : " ") + w;
      out.push_back(norm);
    }
  }
  return out;
}

struct ConfValue {
  const char* key;
  const char* value;                 // what apply writes
  std::vector<std::string> allowed;  // what verify accepts (CIS), lower case
};

// CIS 6.2.2.1-4. "single" rather than "halt" when space runs out: the console stays usable.
// space_left_action email is CIS's choice; without an MTA auditd only logs that it cannot mail.
const std::vector<ConfValue> kAuditdSettings = {
    {"max_log_file", "8", {}},
    {"max_log_file_action", "keep_logs", {"keep_logs"}},
    {"space_left_action", "email", {"email", "exec", "single", "halt"}},
    {"action_mail_acct", "root", {}},
    {"admin_space_left_action", "single", {"single", "halt"}},
    {"disk_full_action", "single", {"single", "halt"}},
    {"disk_error_action", "syslog", {"syslog", "single", "halt"}},
};

std::string cis_choices(const std::vector<std::string>& allowed) {
  std::string out;
  for (size_t i = 0; i < allowed.size(); ++i)
    out += (i == 0 ? "" : i + 1 == allowed.size() ? " or " : ", ") + allowed[i];
  return out;
}

// The last value of a kernel parameter on the command line (the kernel applies them in order).
std::optional<std::string> cmdline_value(const std::vector<std::string>& words, const std::string& key) {
  std::optional<std::string> v;
  for (const auto& w : words)
    if (w.rfind(key + "=", 0) == 0) v = w.substr(key.size() + 1);
  return v;
}

long to_long(const std::string& s) {
  try {
    size_t used = 0;
    long v = std::stol(s, &used);
    return used == s.size() ? v : -1;
  } catch (const std::exception&) {
    return -1;
  }
}

}  // namespace

void add_audit_rules(std::vector<Rule>& rules) {
  Rule service{"auditd", "auditd and its dispatcher plugins installed, auditd.service enabled", "CIS 6.2.1.1-6.2.1.2",
               false, true, {}, {}};
  service.apply = [](const Env& env) {
    std::vector<std::string> missing;
    for (const auto& p : kAuditPackages)
      if (!package_installed(env.root, p)) missing.push_back(p);
    if (!missing.empty()) install_packages(env, missing);
    enable_unit(env.root, "auditd.service", "multi-user.target");
  };
  service.verify = [](const Env& env) {
    std::string missing;
    for (const auto& p : kAuditPackages)
      if (!package_installed(env.root, p)) missing += (missing.empty() ? "" : ", ") + p;
    if (!missing.empty()) return Check::fail("not installed: " + missing);
    auto problem = unit_enable_problem(env.root, "auditd.service");
    return problem.empty() ? Check::pass() : Check::fail(problem);
  };
  rules.push_back(service);

  Rule conf{"auditd-conf", "audit logs are kept, and a filling disk warns and then stops the system",
            "CIS 6.2.2.1-6.2.2.4", false, true, {}, {}};
  conf.apply = [](const Env& env) {
    for (const auto& c : kAuditdSettings) set_directive(env.root, kAuditdConf, c.key, c.value, " = ", 0640);
  };
  conf.verify = [](const Env& env) {
    if (!env.root.exists(kAuditdConf)) return Check::fail(std::string(kAuditdConf) + " is missing");
    std::vector<std::string> bad;
    for (const auto& c : kAuditdSettings) {
      auto v = get_directive(env.root, kAuditdConf, c.key);
      if (!v) {
        if (!c.allowed.empty() || std::string(c.key) == "max_log_file") bad.push_back(std::string(c.key) + " not set");
        continue;
      }
      if (std::string(c.key) == "max_log_file" && to_long(*v) <= 0)
        bad.push_back("max_log_file is " + *v + " (a size in MiB)");
      else if (!c.allowed.empty() &&
               std::find(c.allowed.begin(), c.allowed.end(), to_lower(*v)) == c.allowed.end())
        bad.push_back(std::string(c.key) + " is " + *v + " (CIS: " + cis_choices(c.allowed) + ")");
    }
    std::string detail;
    for (const auto& b : bad) detail += (detail.empty() ? "" : "; ") + b;
    return detail.empty() ? Check::pass() : Check::fail(detail);
  };
  rules.push_back(conf);

  Rule audit_rules{"audit-rules", "the CIS audit rule set is loaded and made immutable (-e 2)", "CIS 6.2.3.1-6.2.3.20",
                   false, true, {}, {}};
  audit_rules.apply = [](const Env& env) {
    std::string text = "# Written by sarga-build (hardening rule audit-rules): CIS Debian 12 6.2.3.x.\n";
    for (const auto& g : audit_groups()) {
      text += "\n## " + std::string(g.cis) + "\n";
      for (const auto& rule : g.rules) text += rule + "\n";
    }
    env.root.write(kRulesFile, text, 0640);
    env.root.write(kFinalizeFile, "# Written by sarga-build: rules cannot change until reboot (CIS 6.2.3.20).\n-e 2\n",
                   0640);
  };
  audit_rules.verify = [](const Env& env) {
    auto have = effective_audit_rules(env.root);
    std::set<std::string> present(have.begin(), have.end());
    std::string missing;
    for (const auto& g : audit_groups()) {
      bool complete = true;
      for (const auto& rule : g.rules) complete &= present.count(rule) > 0;
      if (!complete) missing += (missing.empty() ? "" : ", ") + std::string(g.key);
    }
    if (!missing.empty()) return Check::fail("missing audit rules in " + std::string(kRulesDir) + ": " + missing);
    std::string last_e;
    for (const auto& l : have)
      if (l.rfind("-e ", 0) == 0) last_e = l;
    if (last_e != "-e 2")
      return Check::fail("audit rules are not immutable: the last -e in " + std::string(kRulesDir) + " is " +
                         (last_e.empty() ? std::string("absent") : "\"" + last_e + "\"") + ", want \"-e 2\"");
    return Check::pass();
  };
  rules.push_back(audit_rules);

  Rule early{"audit-early-boot", "processes started before auditd are audited (audit=1, backlog 8192)",
             "CIS 6.2.1.3-6.2.1.4", false, true, {}, {}};
  early.apply = [](const Env& env) {
    // The disk-image output writes this file (root=, console=) and turns it into the loader entry.
    auto words = split_ws(env.root.read(kCmdline).value_or(""));
    auto set = [&](const std::string& key, const std::string& value) {
      std::vector<std::string> kept;
      for (const auto& w : words)
        if (w.rfind(key + "=", 0) != 0) kept.push_back(w);
      kept.push_back(key + "=" + value);
      words = kept;
    };
    if (cmdline_value(words, "audit") != "1") set("audit", "1");
    if (to_long(cmdline_value(words, "audit_backlog_limit").value_or("")) < kBacklogLimit)
      set("audit_backlog_limit", std::to_string(kBacklogLimit));
    std::string line;
    for (const auto& w : words) line += (line.empty() ? "" : " ") + w;
    env.root.write(kCmdline, line + "\n", 0644);
  };
  early.verify = [](const Env& env) {
    auto text = env.root.read(kCmdline);
    if (!text) return Check::fail(std::string(kCmdline) + " is missing");
    auto words = split_ws(*text);
    std::vector<std::string> bad;
    auto audit = cmdline_value(words, "audit");
    if (audit != "1") bad.push_back(audit ? "audit=" + *audit : "no audit=1");
    auto backlog = cmdline_value(words, "audit_backlog_limit");
    if (!backlog) bad.push_back("no audit_backlog_limit");
    else if (to_long(*backlog) < kBacklogLimit)
      bad.push_back("audit_backlog_limit=" + *backlog + " (want at least " + std::to_string(kBacklogLimit) + ")");
    std::string detail;
    for (const auto& b : bad) detail += (detail.empty() ? "" : ", ") + b;
    return detail.empty() ? Check::pass() : Check::fail(std::string(kCmdline) + ": " + detail);
  };
  rules.push_back(early);
}

}  // namespace sarga::steps::hardening
