// A small Debian-like rootfs in a temp dir with the weaknesses the hardening rules fix.
#pragma once

#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>

namespace sarga::testing {

class TempDir {
 public:
  TempDir() {
    std::string t = (std::filesystem::temp_directory_path() / "sarga-test-XXXXXX").string();
    path_ = ::mkdtemp(t.data());
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

inline void put(const std::filesystem::path& root, const std::string& guest, const std::string& content,
                mode_t mode = 0644) {
  auto p = root / guest.substr(1);
  std::filesystem::create_directories(p.parent_path());
  std::ofstream(p, std::ios::binary) << content;
  ::chmod(p.c_str(), mode);
}

inline std::string dpkg_entry(const std::string& name, const std::string& version = "1.0-1",
                              const std::string& extra = "") {
  return "Package: " + name + "\nStatus: install ok installed\nPriority: optional\nArchitecture: amd64\n" +
         "Maintainer: Debian Maintainers <debian@example.org>\nVersion: " + version + "\n" + extra +
         "Description: " + name + "\n\n";
}

// Debian 12-ish files, each deliberately weak.
inline void make_weak_rootfs(const std::filesystem::path& r) {
  put(r, "/etc/os-release", "PRETTY_NAME=\"Debian GNU/Linux 12 (bookworm)\"\nID=debian\nVERSION_ID=\"12\"\nVERSION_CODENAME=bookworm\n");
  std::filesystem::create_directories(r / "usr/sbin");
  std::filesystem::create_directories(r / "usr/bin");
  std::filesystem::create_symlink("usr/sbin", r / "sbin");
  std::filesystem::create_symlink("usr/bin", r / "bin");
  put(r, "/etc/passwd",
      "root:x:0:0:root:/root:/bin/bash\ndaemon:x:1:1:daemon:/usr/sbin:/usr/sbin/nologin\n"
      "sshd:x:100:65534::/run/sshd:/usr/sbin/nologin\nalice:x:1000:1000::/home/alice:/bin/bash\n");
  put(r, "/etc/group", "root:x:0:\nshadow:x:42:\nalice:x:1000:\n");
  put(r, "/etc/shadow", "root:$y$j9T$abc$def:19000:0:99999:7:::\ndaemon:*:19000:0:99999:7:::\nsshd:!:19000::::::\nalice::19000:0:99999:7:::\n",
      0644);
  put(r, "/etc/gshadow", "root:*::\nshadow:*::\n", 0640);
  put(r, "/etc/shells", "/bin/sh\n/bin/bash\n/usr/sbin/nologin\n");
  put(r, "/etc/ssh/sshd_config",
      "Include /etc/ssh/sshd_config.d/*.conf\nPermitRootLogin yes\nPasswordAuthentication yes\n"
      "KbdInteractiveAuthentication no\nX11Forwarding yes\nUsePAM yes\nPermitEmptyPasswords yes\n"
      "Ciphers aes128-cbc,aes256-ctr\nMaxAuthTries 6\nLoginGraceTime 2m\n",
      0644);
  put(r, "/etc/ssh/moduli", "# Time Type Tests Tries Size Generator Modulus\n"
                            "20230101000000 2 6 100 1535 5 F00D\n20230101000000 2 6 100 3071 2 BEEF\n");
  put(r, "/etc/ssh/ssh_host_ed25519_key", "PRIVATE", 0644);
  put(r, "/etc/ssh/ssh_host_ed25519_key.pub", "ssh-ed25519 AAAA", 0644);
  put(r, "/usr/sbin/sshd", "ELF", 0755);
  put(r, "/etc/issue", "Debian GNU/Linux 12 \\n \\l\n");
  put(r, "/etc/issue.net", "Debian GNU/Linux 12 \\r\n");
  put(r, "/etc/login.defs", "MAIL_DIR /var/mail\nPASS_MAX_DAYS\t99999\nPASS_MIN_DAYS\t0\nPASS_WARN_AGE\t7\nUMASK\t\t022\n#ENCRYPT_METHOD SHA512\n");
  put(r, "/etc/default/useradd", "SHELL=/bin/sh\n# INACTIVE=-1\n");
  put(r, "/etc/pam.d/common-auth",
      "auth\t[success=1 default=ignore]\tpam_unix.so nullok\nauth\trequisite\t\t\tpam_deny.so\nauth\trequired\t\t\tpam_permit.so\n");
  put(r, "/etc/pam.d/common-account", "account\t[success=1 new_authtok_reqd=done default=ignore]\tpam_unix.so\naccount\trequisite\t\t\tpam_deny.so\naccount\trequired\t\t\tpam_permit.so\n");
  put(r, "/etc/pam.d/common-password", "password\t[success=1 default=ignore]\tpam_unix.so obscure nullok yescrypt\n");
  put(r, "/etc/crontab", "# m h dom mon dow user command\n", 0644);
  std::filesystem::create_directories(r / "etc/cron.daily");
  ::chmod((r / "etc/cron.daily").c_str(), 0755);
  put(r, "/etc/world-writable.conf", "x\n", 0666);
  std::filesystem::create_directories(r / "var/shared");
  ::chmod((r / "var/shared").c_str(), 0777);
  put(r, "/usr/bin/evil-helper", "ELF", 04755);
  put(r, "/usr/bin/passwd", "ELF", 04755);
  put(r, "/lib/systemd/system/avahi-daemon.service", "[Unit]\nDescription=Avahi\n");
  std::filesystem::create_directories(r / "etc/systemd/system/multi-user.target.wants");
  std::filesystem::create_symlink("/lib/systemd/system/avahi-daemon.service",
                                  r / "etc/systemd/system/multi-user.target.wants/avahi-daemon.service");
  put(r, "/etc/systemd/journald.conf", "[Journal]\n#Storage=auto\n");
  put(r, "/etc/apt/sources.list", "deb [trusted=yes] http://deb.debian.org/debian bookworm main\n");
  put(r, "/var/lib/dpkg/status",
      dpkg_entry("base-files", "12.4+deb12u5") + dpkg_entry("sudo", "1.9.13p3-1+deb12u1", "Depends: libc6 (>= 2.34)\n") +
          dpkg_entry("telnet", "0.17+2.4-2") + dpkg_entry("libc6", "2.36-9+deb12u4", "Source: glibc\n"));
  put(r, "/var/lib/dpkg/arch", "amd64\n");
  put(r, "/etc/machine-id", "0123456789abcdef0123456789abcdef\n", 0444);
  put(r, "/root/.bash_history", "ls\n", 0600);
  put(r, "/etc/hostname", "buildhost\n");
  put(r, "/etc/resolv.conf", "nameserver 192.0.2.53\n");
}

}  // namespace sarga::testing
