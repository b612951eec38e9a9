// The vm-baseline rules (mount options, auditd, early audit, time sync, kernel modules):
// apply then verify on fixture trees, exact failure details on broken trees, profile
// membership and skipping by name.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>

#include "builder/steps/hardening.h"
#include "builder/steps/tests/fake_apt.h"
#include "builder/steps/tests/fixture.h"
#include "builder/steps/tests/vm_fixture.h"

namespace h = sarga::steps::hardening;
namespace fs = std::filesystem;
using sarga::steps::Rootfs;
using sarga::testing::FakeApt;
using sarga::testing::put;
using sarga::testing::TempDir;

namespace {

const std::vector<std::string> kNewVmRules = {"time-sync", "auditd",     "auditd-conf", "audit-rules",
                                              "audit-early-boot", "mount-tmp", "mount-var", "mount-home",
                                              "mount-dev-shm"};

std::vector<std::string> profile_names(const std::string& profile) {
  std::vector<std::string> out;
  for (const auto* r : h::profile_rules(profile)) out.push_back(r->name);
  return out;
}

bool contains(const std::vector<std::string>& v, const std::string& s) {
  return std::find(v.begin(), v.end(), s) != v.end();
}

// A weak Debian tree plus what the disk-image output writes, with a recording apt.
struct VmTree {
  TempDir dir;
  Rootfs root{dir.path()};
  FakeApt apt{root, {}};
  h::Env env{root, h::Target::vm, [this](const std::string& w, const std::vector<std::string>& a) { apt(w, a); }};
  VmTree() {
    sarga::testing::make_weak_rootfs(dir.path());
    sarga::testing::add_weak_vm_files(dir.path());
  }
  h::Check verify(const std::string& rule) const { return h::find_rule(rule)->verify(env); }
  void apply(const std::string& rule) const { h::find_rule(rule)->apply(env); }
  std::string link(const std::string& guest) const {
    return fs::read_symlink(dir.path() / guest.substr(1)).string();
  }
};

void expect_fail(const h::Check& c, const std::string& detail) {
  EXPECT_EQ(c.status, h::Check::Status::fail) << c.detail;
  EXPECT_EQ(c.detail, detail);
}

void expect_pass(const h::Check& c) { EXPECT_EQ(c.status, h::Check::Status::pass) << c.detail; }

// ------------------------------------------------------------------ profiles

TEST(VmBaseline, LxcBaselineIsUnchanged) {
  const std::vector<std::string> lxc = {
      "sshd-permit-root-login", "sshd-password-authentication", "sshd-permit-empty-passwords",
      "sshd-pubkey-authentication", "sshd-max-auth-tries", "sshd-login-grace-time", "sshd-client-alive",
      "sshd-forwarding", "sshd-host-based-auth", "sshd-environment-pam", "sshd-logging-limits", "sshd-crypto",
      "sshd-moduli", "sshd-file-permissions", "sshd-banner", "sysctl-network", "core-dumps",
      "login-defs-password-aging", "login-defs-encrypt-method", "umask", "useradd-inactive", "shell-timeout",
      "accounts", "shells-no-nologin", "pam-faillock", "pam-unix-no-nullok", "pam-pwquality", "sudo-defaults",
      "file-permissions", "world-writable", "setuid-removal", "cron-permissions", "services-masked",
      "remove-insecure-packages", "journald", "apt-sources-signed", "unattended-upgrades", "template-hygiene"};
  EXPECT_EQ(profile_names("lxc-baseline"), lxc);
}

TEST(VmBaseline, NewRulesAreVmOnly) {
  auto vm = profile_names("vm-baseline"), lxc = profile_names("lxc-baseline");
  for (const auto& name : kNewVmRules) {
    const h::Rule* rule = h::find_rule(name);
    ASSERT_NE(rule, nullptr) << name;
    EXPECT_TRUE(contains(vm, name)) << name;
    EXPECT_FALSE(contains(lxc, name)) << name;
    EXPECT_FALSE(rule->title.empty());
    EXPECT_FALSE(rule->reference.empty());
  }
  // Package-installing rules run before the file and account rules, hygiene stays last.
  EXPECT_EQ(vm.front(), "time-sync");
  EXPECT_EQ(vm.back(), "template-hygiene");
  EXPECT_EQ(vm.size(), profile_names("lxc-baseline").size() + 2 + kNewVmRules.size());
}

TEST(VmBaseline, WholeProfilePassesOnTheWeakTree) {
  VmTree t;
  auto out = h::apply_profile(t.env, "vm-baseline", {}, true);
  for (const auto& o : out) EXPECT_EQ(o.status, "pass") << o.rule << ": " << o.detail;
  const std::vector<std::string> calls = {
      "apt-get update", "apt-get -y install --no-install-recommends systemd-timesyncd", "apt-get clean",
      "apt-get update", "apt-get -y install --no-install-recommends auditd audispd-plugins", "apt-get clean",
      "apt-get -y purge telnet",
      "apt-get update", "apt-get -y install --no-install-recommends unattended-upgrades", "apt-get clean"};
  EXPECT_EQ(t.apt.calls, calls);
  // The audit of the result (verify only, no chroot) agrees.
  for (const auto& o : h::verify_profile(h::Env{t.root, h::Target::vm, nullptr}, "vm-baseline", {}))
    EXPECT_EQ(o.status, "pass") << o.rule << ": " << o.detail;
}

// ------------------------------------------------------------------ mounts

TEST(VmMounts, ApplyTightensTheDiskImageFstab) {
  VmTree t;
  expect_fail(t.verify("mount-tmp"), "/tmp lacks nodev,nosuid,noexec");
  expect_fail(t.verify("mount-var"), "/var lacks nodev,nosuid");
  expect_fail(t.verify("mount-home"), "/home lacks nodev,nosuid");
  expect_fail(t.verify("mount-dev-shm"), "/etc/fstab has no /dev/shm entry");
  for (const char* r : {"mount-tmp", "mount-var", "mount-home", "mount-dev-shm"}) t.apply(r);
  EXPECT_EQ(t.root.read("/etc/fstab").value_or(""),
            "# <file system> <mount point> <type> <options> <dump> <pass>\n"
            "UUID=0b9d4c5e-0000-4000-8000-000000000001 / ext4 errors=remount-ro 0 1\n"
            "UUID=0b9d4c5e-0000-4000-8000-000000000002\t/var\text4\tdefaults,nodev,nosuid\t0\t2\n"
            "UUID=0b9d4c5e-0000-4000-8000-000000000003\t/tmp\text4\tdefaults,nodev,nosuid,noexec\t0\t2\n"
            "UUID=0b9d4c5e-0000-4000-8000-000000000004\t/home\text4\tdefaults,nodev,nosuid\t0\t2\n"
            "UUID=ABCD-1234 /boot/efi vfat umask=0077 0 1\n"
            "tmpfs\t/dev/shm\ttmpfs\tdefaults,nodev,nosuid,noexec\t0\t0\n");
  for (const char* r : {"mount-tmp", "mount-var", "mount-home", "mount-dev-shm"}) expect_pass(t.verify(r));
  EXPECT_EQ(t.root.lstat("/etc/fstab")->st_mode & 07777, 0644u);
}

TEST(VmMounts, OptionalPartitionsAreTightenedWhenDeclared) {
  VmTree t;
  put(t.dir.path(), "/etc/fstab",
      "UUID=a /tmp ext4 nodev,nosuid,noexec 0 2\nUUID=b /var ext4 nodev,nosuid 0 2\n"
      "UUID=c /var/tmp ext4 defaults 0 2\nUUID=d /var/log ext4 nodev,nosuid 0 2\n"
      "UUID=e /var/log/audit ext4 nodev,nosuid,suid 0 2\n");
  expect_fail(t.verify("mount-tmp"), "/var/tmp lacks nodev,nosuid,noexec");
  expect_fail(t.verify("mount-var"), "/var/log lacks noexec; /var/log/audit lacks nosuid,noexec");
  EXPECT_EQ(t.verify("mount-home").status, h::Check::Status::not_applicable);
  t.apply("mount-tmp");
  t.apply("mount-var");
  t.apply("mount-home");  // no /home: nothing to do
  EXPECT_EQ(t.verify("mount-tmp").detail, "/tmp, /var/tmp");
  EXPECT_EQ(t.verify("mount-var").detail, "/var, /var/log, /var/log/audit");
  EXPECT_NE(t.root.read("/etc/fstab")->find("UUID=e\t/var/log/audit\text4\tnodev,nosuid,noexec\t0\t2\n"),
            std::string::npos)
      << *t.root.read("/etc/fstab");
}

TEST(VmMounts, OptionsAreReadLeftToRight) {
  VmTree t;
  put(t.dir.path(), "/etc/fstab", "tmpfs /tmp tmpfs nosuid,nodev,noexec,exec 0 0\nUUID=b /var ext4 users 0 2\n");
  expect_fail(t.verify("mount-tmp"), "/tmp lacks noexec");
  expect_pass(t.verify("mount-var"));  // "users" implies nodev,nosuid,noexec
  t.apply("mount-tmp");
  EXPECT_EQ(t.root.read("/etc/fstab").value_or(""),
            "tmpfs\t/tmp\ttmpfs\tnosuid,nodev,noexec\t0\t0\nUUID=b /var ext4 users 0 2\n");
}

TEST(VmMounts, MissingPartitionNamesTheBlockToDeclare) {
  VmTree t;
  put(t.dir.path(), "/etc/fstab", "UUID=r / ext4 defaults 0 1\n");
  const std::string tmp_msg =
      "/etc/fstab has no /tmp entry: declare partition { mountpoint = \"/tmp\" size = \"512M\" } in the disk-image "
      "post-processor, or skip the rule \"mount-tmp\" by name";
  expect_fail(t.verify("mount-tmp"), tmp_msg);
  expect_fail(t.verify("mount-var"),
              "/etc/fstab has no /var entry: declare partition { mountpoint = \"/var\" size = \"1G\" } in the "
              "disk-image post-processor, or skip the rule \"mount-var\" by name");
  try {
    t.apply("mount-tmp");
    FAIL() << "apply without a /tmp line succeeded";
  } catch (const std::runtime_error& e) {
    EXPECT_EQ(std::string(e.what()), tmp_msg);
  }
  EXPECT_EQ(t.root.read("/etc/fstab").value_or(""), "UUID=r / ext4 defaults 0 1\n");
  // The profile stops at that rule and names it.
  try {
    h::apply_profile(t.env, "vm-baseline", {}, true);
    FAIL() << "vm-baseline applied without /tmp and /var partitions";
  } catch (const std::runtime_error& e) {
    EXPECT_EQ(std::string(e.what()), "hardening rule mount-tmp: apply failed: " + tmp_msg);
  }
}

TEST(VmMounts, SkipByNameWhenThereAreNoPartitions) {
  VmTree t;
  put(t.dir.path(), "/etc/fstab", "UUID=r / ext4 defaults 0 1\n");
  auto out = h::apply_profile(t.env, "vm-baseline", {"mount-tmp", "mount-var"}, true);
  int skipped = 0;
  for (const auto& o : out) {
    if (o.rule == "mount-tmp" || o.rule == "mount-var") {
      EXPECT_EQ(o.status, "skip");
      ++skipped;
    } else if (o.rule == "mount-home") {
      EXPECT_EQ(o.status, "n/a") << o.detail;
    } else {
      EXPECT_EQ(o.status, "pass") << o.rule << ": " << o.detail;
    }
  }
  EXPECT_EQ(skipped, 2);
  EXPECT_EQ(t.root.read("/etc/fstab").value_or(""),
            "UUID=r / ext4 defaults 0 1\ntmpfs\t/dev/shm\ttmpfs\tdefaults,nodev,nosuid,noexec\t0\t0\n");
}

// ------------------------------------------------------------------ auditd

TEST(VmAudit, AuditdIsInstalledThroughTheChrootAndEnabled) {
  VmTree t;
  expect_fail(t.verify("auditd"), "not installed: auditd, audispd-plugins");
  t.apply("auditd");
  EXPECT_EQ(t.apt.calls, (std::vector<std::string>{"apt-get update",
                                                   "apt-get -y install --no-install-recommends auditd audispd-plugins",
                                                   "apt-get clean"}));
  EXPECT_EQ(t.link("/etc/systemd/system/multi-user.target.wants/auditd.service"), "/lib/systemd/system/auditd.service");
  expect_pass(t.verify("auditd"));
  // Installed already: no apt at all on a second apply.
  t.apply("auditd");
  EXPECT_EQ(t.apt.calls.size(), 3u);
}

TEST(VmAudit, PackageListsPresentSkipUpdate) {
  VmTree t;
  put(t.dir.path(), "/var/lib/apt/lists/deb.debian.org_debian_dists_bookworm_main_binary-amd64_Packages", "");
  t.apply("auditd");
  EXPECT_EQ(t.apt.calls, (std::vector<std::string>{"apt-get -y install --no-install-recommends auditd audispd-plugins",
                                                   "apt-get clean"}));
}

TEST(VmAudit, AuditdVerifyNamesWhatIsWrong) {
  VmTree t;
  put(t.dir.path(), "/var/lib/dpkg/status",
      *t.root.read("/var/lib/dpkg/status") + sarga::testing::dpkg_entry("auditd"));
  put(t.dir.path(), "/lib/systemd/system/auditd.service", "[Install]\nWantedBy=multi-user.target\n");
  expect_fail(t.verify("auditd"), "not installed: audispd-plugins");
  t.apply("auditd");
  t.root.symlink("/dev/null", "/etc/systemd/system/auditd.service");
  expect_fail(t.verify("auditd"), "auditd.service is masked");
  t.apply("auditd");  // unmasks
  expect_pass(t.verify("auditd"));
  t.root.remove("/etc/systemd/system/multi-user.target.wants/auditd.service");
  expect_fail(t.verify("auditd"), "auditd.service is not enabled (no .wants link in /etc/systemd/system)");
  t.apply("auditd");
  t.root.remove("/lib/systemd/system/auditd.service");
  expect_fail(t.verify("auditd"),
              "/etc/systemd/system/multi-user.target.wants/auditd.service points at a missing unit file");
}

TEST(VmAudit, NoChrootNoInstall) {
  VmTree t;
  h::Env audit_only{t.root, h::Target::vm, nullptr};
  try {
    h::find_rule("auditd")->apply(audit_only);
    FAIL() << "installed without a chroot";
  } catch (const std::runtime_error& e) {
    EXPECT_EQ(std::string(e.what()), "installing auditd audispd-plugins needs a chroot");
  }
}

TEST(VmAudit, AuditdConfKeepsLogsAndActsOnFullDisks) {
  VmTree t;
  expect_fail(t.verify("auditd-conf"), "/etc/audit/auditd.conf is missing");
  t.apply("auditd");  // ships Debian's defaults
  expect_fail(t.verify("auditd-conf"),
              "max_log_file_action is ROTATE (CIS: keep_logs); space_left_action is SYSLOG (CIS: email, exec, single or "
              "halt); admin_space_left_action is SUSPEND (CIS: single or halt); disk_full_action is SUSPEND (CIS: single "
              "or halt); disk_error_action is SUSPEND (CIS: syslog, single or halt)");
  t.apply("auditd-conf");
  expect_pass(t.verify("auditd-conf"));
  EXPECT_EQ(t.root.read("/etc/audit/auditd.conf").value_or(""),
            "log_file = /var/log/audit/audit.log\nmax_log_file = 8\nmax_log_file_action = keep_logs\n"
            "space_left_action = email\naction_mail_acct = root\nadmin_space_left_action = single\n"
            "disk_full_action = single\ndisk_error_action = syslog\n");
  EXPECT_EQ(t.root.lstat("/etc/audit/auditd.conf")->st_mode & 07777, 0640u);
  // Other CIS choices pass too; a size that is not a number does not.
  sarga::steps::hardening::set_directive(t.root, "/etc/audit/auditd.conf", "admin_space_left_action", "HALT", " = ");
  expect_pass(t.verify("auditd-conf"));
  sarga::steps::hardening::set_directive(t.root, "/etc/audit/auditd.conf", "max_log_file", "big", " = ");
  expect_fail(t.verify("auditd-conf"), "max_log_file is big (a size in MiB)");
}

TEST(VmAudit, RulesCoverCisAndEndImmutable) {
  VmTree t;
  expect_fail(t.verify("audit-rules"),
              "missing audit rules in /etc/audit/rules.d: scope, user_emulation, sudo_log_file, time-change, "
              "system-locale, access, identity, perm_mod, mounts, session, logins, delete, MAC-policy, "
              "perm_chng/usermod, kernel_modules");
  t.apply("auditd");  // Debian's own rules.d/audit.rules comes first and is kept
  t.apply("audit-rules");
  expect_pass(t.verify("audit-rules"));
  auto rules = t.root.read("/etc/audit/rules.d/50-sarga-cis.rules").value_or("");
  for (const char* key : {"-k scope", "-k time-change", "-k system-locale", "-k identity", "-k perm_mod", "-k mounts",
                          "-k session", "-k logins", "-k delete", "-k MAC-policy", "-k perm_chng", "-k usermod",
                          "-k kernel_modules", "-S init_module,finit_module,delete_module",
                          "-F path=/usr/bin/setfacl", "-F path=/usr/bin/chacl", "-F path=/usr/bin/chcon"})
    EXPECT_NE(rules.find(key), std::string::npos) << key;
  EXPECT_EQ(t.root.read("/etc/audit/rules.d/99-sarga-finalize.rules").value_or("").substr(
                t.root.read("/etc/audit/rules.d/99-sarga-finalize.rules")->rfind("\n-e")),
            "\n-e 2\n");
  EXPECT_TRUE(t.root.exists("/etc/audit/rules.d/audit.rules"));

  // A later file that relaxes -e wins in augenrules' order.
  put(t.dir.path(), "/etc/audit/rules.d/99-zz-local.rules", "-e 1\n", 0640);
  expect_fail(t.verify("audit-rules"),
              "audit rules are not immutable: the last -e in /etc/audit/rules.d is \"-e 1\", want \"-e 2\"");
  t.root.remove("/etc/audit/rules.d/99-zz-local.rules");
  t.root.remove("/etc/audit/rules.d/99-sarga-finalize.rules");
  expect_fail(t.verify("audit-rules"),
              "audit rules are not immutable: the last -e in /etc/audit/rules.d is absent, want \"-e 2\"");
  // Dropping one identity watch makes that group incomplete.
  std::string cut = rules;
  cut.erase(cut.find("-w /etc/shadow -p wa -k identity\n"), 33);
  put(t.dir.path(), "/etc/audit/rules.d/50-sarga-cis.rules", cut, 0640);
  put(t.dir.path(), "/etc/audit/rules.d/99-sarga-finalize.rules", "-e 2\n", 0640);
  expect_fail(t.verify("audit-rules"), "missing audit rules in /etc/audit/rules.d: identity");
  // Files that are not *.rules do not count (augenrules ignores them).
  put(t.dir.path(), "/etc/audit/rules.d/identity.rules.bak", "-w /etc/shadow -p wa -k identity\n", 0640);
  expect_fail(t.verify("audit-rules"), "missing audit rules in /etc/audit/rules.d: identity");
}

TEST(VmAudit, EarlyAuditIsAppendedToTheKernelCommandLine) {
  VmTree t;
  expect_fail(t.verify("audit-early-boot"), "/etc/kernel/cmdline: audit=0, no audit_backlog_limit");
  t.apply("audit-early-boot");
  EXPECT_EQ(t.root.read("/etc/kernel/cmdline").value_or(""),
            std::string(sarga::testing::kDiskCmdline) + " audit=1 audit_backlog_limit=8192\n");
  expect_pass(t.verify("audit-early-boot"));
  t.apply("audit-early-boot");  // idempotent
  EXPECT_EQ(t.root.read("/etc/kernel/cmdline").value_or(""),
            std::string(sarga::testing::kDiskCmdline) + " audit=1 audit_backlog_limit=8192\n");

  put(t.dir.path(), "/etc/kernel/cmdline", "root=UUID=r ro audit_backlog_limit=64 quiet\n");
  expect_fail(t.verify("audit-early-boot"),
              "/etc/kernel/cmdline: no audit=1, audit_backlog_limit=64 (want at least 8192)");
  t.apply("audit-early-boot");
  EXPECT_EQ(t.root.read("/etc/kernel/cmdline").value_or(""),
            "root=UUID=r ro quiet audit=1 audit_backlog_limit=8192\n");

  put(t.dir.path(), "/etc/kernel/cmdline", "root=UUID=r audit=1 audit_backlog_limit=16384\n");
  t.apply("audit-early-boot");  // a larger backlog is kept
  EXPECT_EQ(t.root.read("/etc/kernel/cmdline").value_or(""), "root=UUID=r audit=1 audit_backlog_limit=16384\n");

  t.root.remove("/etc/kernel/cmdline");
  expect_fail(t.verify("audit-early-boot"), "/etc/kernel/cmdline is missing");
  t.apply("audit-early-boot");
  EXPECT_EQ(t.root.read("/etc/kernel/cmdline").value_or(""), "audit=1 audit_backlog_limit=8192\n");
  expect_pass(t.verify("audit-early-boot"));
}

// ------------------------------------------------------------------ time

TEST(VmTime, TimesyncdIsInstalledAndEnabled) {
  VmTree t;
  expect_fail(t.verify("time-sync"), "systemd-timesyncd is not installed");
  t.apply("time-sync");
  EXPECT_EQ(t.apt.calls, (std::vector<std::string>{"apt-get update",
                                                   "apt-get -y install --no-install-recommends systemd-timesyncd",
                                                   "apt-get clean"}));
  EXPECT_EQ(t.link("/etc/systemd/system/sysinit.target.wants/systemd-timesyncd.service"),
            "/lib/systemd/system/systemd-timesyncd.service");
  EXPECT_EQ(t.link("/etc/systemd/system/dbus-org.freedesktop.timesync1.service"),
            "/lib/systemd/system/systemd-timesyncd.service");
  expect_pass(t.verify("time-sync"));

  t.root.remove("/etc/systemd/system/sysinit.target.wants/systemd-timesyncd.service");
  expect_fail(t.verify("time-sync"), "systemd-timesyncd.service is not enabled (no .wants link in /etc/systemd/system)");
  t.apply("time-sync");
  EXPECT_EQ(t.apt.calls.size(), 3u);  // already installed
  expect_pass(t.verify("time-sync"));

  put(t.dir.path(), "/var/lib/dpkg/status", *t.root.read("/var/lib/dpkg/status") + sarga::testing::dpkg_entry("chrony"));
  expect_fail(t.verify("time-sync"), "another time daemon is installed: chrony (keep one: timesyncd)");
}

// ------------------------------------------------------------------ kernel

TEST(VmKernel, ModuleDenylistKeepsVfat) {
  VmTree t;
  t.apply("kernel-modules-denylist");
  expect_pass(t.verify("kernel-modules-denylist"));
  auto conf = t.root.read("/etc/modprobe.d/sarga-hardening.conf").value_or("");
  for (const char* line : {"install cramfs /bin/false\nblacklist cramfs\n", "install overlay /bin/false\n",
                           "install usb-storage /bin/false\n", "install sctp /bin/false\n"})
    EXPECT_NE(conf.find(line), std::string::npos) << line;
  EXPECT_EQ(conf.find("vfat"), std::string::npos);

  put(t.dir.path(), "/etc/modprobe.d/local.conf", "install vfat /bin/true\n");
  expect_fail(t.verify("kernel-modules-denylist"), "denied but needed for the FAT EFI system partition: vfat");
  t.root.remove("/etc/modprobe.d/local.conf");

  // modprobe only reads *.conf, and '-' equals '_' in module names.
  put(t.dir.path(), "/etc/modprobe.d/sarga-hardening.conf", "install usb_storage /bin/false\nblacklist usb_storage\n");
  put(t.dir.path(), "/etc/modprobe.d/extra.conf.disabled", "install cramfs /bin/false\nblacklist cramfs\n");
  expect_fail(t.verify("kernel-modules-denylist"),
              "loadable: cramfs, freevxfs, hfs, hfsplus, jffs2, overlay, squashfs, udf, dccp, tipc, rds, sctp; "
              "not blacklisted: cramfs, freevxfs, hfs, hfsplus, jffs2, overlay, squashfs, udf, dccp, tipc, rds, sctp");
}

TEST(VmKernel, StricterPtraceScopePasses) {
  VmTree t;
  t.apply("sysctl-kernel");
  put(t.dir.path(), "/etc/sysctl.d/99-zzz-devsec.conf", "kernel.yama.ptrace_scope = 2\n");
  expect_pass(t.verify("sysctl-kernel"));
  put(t.dir.path(), "/etc/sysctl.d/99-zzz-devsec.conf", "kernel.yama.ptrace_scope = 0\nkernel.sysrq = 1\n");
  expect_fail(t.verify("sysctl-kernel"), "kernel.yama.ptrace_scope = 0, kernel.sysrq = 1");
}

TEST(VmKernel, NetworkSysctlsRefuseRouterAdvertisementsInVmsOnly) {
  VmTree t;
  const h::Rule* rule = h::find_rule("sysctl-network");
  rule->apply(h::Env{t.root, h::Target::lxc, nullptr});
  expect_pass(rule->verify(h::Env{t.root, h::Target::lxc, nullptr}));
  expect_fail(rule->verify(t.env), "net.ipv6.conf.all.accept_ra not set, net.ipv6.conf.default.accept_ra not set");
  rule->apply(t.env);
  expect_pass(rule->verify(t.env));
}

}  // namespace

