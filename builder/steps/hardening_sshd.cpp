// sshd rules (builder.md §3 rows 1-15). Settings go into a drop-in that sorts first
// under /etc/ssh/sshd_config.d (sshd takes the FIRST value of a keyword); verify reads
// the effective configuration the way sshd does: main file, Includes in place, first
// value wins, stopping at the first Match block.
#include <fnmatch.h>

#include <map>
#include <set>

#include "builder/steps/hardening.h"

namespace sarga::steps::hardening {

namespace {

constexpr const char* kDropIn = "/etc/ssh/sshd_config.d/00-sarga-hardening.conf";
constexpr const char* kMain = "/etc/ssh/sshd_config";

bool sshd_present(const Rootfs& r) { return r.exists(kMain) || r.exists("/usr/sbin/sshd"); }

void parse_into(const Rootfs& r, const std::string& guest, std::map<std::string, std::string>& out, bool& stop,
                int depth) {
  if (depth > 8) return;
  auto text = r.read(guest);
  if (!text) return;
  for (const auto& raw : split_lines(*text)) {
    if (stop) return;
    std::string line = trim(raw);
    if (line.empty() || line[0] == '#') continue;
    auto words = split_ws(line);
    std::string key = to_lower(words[0]);
    std::string value = trim(line.substr(words[0].size()));
    if (!value.empty() && value[0] == '=') value = trim(value.substr(1));
    if (key == "match") {
      stop = true;
      return;
    }
    if (key == "include") {
      for (size_t i = 1; i < words.size(); ++i) {
        std::string pattern = words[i][0] == '/' ? words[i] : "/etc/ssh/" + words[i];
        auto slash = pattern.rfind('/');
        std::string dir = pattern.substr(0, slash), glob = pattern.substr(slash + 1);
        for (const auto& name : r.list(dir))
          if (fnmatch(glob.c_str(), name.c_str(), 0) == 0) parse_into(r, dir + "/" + name, out, stop, depth + 1);
      }
      continue;
    }
    out.emplace(key, value);  // first value wins
  }
}

}  // namespace

std::map<std::string, std::string> effective_sshd_config(const Rootfs& r) {
  std::map<std::string, std::string> out;
  bool stop = false;
  parse_into(r, kMain, out, stop, 0);
  return out;
}

namespace {

void ensure_include(const Rootfs& r) {
  auto text = r.read(kMain).value_or("");
  for (const auto& l : split_lines(text)) {
    auto w = split_ws(l);
    if (w.size() >= 2 && to_lower(w[0]) == "include" && w[1].find("sshd_config.d") != std::string::npos) return;
  }
  auto st = r.lstat(kMain);
  r.write(kMain, "Include /etc/ssh/sshd_config.d/*.conf\n" + text, st ? (st->st_mode & 07777) : 0600);
}

void set_sshd(const Rootfs& r, const std::vector<std::pair<std::string, std::string>>& kv) {
  ensure_include(r);
  for (const auto& [k, v] : kv) set_directive(r, kDropIn, k, v, " ", 0600, true);
}

using Predicate = std::function<bool(const std::string&)>;
struct Expect {
  std::string key;
  std::string value;     // what apply writes
  Predicate acceptable;  // verify; default: case-insensitive equality with value
};

Predicate equals(std::string v) {
  return [v = to_lower(v)](const std::string& got) { return to_lower(got) == v; };
}

long seconds(const std::string& v) {  // sshd time format: 30, 30s, 1m, 1m30s
  long total = 0, cur = 0;
  bool any = false;
  for (char c : v) {
    if (std::isdigit(static_cast<unsigned char>(c))) {
      cur = cur * 10 + (c - '0');
      any = true;
    } else {
      long mul = c == 's' || c == 'S' ? 1 : c == 'm' || c == 'M' ? 60 : c == 'h' || c == 'H' ? 3600 : -1;
      if (mul < 0) return -1;
      total += cur * mul;
      cur = 0;
    }
  }
  return any ? total + cur : -1;
}

Rule sshd_rule(std::string name, std::string title, std::string ref, std::function<std::vector<Expect>(Target)> expects) {
  Rule rule;
  rule.name = name;
  rule.title = title;
  rule.reference = ref;
  rule.apply = [expects](const Env& env) {
    if (!sshd_present(env.root)) return;
    std::vector<std::pair<std::string, std::string>> kv;
    for (const auto& e : expects(env.target)) kv.emplace_back(e.key, e.value);
    set_sshd(env.root, kv);
  };
  rule.verify = [expects](const Env& env) {
    if (!sshd_present(env.root)) return Check::na("openssh-server not installed");
    auto cfg = effective_sshd_config(env.root);
    std::string bad;
    for (const auto& e : expects(env.target)) {
      auto it = cfg.find(to_lower(e.key));
      auto ok = e.acceptable ? e.acceptable : equals(e.value);
      if (it == cfg.end()) bad += (bad.empty() ? "" : ", ") + e.key + " not set";
      else if (!ok(it->second)) bad += (bad.empty() ? "" : ", ") + e.key + " is \"" + it->second + "\"";
    }
    return bad.empty() ? Check::pass() : Check::fail(bad);
  };
  return rule;
}

const char* kKex = "sntrup761x25519-sha512@openssh.com,curve25519-sha256,curve25519-sha256@libssh.org,"
                   "diffie-hellman-group-exchange-sha256";
const char* kCiphers = "chacha20-poly1305@openssh.com,aes256-gcm@openssh.com,aes128-gcm@openssh.com,aes256-ctr,"
                       "aes192-ctr,aes128-ctr";
const char* kMacs = "hmac-sha2-512-etm@openssh.com,hmac-sha2-256-etm@openssh.com,umac-128-etm@openssh.com";

Predicate subset_of(const std::string& allowed_csv) {
  return [allowed_csv](const std::string& got) {
    std::set<std::string> allowed;
    size_t s = 0;
    while (s <= allowed_csv.size()) {
      size_t c = allowed_csv.find(',', s);
      if (c == std::string::npos) c = allowed_csv.size();
      allowed.insert(allowed_csv.substr(s, c - s));
      s = c + 1;
    }
    if (got.empty() || got[0] == '+' || got[0] == '^') return false;  // appending to defaults keeps weak ones
    std::string v = got[0] == '-' ? got.substr(1) : got;
    if (got[0] == '-') return false;
    s = 0;
    while (s <= v.size()) {
      size_t c = v.find(',', s);
      if (c == std::string::npos) c = v.size();
      if (!allowed.count(v.substr(s, c - s))) return false;
      s = c + 1;
    }
    return true;
  };
}

}  // namespace

void add_sshd_rules(std::vector<Rule>& rules) {
  rules.push_back(sshd_rule("sshd-permit-root-login", "root logs in with keys only (LXC) / not at all (VM)",
                            "CIS 5.1.20; dev-sec", [](Target t) {
                              return std::vector<Expect>{
                                  {"PermitRootLogin", t == Target::lxc ? "prohibit-password" : "no", {}}};
                            }));
  rules.push_back(sshd_rule("sshd-password-authentication", "no password or keyboard-interactive logins", "dev-sec",
                            [](Target) {
                              return std::vector<Expect>{{"PasswordAuthentication", "no", {}},
                                                         {"KbdInteractiveAuthentication", "no", {}}};
                            }));
  rules.push_back(sshd_rule("sshd-permit-empty-passwords", "empty passwords refused", "CIS 5.1.19", [](Target) {
    return std::vector<Expect>{{"PermitEmptyPasswords", "no", {}}};
  }));
  rules.push_back(sshd_rule("sshd-pubkey-authentication", "public-key authentication only", "dev-sec", [](Target) {
    return std::vector<Expect>{{"PubkeyAuthentication", "yes", {}}, {"AuthenticationMethods", "publickey", {}}};
  }));
  rules.push_back(sshd_rule("sshd-max-auth-tries", "at most 3 authentication attempts", "CIS 5.1.16", [](Target) {
    return std::vector<Expect>{{"MaxAuthTries", "3", [](const std::string& v) {
                                  long n = seconds(v);
                                  return n >= 1 && n <= 4 && v.find_first_not_of("0123456789") == std::string::npos;
                                }}};
  }));
  rules.push_back(sshd_rule("sshd-login-grace-time", "login grace time at most 60 s", "CIS 5.1.13", [](Target) {
    return std::vector<Expect>{{"LoginGraceTime", "30", [](const std::string& v) {
                                  long n = seconds(v);
                                  return n >= 1 && n <= 60;
                                }}};
  }));
  rules.push_back(sshd_rule("sshd-client-alive", "idle sessions dropped (300 s x 3)", "CIS 5.1.7; dev-sec", [](Target) {
    return std::vector<Expect>{{"ClientAliveInterval", "300", [](const std::string& v) {
                                  long n = seconds(v);
                                  return n >= 1 && n <= 900;
                                }},
                               {"ClientAliveCountMax", "3", [](const std::string& v) {
                                  long n = seconds(v);
                                  return n >= 1 && n <= 3;
                                }}};
  }));
  rules.push_back(sshd_rule("sshd-forwarding", "no X11, TCP, agent forwarding or tunnels", "CIS 5.1.8; dev-sec",
                            [](Target) {
                              return std::vector<Expect>{{"DisableForwarding", "yes", {}},
                                                         {"X11Forwarding", "no", {}},
                                                         {"AllowTcpForwarding", "no", {}},
                                                         {"AllowAgentForwarding", "no", {}},
                                                         {"PermitTunnel", "no", {}}};
                            }));
  rules.push_back(sshd_rule("sshd-host-based-auth", "no host-based, rhosts or GSSAPI authentication",
                            "CIS 5.1.9-5.1.11", [](Target) {
                              return std::vector<Expect>{{"HostbasedAuthentication", "no", {}},
                                                         {"IgnoreRhosts", "yes", {}},
                                                         {"GSSAPIAuthentication", "no", {}}};
                            }));
  rules.push_back(sshd_rule("sshd-environment-pam", "users cannot set sshd environment; PAM on", "CIS 5.1.21-5.1.22",
                            [](Target) {
                              return std::vector<Expect>{{"PermitUserEnvironment", "no", {}}, {"UsePAM", "yes", {}}};
                            }));
  rules.push_back(sshd_rule("sshd-logging-limits", "verbose logging, bounded sessions and startups",
                            "CIS 5.1.14, 5.1.17, 5.1.18; dev-sec", [](Target) {
                              return std::vector<Expect>{
                                  {"LogLevel", "VERBOSE",
                                   [](const std::string& v) { return to_lower(v) == "verbose" || to_lower(v) == "info"; }},
                                  {"MaxStartups", "10:30:60", {}},
                                  {"MaxSessions", "10", [](const std::string& v) {
                                     long n = seconds(v);
                                     return n >= 1 && n <= 10;
                                   }}};
                            }));
  rules.push_back(sshd_rule("sshd-crypto", "only strong key exchange, ciphers and MACs", "CIS 5.1.6, 5.1.12, 5.1.15; dev-sec",
                            [](Target) {
                              return std::vector<Expect>{{"KexAlgorithms", kKex, subset_of(kKex)},
                                                         {"Ciphers", kCiphers, subset_of(kCiphers)},
                                                         {"MACs", kMacs, subset_of(kMacs)}};
                            }));

  Rule moduli;
  moduli.name = "sshd-moduli";
  moduli.title = "Diffie-Hellman moduli of at least 2048 bits";
  moduli.reference = "dev-sec sshd_moduli_minimum";
  auto small_lines = [](const std::string& text, std::string* kept) {
    int small = 0;
    for (const auto& l : split_lines(text)) {
      auto w = split_ws(l);
      bool data = !w.empty() && w[0][0] != '#' && w.size() >= 7;
      if (data && std::stol(w[4]) < 2047) {
        ++small;
        continue;
      }
      if (kept) *kept += l + "\n";
    }
    return small;
  };
  moduli.apply = [small_lines](const Env& env) {
    auto text = env.root.read("/etc/ssh/moduli");
    if (!text) return;
    std::string kept;
    if (small_lines(*text, &kept) > 0) env.root.write("/etc/ssh/moduli", kept, 0644);
  };
  moduli.verify = [small_lines](const Env& env) {
    auto text = env.root.read("/etc/ssh/moduli");
    if (!text) return Check::na("no /etc/ssh/moduli");
    int n = small_lines(*text, nullptr);
    return n == 0 ? Check::pass() : Check::fail(std::to_string(n) + " moduli smaller than 2048 bits");
  };
  rules.push_back(moduli);

  Rule perms;
  perms.name = "sshd-file-permissions";
  perms.title = "sshd_config 0600 root:root, host private keys 0600, public keys 0644";
  perms.reference = "CIS 5.1.1-5.1.3";
  perms.apply = [](const Env& env) {
    if (env.root.exists(kMain)) {
      env.root.chmod(kMain, 0600);
      env.root.chown(kMain, 0, 0);
    }
    for (const auto& n : env.root.list("/etc/ssh/sshd_config.d")) env.root.chmod("/etc/ssh/sshd_config.d/" + n, 0600);
    for (const auto& n : env.root.list("/etc/ssh")) {
      if (n.rfind("ssh_host_", 0) != 0) continue;
      bool pub = n.size() > 4 && n.substr(n.size() - 4) == ".pub";
      env.root.chmod("/etc/ssh/" + n, pub ? 0644 : 0600);
      env.root.chown("/etc/ssh/" + n, 0, 0);
    }
  };
  perms.verify = [](const Env& env) {
    if (!sshd_present(env.root)) return Check::na("openssh-server not installed");
    std::string bad;
    auto check = [&](const std::string& p, mode_t max) {
      auto st = env.root.lstat(p);
      if (!st) return;
      if ((st->st_mode & 07777 & ~max) != 0 || st->st_uid != 0)
        bad += (bad.empty() ? "" : ", ") + p + " is " + std::to_string(st->st_mode & 0777);
    };
    check(kMain, 0600);
    for (const auto& n : env.root.list("/etc/ssh/sshd_config.d")) check("/etc/ssh/sshd_config.d/" + n, 0600);
    for (const auto& n : env.root.list("/etc/ssh"))
      if (n.rfind("ssh_host_", 0) == 0) check("/etc/ssh/" + n, n.substr(n.size() - 4) == ".pub" ? 0644 : 0600);
    return bad.empty() ? Check::pass() : Check::fail(bad);
  };
  rules.push_back(perms);

  Rule banner;
  banner.name = "sshd-banner";
  banner.title = "login banners without OS details; sshd shows /etc/issue.net";
  banner.reference = "CIS 1.6.1-1.6.6, 5.1.5";
  static const std::string kBanner = "Authorised use only. Activity on this system may be monitored and recorded.\n";
  banner.apply = [](const Env& env) {
    for (const char* f : {"/etc/issue", "/etc/issue.net"}) env.root.write(f, kBanner, 0644);
    if (sshd_present(env.root)) set_sshd(env.root, {{"Banner", "/etc/issue.net"}});
  };
  banner.verify = [](const Env& env) {
    std::string bad;
    for (const char* f : {"/etc/issue", "/etc/issue.net"}) {
      auto text = env.root.read(f);
      if (!text) continue;
      for (const char* esc : {"\\m", "\\r", "\\s", "\\v"})
        if (text->find(esc) != std::string::npos) bad += std::string(bad.empty() ? "" : ", ") + f + " contains " + esc;
      auto st = env.root.lstat(f);
      if (st && S_ISREG(st->st_mode) && (st->st_mode & 0777) != 0644) bad += std::string(bad.empty() ? "" : ", ") + f + " mode";
    }
    if (sshd_present(env.root)) {
      auto cfg = effective_sshd_config(env.root);
      if (cfg["banner"] != "/etc/issue.net") bad += std::string(bad.empty() ? "" : ", ") + "Banner not /etc/issue.net";
    }
    return bad.empty() ? Check::pass() : Check::fail(bad);
  };
  rules.push_back(banner);
}

}  // namespace sarga::steps::hardening
