// Services, journald, apt and template identity (builder.md §3 rows 45-46, 50, 56-59).
#include <sys/stat.h>

#include <filesystem>

#include "builder/steps/hardening.h"

namespace fs = std::filesystem;

namespace sarga::steps::hardening {

namespace {

const std::vector<std::string> kUnneededUnits = {
    "avahi-daemon.service", "avahi-daemon.socket", "cups.service",       "cups.socket",     "cups-browsed.service",
    "rpcbind.service",      "rpcbind.socket",      "nfs-server.service", "smbd.service",    "nmbd.service",
    "snmpd.service",        "tftpd-hpa.service",   "vsftpd.service",     "xinetd.service",  "openbsd-inetd.service",
    "inetutils-inetd.service", "slapd.service",    "squid.service",      "dnsmasq.service", "isc-dhcp-server.service",
    "autofs.service",       "rsync.service",       "ypbind.service",     "nis.service",
};

const std::vector<std::string> kInsecurePackages = {
    "nis",  "rsh-client",  "rsh-redone-client", "rsh-server", "talk",   "telnet",    "inetutils-telnet",
    "telnetd", "ldap-utils", "ftp",           "tnftp",      "xinetd", "openbsd-inetd", "inetutils-inetd", "prelink",
};

bool unit_present(const Rootfs& r, const std::string& unit) {
  for (const char* d : {"/lib/systemd/system/", "/usr/lib/systemd/system/"})
    if (r.exists(d + unit)) return true;
  return false;
}

bool masked(const Rootfs& r, const std::string& unit) {
  fs::path p = r.host("/etc/systemd/system/" + unit, false);
  std::error_code ec;
  return fs::is_symlink(p, ec) && fs::read_symlink(p, ec) == "/dev/null";
}

constexpr const char* kJournald = "/etc/systemd/journald.conf.d/90-sarga-hardening.conf";
constexpr const char* kAutoUpgrades = "/etc/apt/apt.conf.d/20auto-upgrades";

std::vector<std::string> apt_source_files(const Rootfs& r) {
  std::vector<std::string> files;
  if (r.exists("/etc/apt/sources.list")) files.push_back("/etc/apt/sources.list");
  for (const auto& n : r.list("/etc/apt/sources.list.d"))
    if ((n.size() > 5 && n.substr(n.size() - 5) == ".list") || (n.size() > 8 && n.substr(n.size() - 8) == ".sources"))
      files.push_back("/etc/apt/sources.list.d/" + n);
  return files;
}

bool insecure_source_line(const std::string& l) {
  std::string s = to_lower(trim(l));
  if (s.empty() || s[0] == '#') return false;
  return s.find("trusted=yes") != std::string::npos || s.rfind("trusted: yes", 0) == 0 ||
         s.find("allow-insecure=yes") != std::string::npos || s.rfind("allow-insecure: yes", 0) == 0;
}

}  // namespace

nlohmann::json scrub_template_identity(const Rootfs& r, Target t);

void add_system_rules(std::vector<Rule>& rules) {
  Rule services{"services-masked", "network services a template does not need are masked", "CIS 2.1.1-2.1.20",
                true, true, {}, {}};
  services.apply = [](const Env& env) {
    for (const auto& unit : kUnneededUnits) {
      if (!unit_present(env.root, unit)) continue;
      for (const auto& dir : env.root.list("/etc/systemd/system"))
        if (dir.size() > 6 && dir.substr(dir.size() - 6) == ".wants")
          env.root.remove("/etc/systemd/system/" + dir + "/" + unit);
      env.root.symlink("/dev/null", "/etc/systemd/system/" + unit);
    }
  };
  services.verify = [](const Env& env) {
    std::string bad;
    int present = 0;
    for (const auto& unit : kUnneededUnits) {
      if (!unit_present(env.root, unit)) continue;
      ++present;
      if (!masked(env.root, unit)) bad += (bad.empty() ? "" : ", ") + unit;
    }
    if (!bad.empty()) return Check::fail("not masked: " + bad);
    return Check::pass(present ? std::to_string(present) + " masked" : "none installed");
  };
  rules.push_back(services);

  Rule packages{"remove-insecure-packages", "no telnet, rsh, nis, ftp, inetd or prelink packages", "CIS 2.2.1-2.2.6; dev-sec",
                true, true, {}, {}};
  packages.apply = [](const Env& env) {
    std::vector<std::string> present;
    for (const auto& p : kInsecurePackages)
      if (package_installed(env.root, p)) present.push_back(p);
    if (present.empty()) return;
    if (!env.chroot) throw std::runtime_error("removing packages needs a chroot");
    std::vector<std::string> argv = {"apt-get", "-y", "purge"};
    argv.insert(argv.end(), present.begin(), present.end());
    env.chroot("apt-get purge", argv);
  };
  packages.verify = [](const Env& env) {
    std::string bad;
    for (const auto& p : kInsecurePackages)
      if (package_installed(env.root, p)) bad += (bad.empty() ? "" : ", ") + p;
    return bad.empty() ? Check::pass() : Check::fail("installed: " + bad);
  };
  rules.push_back(packages);

  Rule journald{"journald", "journal persistent and compressed, not forwarded to syslog", "CIS 6.1.1.x, 6.1.2.2-6.1.2.4",
                true, true, {}, {}};
  journald.apply = [](const Env& env) {
    env.root.write(kJournald, "[Journal]\nStorage=persistent\nCompress=yes\nForwardToSyslog=no\nSystemMaxUse=200M\n", 0644);
  };
  journald.verify = [](const Env& env) {
    if (!env.root.exists("/etc/systemd") && !env.root.exists("/lib/systemd")) return Check::na("no systemd");
    std::map<std::string, std::string> eff;
    auto scan = [&](const std::string& f) {
      for (const char* k : {"Storage", "Compress", "ForwardToSyslog"})
        if (auto v = get_directive(env.root, f, k)) eff[k] = *v;
    };
    scan("/etc/systemd/journald.conf");
    for (const auto& n : env.root.list("/etc/systemd/journald.conf.d")) scan("/etc/systemd/journald.conf.d/" + n);
    if (eff["Storage"] != "persistent") return Check::fail("Storage is " + eff["Storage"]);
    if (eff["Compress"] != "yes") return Check::fail("Compress is " + eff["Compress"]);
    if (eff["ForwardToSyslog"] != "no") return Check::fail("ForwardToSyslog is " + eff["ForwardToSyslog"]);
    return Check::pass();
  };
  rules.push_back(journald);

  Rule apt{"apt-sources-signed", "apt sources are never marked trusted or allow-insecure", "CIS 1.2.1.1-1.2.1.2",
           true, true, {}, {}};
  apt.apply = [](const Env& env) {
    for (const auto& f : apt_source_files(env.root)) {
      auto text = env.root.read(f);
      std::string out;
      bool changed = false;
      for (const auto& l : split_lines(*text)) {
        if (insecure_source_line(l)) {
          out += "# disabled by sarga-build (unsigned source): " + l + "\n";
          changed = true;
        } else {
          out += l + "\n";
        }
      }
      if (changed) env.root.write(f, out, 0644);
    }
  };
  apt.verify = [](const Env& env) {
    for (const auto& f : apt_source_files(env.root))
      for (const auto& l : split_lines(env.root.read(f).value_or("")))
        if (insecure_source_line(l)) return Check::fail(f + ": " + trim(l));
    return Check::pass();
  };
  rules.push_back(apt);

  Rule uu{"unattended-upgrades", "security updates install automatically", "Debian wiki UnattendedUpgrades; CIS 1.2.2.1",
          true, true, {}, {}};
  uu.apply = [](const Env& env) {
    if (!package_installed(env.root, "unattended-upgrades")) {
      if (!env.chroot) throw std::runtime_error("installing unattended-upgrades needs a chroot");
      env.chroot("apt-get update", {"apt-get", "update"});
      env.chroot("apt-get install unattended-upgrades",
                 {"apt-get", "-y", "install", "--no-install-recommends", "unattended-upgrades"});
      env.chroot("apt-get clean", {"apt-get", "clean"});
    }
    env.root.write(kAutoUpgrades, "APT::Periodic::Update-Package-Lists \"1\";\nAPT::Periodic::Unattended-Upgrade \"1\";\n",
                   0644);
  };
  uu.verify = [](const Env& env) {
    if (!package_installed(env.root, "unattended-upgrades")) return Check::fail("unattended-upgrades not installed");
    auto t = env.root.read(kAutoUpgrades).value_or("");
    if (t.find("Update-Package-Lists \"1\"") == std::string::npos ||
        t.find("Unattended-Upgrade \"1\"") == std::string::npos)
      return Check::fail(std::string(kAutoUpgrades) + " does not enable both periodic jobs");
    return Check::pass();
  };
  rules.push_back(uu);

  Rule hygiene{"template-hygiene", "no machine-id, host keys, build guards or histories baked in", "builder.md rows 58-59",
               true, true, {}, {}};
  hygiene.apply = [](const Env& env) { scrub_template_identity(env.root, env.target); };
  hygiene.verify = [](const Env& env) {
    std::string bad;
    auto add = [&](const std::string& s) { bad += (bad.empty() ? "" : ", ") + s; };
    auto mid = env.root.read("/etc/machine-id");
    if (mid && !(mid->empty() || trim(*mid) == "uninitialized")) add("/etc/machine-id is set");
    auto dbus = env.root.lstat("/var/lib/dbus/machine-id");
    if (dbus && !S_ISLNK(dbus->st_mode)) add("/var/lib/dbus/machine-id exists");
    for (const auto& n : env.root.list("/etc/ssh"))
      if (n.rfind("ssh_host_", 0) == 0) add("/etc/ssh/" + n + " exists");
    for (const char* f : {"/usr/sbin/policy-rc.d", "/root/.bash_history", "/etc/ssl/private/ssl-cert-snakeoil.key"})
      if (env.root.exists(f)) add(std::string(f) + " exists");
    if (has_build_host_resolver(env.root)) add("/etc/resolv.conf is not empty");
    return bad.empty() ? Check::pass() : Check::fail(bad);
  };
  rules.push_back(hygiene);
}

nlohmann::json scrub_template_identity(const Rootfs& r, Target t) {
  nlohmann::json removed = nlohmann::json::array();
  if (r.exists("/etc/machine-id")) r.write("/etc/machine-id", t == Target::vm ? "uninitialized\n" : "", 0444);
  auto dbus = r.lstat("/var/lib/dbus/machine-id");
  if (dbus && !S_ISLNK(dbus->st_mode)) r.remove("/var/lib/dbus/machine-id");
  for (const auto& n : r.list("/etc/ssh"))
    if (n.rfind("ssh_host_", 0) == 0 && r.remove("/etc/ssh/" + n)) removed.push_back("/etc/ssh/" + n);
  for (const char* f : {"/usr/sbin/policy-rc.d", "/root/.bash_history", "/etc/ssl/private/ssl-cert-snakeoil.key",
                        "/etc/ssl/certs/ssl-cert-snakeoil.pem", "/run/mount/utab"})
    if (r.remove(f)) removed.push_back(f);
  if (r.exists("/etc/hostname")) r.write("/etc/hostname", "localhost\n", 0644);
  drop_build_host_resolver(r);
  return removed;
}

bool has_build_host_resolver(const Rootfs& r) {
  auto st = r.lstat("/etc/resolv.conf");
  return st && S_ISREG(st->st_mode) && st->st_size > 0;
}

void drop_build_host_resolver(const Rootfs& r) {
  if (has_build_host_resolver(r)) r.write("/etc/resolv.conf", "", 0644);
}

}  // namespace sarga::steps::hardening
