// File ownership and mode rules (builder.md §3 rows 37-39, 49): account databases,
// world-writable files, setuid/setgid programs, cron.
#include <sys/stat.h>

#include <algorithm>
#include <filesystem>
#include <set>

#include "builder/steps/hardening.h"

namespace fs = std::filesystem;

namespace sarga::steps::hardening {

namespace {

struct Want {
  const char* path;
  mode_t mode;
  bool shadow_group;  // root:shadow on Debian, else root:root
};
const Want kAccountFiles[] = {
    {"/etc/passwd", 0644, false},  {"/etc/group", 0644, false},   {"/etc/passwd-", 0644, false},
    {"/etc/group-", 0644, false},  {"/etc/shadow", 0640, true},   {"/etc/gshadow", 0640, true},
    {"/etc/shadow-", 0640, true},  {"/etc/gshadow-", 0640, true}, {"/etc/security/opasswd", 0600, false},
};

// Walks the rootfs (not /proc, /sys, /dev, /run) calling fn(guest path, lstat).
template <typename Fn>
void walk(const Rootfs& r, Fn fn) {
  const fs::path root = r.root();
  std::error_code ec;
  auto it = fs::recursive_directory_iterator(root, fs::directory_options::skip_permission_denied, ec);
  for (; it != fs::recursive_directory_iterator(); it.increment(ec)) {
    if (ec) break;
    std::string guest = "/" + it->path().lexically_relative(root).generic_string();
    if (it.depth() == 0 && (guest == "/proc" || guest == "/sys" || guest == "/dev" || guest == "/run")) {
      it.disable_recursion_pending();
      continue;
    }
    struct stat st;
    if (::lstat(it->path().c_str(), &st) != 0) continue;
    fn(guest, st);
  }
}

// dev-sec / CIS: setuid programs people need on a server; everything else loses the bits.
const std::set<std::string> kSetuidAllow = {
    "/usr/bin/su",        "/usr/bin/passwd",          "/usr/bin/newgrp",     "/usr/bin/gpasswd",
    "/usr/bin/chsh",      "/usr/bin/chfn",            "/usr/bin/crontab",    "/usr/bin/mount",
    "/usr/bin/umount",    "/usr/sbin/unix_chkpwd",    "/usr/bin/sudo",       "/usr/bin/chage",
    "/usr/bin/expiry",    "/usr/bin/ssh-agent",       "/usr/lib/dbus-1.0/dbus-daemon-launch-helper",
    "/usr/sbin/pam_extrausers_chkpwd", "/usr/lib/polkit-1/polkit-agent-helper-1",
};

std::string canonical_guest(const std::string& guest) {
  // /bin and /sbin are links into /usr on Debian 12 (merged /usr); compare the /usr form.
  for (const char* p : {"/bin/", "/sbin/", "/lib/"})
    if (guest.rfind(p, 0) == 0) return "/usr" + guest;
  return guest;
}

}  // namespace

void add_filesystem_rules(std::vector<Rule>& rules) {
  Rule perms{"file-permissions", "passwd/group 0644, shadow/gshadow 0640 root:shadow, opasswd 0600",
             "CIS 7.1.1-7.1.10", true, true, {}, {}};
  perms.apply = [](const Env& env) {
    gid_t shadow = env.root.gid_of("shadow").value_or(0);
    for (const auto& w : kAccountFiles) {
      auto st = env.root.lstat(w.path);
      if (!st || !S_ISREG(st->st_mode)) continue;
      env.root.chown(w.path, 0, w.shadow_group ? shadow : 0);
      env.root.chmod(w.path, w.shadow_group && shadow == 0 ? 0600 : w.mode);
    }
  };
  perms.verify = [](const Env& env) {
    gid_t shadow = env.root.gid_of("shadow").value_or(0);
    std::string bad;
    for (const auto& w : kAccountFiles) {
      auto st = env.root.lstat(w.path);
      if (!st || !S_ISREG(st->st_mode)) continue;
      mode_t max = w.shadow_group && shadow == 0 ? 0600 : w.mode;
      if ((st->st_mode & 07777 & ~max) != 0 || st->st_uid != 0 || st->st_gid != (w.shadow_group ? shadow : 0)) {
        char buf[16];
        std::snprintf(buf, sizeof buf, "%04o", st->st_mode & 07777);
        bad += (bad.empty() ? "" : ", ") + std::string(w.path) + " " + buf + " " + std::to_string(st->st_uid) + ":" +
               std::to_string(st->st_gid);
      }
    }
    return bad.empty() ? Check::pass() : Check::fail(bad);
  };
  rules.push_back(perms);

  Rule ww{"world-writable", "no world-writable files; world-writable directories are sticky", "CIS 7.1.11",
          true, true, {}, {}};
  ww.apply = [](const Env& env) {
    walk(env.root, [&](const std::string& guest, const struct stat& st) {
      if (S_ISREG(st.st_mode) && (st.st_mode & S_IWOTH)) env.root.chmod(guest, st.st_mode & 07777 & ~S_IWOTH);
      if (S_ISDIR(st.st_mode) && (st.st_mode & S_IWOTH) && !(st.st_mode & S_ISVTX))
        env.root.chmod(guest, (st.st_mode & 07777) | S_ISVTX);
    });
  };
  ww.verify = [](const Env& env) {
    std::vector<std::string> bad;
    walk(env.root, [&](const std::string& guest, const struct stat& st) {
      if ((S_ISREG(st.st_mode) && (st.st_mode & S_IWOTH)) ||
          (S_ISDIR(st.st_mode) && (st.st_mode & S_IWOTH) && !(st.st_mode & S_ISVTX)))
        bad.push_back(guest);
    });
    if (bad.empty()) return Check::pass();
    std::string d = std::to_string(bad.size()) + " world-writable: " + bad[0];
    if (bad.size() > 1) d += ", ...";
    return Check::fail(d);
  };
  rules.push_back(ww);

  Rule suid{"setuid-removal", "setuid/setgid bits only on an allowlist of programs", "CIS 7.1.13; dev-sec",
            true, true, {}, {}};
  suid.apply = [](const Env& env) {
    std::string overrides = env.root.read("/var/lib/dpkg/statoverride").value_or("");
    bool changed = false;
    walk(env.root, [&](const std::string& guest, const struct stat& st) {
      if (!S_ISREG(st.st_mode) || !(st.st_mode & (S_ISUID | S_ISGID))) return;
      if (kSetuidAllow.count(canonical_guest(guest))) return;
      mode_t mode = st.st_mode & 0777;
      env.root.chmod(guest, mode);
      // A statoverride keeps dpkg from restoring the bit on the next upgrade.
      if (overrides.find(" " + guest + "\n") == std::string::npos && env.root.exists("/var/lib/dpkg")) {
        char buf[8];
        std::snprintf(buf, sizeof buf, "%04o", mode);
        std::string owner = st.st_uid == 0 ? "root" : "#" + std::to_string(st.st_uid);
        std::string group = st.st_gid == 0 ? "root" : "#" + std::to_string(st.st_gid);
        overrides += owner + " " + group + " " + buf + " " + guest + "\n";
        changed = true;
      }
    });
    if (changed) env.root.write("/var/lib/dpkg/statoverride", overrides, 0644);
  };
  suid.verify = [](const Env& env) {
    std::vector<std::string> bad;
    walk(env.root, [&](const std::string& guest, const struct stat& st) {
      if (S_ISREG(st.st_mode) && (st.st_mode & (S_ISUID | S_ISGID)) && !kSetuidAllow.count(canonical_guest(guest)))
        bad.push_back(guest);
    });
    if (bad.empty()) return Check::pass();
    std::string d;
    for (size_t i = 0; i < bad.size() && i < 5; ++i) d += (i ? ", " : "") + bad[i];
    if (bad.size() > 5) d += ", ...";
    return Check::fail("setuid/setgid not allowed: " + d);
  };
  rules.push_back(suid);

  Rule cron{"cron-permissions", "/etc/crontab 0600 and cron directories 0700, root-owned", "CIS 2.4.1.2-2.4.1.7",
            true, true, {}, {}};
  static const std::vector<std::pair<std::string, mode_t>> kCron = {
      {"/etc/crontab", 0600},     {"/etc/cron.hourly", 0700},  {"/etc/cron.daily", 0700},
      {"/etc/cron.weekly", 0700}, {"/etc/cron.monthly", 0700}, {"/etc/cron.d", 0700}};
  cron.apply = [](const Env& env) {
    for (const auto& [p, m] : kCron)
      if (env.root.exists(p)) {
        env.root.chmod(p, m);
        env.root.chown(p, 0, 0);
      }
  };
  cron.verify = [](const Env& env) {
    std::string bad;
    bool any = false;
    for (const auto& [p, m] : kCron) {
      auto st = env.root.lstat(p);
      if (!st) continue;
      any = true;
      if ((st->st_mode & 07777 & ~m) != 0 || st->st_uid != 0) bad += (bad.empty() ? "" : ", ") + p;
    }
    if (!any) return Check::na("cron not installed");
    return bad.empty() ? Check::pass() : Check::fail("too open: " + bad);
  };
  rules.push_back(cron);
}

}  // namespace sarga::steps::hardening
