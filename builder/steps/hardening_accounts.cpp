// Accounts, login.defs, shell defaults and PAM (builder.md §3 rows 30-44).
#include <map>
#include <set>

#include "builder/steps/hardening.h"

namespace sarga::steps::hardening {

namespace {

constexpr const char* kLoginDefs = "/etc/login.defs";

long to_long(const std::optional<std::string>& v) {
  if (!v || v->empty()) return -1;
  try {
    return std::stol(*v);
  } catch (...) {
    return -1;
  }
}

Check need_file(const Env& env, const char* f) {
  return env.root.exists(f) ? Check::pass() : Check::fail(std::string(f) + " is missing");
}

std::vector<std::vector<std::string>> colon_rows(const std::optional<std::string>& text) {
  std::vector<std::vector<std::string>> rows;
  if (!text) return rows;
  for (const auto& l : split_lines(*text)) {
    if (l.empty()) continue;
    std::vector<std::string> f;
    size_t s = 0;
    while (true) {
      size_t c = l.find(':', s);
      f.push_back(l.substr(s, c == std::string::npos ? std::string::npos : c - s));
      if (c == std::string::npos) break;
      s = c + 1;
    }
    rows.push_back(f);
  }
  return rows;
}

// Rewrites the auth stack: faillock preauth before pam_unix, authfail right after it
// (pam_unix's success jump grows by one to skip the new line).
std::string add_faillock_to_common_auth(const std::string& text) {
  if (text.find("pam_faillock.so") != std::string::npos) return text;
  std::string out;
  bool done = false;
  for (const auto& l : split_lines(text)) {
    auto w = split_ws(l);
    bool unix_line = !done && w.size() >= 3 && w[0] == "auth" && l.find("pam_unix.so") != std::string::npos;
    if (!unix_line) {
      out += l + "\n";
      continue;
    }
    std::string line = l;
    auto pos = line.find("success=");
    if (pos != std::string::npos) {
      size_t end = pos + 8;
      while (end < line.size() && std::isdigit(static_cast<unsigned char>(line[end]))) ++end;
      int n = std::stoi(line.substr(pos + 8, end - pos - 8));
      line.replace(pos + 8, end - pos - 8, std::to_string(n + 1));
    }
    out += "auth\trequired\t\t\tpam_faillock.so preauth\n" + line + "\n" +
           "auth\t[default=die]\t\t\tpam_faillock.so authfail\n";
    done = true;
  }
  return out;
}

}  // namespace

void add_account_rules(std::vector<Rule>& rules) {
  Rule aging{"login-defs-password-aging", "password aging: max 365 days, min 1 day, warn 7 days",
             "CIS 5.4.1.1-5.4.1.3", true, true, {}, {}};
  aging.apply = [](const Env& env) {
    set_directive(env.root, kLoginDefs, "PASS_MAX_DAYS", "365", "\t");
    set_directive(env.root, kLoginDefs, "PASS_MIN_DAYS", "1", "\t");
    set_directive(env.root, kLoginDefs, "PASS_WARN_AGE", "7", "\t");
  };
  aging.verify = [](const Env& env) {
    if (auto c = need_file(env, kLoginDefs); c.status == Check::Status::fail) return c;
    long max = to_long(get_directive(env.root, kLoginDefs, "PASS_MAX_DAYS"));
    long min = to_long(get_directive(env.root, kLoginDefs, "PASS_MIN_DAYS"));
    long warn = to_long(get_directive(env.root, kLoginDefs, "PASS_WARN_AGE"));
    if (max < 1 || max > 365) return Check::fail("PASS_MAX_DAYS is " + std::to_string(max));
    if (min < 1) return Check::fail("PASS_MIN_DAYS is " + std::to_string(min));
    if (warn < 7) return Check::fail("PASS_WARN_AGE is " + std::to_string(warn));
    return Check::pass();
  };
  rules.push_back(aging);

  Rule encrypt{"login-defs-encrypt-method", "passwords hashed with yescrypt", "CIS 5.4.1.4", true, true, {}, {}};
  encrypt.apply = [](const Env& env) { set_directive(env.root, kLoginDefs, "ENCRYPT_METHOD", "YESCRYPT", "\t"); };
  encrypt.verify = [](const Env& env) {
    auto v = get_directive(env.root, kLoginDefs, "ENCRYPT_METHOD");
    if (!v) return Check::fail("ENCRYPT_METHOD not set");
    return (*v == "YESCRYPT" || *v == "SHA512") ? Check::pass() : Check::fail("ENCRYPT_METHOD is " + *v);
  };
  rules.push_back(encrypt);

  Rule umask{"umask", "default umask 027 for logins and shells", "CIS 5.4.2.6, 5.4.3.3; dev-sec", true, true, {}, {}};
  umask.apply = [](const Env& env) {
    set_directive(env.root, kLoginDefs, "UMASK", "027", "\t");
    env.root.write("/etc/profile.d/sarga-umask.sh", "umask 027\n", 0644);
  };
  umask.verify = [](const Env& env) {
    auto v = get_directive(env.root, kLoginDefs, "UMASK");
    if (!v || (*v != "027" && *v != "077")) return Check::fail("login.defs UMASK is " + v.value_or("unset"));
    auto sh = env.root.read("/etc/profile.d/sarga-umask.sh");
    if (!sh || sh->find("umask 027") == std::string::npos) return Check::fail("/etc/profile.d has no umask 027");
    return Check::pass();
  };
  rules.push_back(umask);

  Rule inactive{"useradd-inactive", "accounts lock 45 days after password expiry", "CIS 5.4.1.5", true, true, {}, {}};
  inactive.apply = [](const Env& env) { set_directive(env.root, "/etc/default/useradd", "INACTIVE", "45", "="); };
  inactive.verify = [](const Env& env) {
    long v = to_long(get_directive(env.root, "/etc/default/useradd", "INACTIVE"));
    return (v >= 0 && v <= 45) ? Check::pass() : Check::fail("INACTIVE is " + std::to_string(v));
  };
  rules.push_back(inactive);

  Rule tmout{"shell-timeout", "interactive shells time out after 900 s", "CIS 5.4.3.2", true, true, {}, {}};
  tmout.apply = [](const Env& env) {
    env.root.write("/etc/profile.d/sarga-tmout.sh", "TMOUT=900\nreadonly TMOUT\nexport TMOUT\n", 0644);
  };
  tmout.verify = [](const Env& env) {
    for (const auto& n : env.root.list("/etc/profile.d")) {
      auto t = env.root.read("/etc/profile.d/" + n);
      if (!t) continue;
      for (const auto& l : split_lines(*t)) {
        std::string s = trim(l);
        if (s.rfind("TMOUT=", 0) == 0) {
          long v = to_long(s.substr(6));
          if (v > 0 && v <= 900 && t->find("readonly TMOUT") != std::string::npos) return Check::pass();
        }
      }
    }
    return Check::fail("no readonly TMOUT<=900 in /etc/profile.d");
  };
  rules.push_back(tmout);

  Rule accounts{"accounts", "only root has UID 0, no empty passwords, root password locked",
                "CIS 5.4.2.1-5.4.2.8, 7.2.x", true, true, {}, {}};
  accounts.apply = [](const Env& env) {
    auto text = env.root.read("/etc/shadow");
    if (!text) return;
    std::string out;
    for (auto row : colon_rows(text)) {
      if (row.size() >= 2 && (row[1].empty() || (row[0] == "root" && row[1][0] != '!' && row[1][0] != '*')))
        row[1] = row[1].empty() ? "*" : "!" + row[1];  // lock; PVE sets root's password on pct create
      std::string line;
      for (size_t i = 0; i < row.size(); ++i) line += (i ? ":" : "") + row[i];
      out += line + "\n";
    }
    auto st = env.root.lstat("/etc/shadow");
    env.root.write("/etc/shadow", out, st ? (st->st_mode & 07777) : 0640, 0, st ? st->st_gid : 0);
  };
  accounts.verify = [](const Env& env) {
    auto passwd = colon_rows(env.root.read("/etc/passwd"));
    if (passwd.empty()) return Check::fail("/etc/passwd missing or empty");
    std::set<std::string> names;
    for (const auto& row : passwd) {
      if (row.size() < 7) return Check::fail("malformed /etc/passwd line for " + row[0]);
      if (row[2] == "0" && row[0] != "root") return Check::fail(row[0] + " has UID 0");
      if (!names.insert(row[0]).second) return Check::fail("duplicate user " + row[0]);
    }
    for (const auto& row : colon_rows(env.root.read("/etc/shadow"))) {
      if (row.size() < 2) continue;
      if (row[1].empty()) return Check::fail(row[0] + " has an empty password");
      if (row[0] == "root" && row[1][0] != '!' && row[1][0] != '*') return Check::fail("root password is not locked");
    }
    return Check::pass();
  };
  rules.push_back(accounts);

  Rule shells{"shells-no-nologin", "nologin is not a valid login shell", "CIS 5.4.3.1", true, true, {}, {}};
  shells.apply = [](const Env& env) {
    auto text = env.root.read("/etc/shells");
    if (!text) return;
    std::string out;
    for (const auto& l : split_lines(*text))
      if (l.find("/nologin") == std::string::npos) out += l + "\n";
    env.root.write("/etc/shells", out, 0644);
  };
  shells.verify = [](const Env& env) {
    auto text = env.root.read("/etc/shells");
    if (!text) return Check::na("no /etc/shells");
    for (const auto& l : split_lines(*text))
      if (trim(l).size() && trim(l)[0] != '#' && l.find("/nologin") != std::string::npos)
        return Check::fail("/etc/shells lists " + trim(l));
    return Check::pass();
  };
  rules.push_back(shells);

  Rule faillock{"pam-faillock", "accounts lock for 15 min after 3 failed logins", "CIS 5.3.2.2, 5.3.3.1", true, true,
                {}, {}};
  faillock.apply = [](const Env& env) {
    env.root.write("/etc/security/faillock.conf", "deny = 3\nunlock_time = 900\neven_deny_root\n", 0644);
    if (auto t = env.root.read("/etc/pam.d/common-auth"))
      env.root.write("/etc/pam.d/common-auth", add_faillock_to_common_auth(*t), 0644);
    if (auto t = env.root.read("/etc/pam.d/common-account"); t && t->find("pam_faillock.so") == std::string::npos)
      env.root.write("/etc/pam.d/common-account", *t + "account\trequired\t\t\tpam_faillock.so\n", 0644);
  };
  faillock.verify = [](const Env& env) {
    auto auth = env.root.read("/etc/pam.d/common-auth");
    if (!auth) return Check::na("no /etc/pam.d/common-auth");
    if (auth->find("pam_faillock.so preauth") == std::string::npos ||
        auth->find("pam_faillock.so authfail") == std::string::npos)
      return Check::fail("common-auth lacks pam_faillock preauth/authfail");
    long deny = to_long(get_directive(env.root, "/etc/security/faillock.conf", "deny"));
    if (deny < 1 || deny > 5) return Check::fail("faillock deny is " + std::to_string(deny));
    long unlock = to_long(get_directive(env.root, "/etc/security/faillock.conf", "unlock_time"));
    if (unlock != 0 && unlock < 900) return Check::fail("faillock unlock_time is " + std::to_string(unlock));
    return Check::pass();
  };
  rules.push_back(faillock);

  Rule nullok{"pam-unix-no-nullok", "pam_unix refuses empty passwords", "CIS 5.3.3.4.1", true, true, {}, {}};
  auto strip_nullok = [](const std::string& text, bool* found) {
    std::string out;
    for (auto l : split_lines(text)) {
      if (l.find("pam_unix.so") != std::string::npos && trim(l)[0] != '#') {
        for (size_t p; (p = l.find(" nullok")) != std::string::npos;) {
          l.erase(p, 7);
          if (found) *found = true;
        }
      }
      out += l + "\n";
    }
    return out;
  };
  nullok.apply = [strip_nullok](const Env& env) {
    for (const char* f : {"/etc/pam.d/common-auth", "/etc/pam.d/common-password"})
      if (auto t = env.root.read(f)) env.root.write(f, strip_nullok(*t, nullptr), 0644);
  };
  nullok.verify = [strip_nullok](const Env& env) {
    bool any = false;
    for (const char* f : {"/etc/pam.d/common-auth", "/etc/pam.d/common-password"})
      if (auto t = env.root.read(f)) {
        any = true;
        bool found = false;
        strip_nullok(*t, &found);
        if (found) return Check::fail(std::string(f) + " allows nullok");
      }
    return any ? Check::pass() : Check::na("no PAM common files");
  };
  rules.push_back(nullok);

  Rule pwq{"pam-pwquality", "password quality: 14 chars, 4 classes (effective with libpam-pwquality)",
           "CIS 5.3.1.3, 5.3.3.2", true, true, {}, {}};
  pwq.apply = [](const Env& env) {
    env.root.write("/etc/security/pwquality.conf.d/50-sarga.conf",
                   "minlen = 14\nminclass = 4\ndifok = 2\nmaxrepeat = 3\nmaxsequence = 3\ndictcheck = 1\nenforcing = 1\n",
                   0644);
  };
  pwq.verify = [](const Env& env) {
    const char* f = "/etc/security/pwquality.conf.d/50-sarga.conf";
    long minlen = to_long(get_directive(env.root, f, "minlen"));
    long minclass = to_long(get_directive(env.root, f, "minclass"));
    if (minlen < 14) return Check::fail("pwquality minlen is " + std::to_string(minlen));
    if (minclass < 4) return Check::fail("pwquality minclass is " + std::to_string(minclass));
    return Check::pass();
  };
  rules.push_back(pwq);

  Rule sudo{"sudo-defaults", "sudo uses a pty, logs to /var/log/sudo.log, 15 min timestamps", "CIS 5.2.2-5.2.6",
            true, true, {}, {}};
  const char* kSudoers = "/etc/sudoers.d/50-sarga-hardening";
  sudo.apply = [kSudoers](const Env& env) {
    if (!package_installed(env.root, "sudo")) return;
    env.root.write(kSudoers, "Defaults use_pty\nDefaults logfile=\"/var/log/sudo.log\"\nDefaults timestamp_timeout=15\n",
                   0440);
  };
  sudo.verify = [kSudoers](const Env& env) {
    if (!package_installed(env.root, "sudo")) return Check::na("sudo not installed");
    auto t = env.root.read(kSudoers);
    if (!t || t->find("use_pty") == std::string::npos || t->find("logfile=") == std::string::npos)
      return Check::fail("sudoers lacks use_pty/logfile defaults");
    for (const auto& n : env.root.list("/etc/sudoers.d"))
      if (auto s = env.root.read("/etc/sudoers.d/" + n); s && s->find("!authenticate") != std::string::npos)
        return Check::fail("/etc/sudoers.d/" + n + " uses !authenticate");
    return Check::pass();
  };
  rules.push_back(sudo);
}

}  // namespace sarga::steps::hardening