namespace {

// docs/builder/hardening.md lists every rule with its profiles; the table must match the code.
TEST(HardeningDocs, TableListsEveryRuleWithItsProfiles) {
  std::ifstream in(std::string(SARGA_SOURCE_DIR) + "/docs/builder/hardening.md");
  ASSERT_TRUE(in) << "docs/builder/hardening.md not found";
  std::map<std::string, std::pair<std::string, std::string>> table;  // rule -> (lxc, vm)
  for (std::string line; std::getline(in, line);) {
    if (line.rfind("| `", 0) != 0) continue;
    std::vector<std::string> cells;
    std::stringstream row(line.substr(1));
    for (std::string cell; std::getline(row, cell, '|');) cells.push_back(sarga::steps::trim(cell));
    ASSERT_GE(cells.size(), 4u) << line;
    table[cells[0].substr(1, cells[0].size() - 2)] = {cells[2], cells[3]};
  }
  for (const auto& r : h::all_rules()) {
    auto it = table.find(r.name);
    ASSERT_NE(it, table.end()) << r.name << " is missing from the docs table";
    EXPECT_EQ(it->second.first, r.lxc ? "yes" : "no") << r.name << " (lxc-baseline column)";
    EXPECT_EQ(it->second.second, r.vm ? "yes" : "no") << r.name << " (vm-baseline column)";
  }
  EXPECT_EQ(table.size(), h::all_rules().size()) << "the docs table lists rules the code does not have";
}

}  // namespace
