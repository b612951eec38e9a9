#include "acceptance-tests/pve-sim/auth.h"

#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>

#include <cstdio>

#include "acceptance-tests/pve-sim/api_error.h"

namespace sarga::pvesim {

namespace {

std::string base64(const unsigned char* data, size_t len) {
  std::string out(4 * ((len + 2) / 3) + 1, '\0');
  int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()), data, static_cast<int>(len));
  out.resize(n);
  return out;
}

std::string hex8(long v) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "%08lX", v);
  return buf;
}

std::string url_decode(const std::string& s) {
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '%' && i + 2 < s.size()) {
      out.push_back(static_cast<char>(std::stoi(s.substr(i + 1, 2), nullptr, 16)));
      i += 2;
    } else {
      out.push_back(s[i]);
    }
  }
  return out;
}

// The value of cookie `name` in a Cookie header, "" if absent.
std::string cookie_value(const std::string& header, const std::string& name) {
  size_t pos = 0;
  while (pos < header.size()) {
    size_t end = header.find(';', pos);
    std::string part = header.substr(pos, end == std::string::npos ? std::string::npos : end - pos);
    size_t b = part.find_first_not_of(' ');
    if (b != std::string::npos) part = part.substr(b);
    if (part.rfind(name + "=", 0) == 0) return url_decode(part.substr(name.size() + 1));
    if (end == std::string::npos) break;
    pos = end + 1;
  }
  return "";
}

bool constant_time_equal(const std::string& a, const std::string& b) {
  if (a.size() != b.size()) return false;
  unsigned char diff = 0;
  for (size_t i = 0; i < a.size(); ++i) diff |= static_cast<unsigned char>(a[i] ^ b[i]);
  return diff == 0;
}

// `prefix` is a path prefix of `path` on segment boundaries ("/" covers everything).
bool covers(const std::string& prefix, const std::string& path) {
  if (prefix == "/" || prefix == path) return true;
  return path.size() > prefix.size() && path.compare(0, prefix.size(), prefix) == 0 &&
         path[prefix.size()] == '/';
}

std::set<std::string> acl_privs(const std::vector<AclEntry>& acl, const std::vector<std::string>& paths) {
  std::set<std::string> out;
  for (const auto& e : acl)
    for (const auto& p : paths)
      if (covers(e.path, p))
        for (const auto& name : e.privs) {
          auto s = Auth::expand(name);
          out.insert(s.begin(), s.end());
        }
  return out;
}

}  // namespace

const std::set<std::string>& Auth::all_privileges() {
  static const std::set<std::string> all = {
      "Datastore.Allocate", "Datastore.AllocateSpace", "Datastore.AllocateTemplate",
      "Datastore.Audit", "Group.Allocate", "Mapping.Audit", "Mapping.Modify", "Mapping.Use",
      "Permissions.Modify", "Pool.Allocate", "Pool.Audit", "Realm.Allocate", "Realm.AllocateUser",
      "SDN.Allocate", "SDN.Audit", "SDN.Use", "Sys.AccessNetwork", "Sys.Audit", "Sys.Console",
      "Sys.Incoming", "Sys.Modify", "Sys.PowerMgmt", "Sys.Syslog", "User.Modify", "VM.Allocate",
      "VM.Audit", "VM.Backup", "VM.Clone", "VM.Config.CDROM", "VM.Config.CPU",
      "VM.Config.Cloudinit", "VM.Config.Disk", "VM.Config.HWType", "VM.Config.Memory",
      "VM.Config.Network", "VM.Config.Options", "VM.Console", "VM.GuestAgent.Audit",
      "VM.GuestAgent.FileRead", "VM.GuestAgent.FileSystemMgmt", "VM.GuestAgent.FileWrite",
      "VM.GuestAgent.Unrestricted", "VM.Migrate", "VM.PowerMgmt", "VM.Replicate", "VM.Snapshot",
      "VM.Snapshot.Rollback"};
  return all;
}

std::set<std::string> Auth::expand(const std::string& name) {
  const auto& all = all_privileges();
  auto with_prefix = [&](std::initializer_list<const char*> prefixes) {
    std::set<std::string> out;
    for (const auto& p : all)
      for (const char* pre : prefixes)
        if (p.rfind(pre, 0) == 0) out.insert(p);
    return out;
  };
  if (name == "Administrator" || name == "*") return all;
  if (name == "NoAccess") return {};
  if (name == "PVEAuditor") {
    std::set<std::string> out;
    for (const auto& p : all)
      if (p.size() > 6 && p.compare(p.size() - 6, 6, ".Audit") == 0) out.insert(p);
    return out;
  }
  if (name == "PVEVMAdmin") {
    auto out = with_prefix({"VM."});
    out.insert({"Datastore.AllocateSpace", "Datastore.Audit", "SDN.Use", "Pool.Audit"});
    return out;
  }
  if (name == "PVEDatastoreAdmin") return with_prefix({"Datastore."});
  if (name == "PVEAdmin") {
    auto out = all;
    for (const char* p : {"Sys.Modify", "Permissions.Modify", "Realm.Allocate"}) out.erase(p);
    return out;
  }
  if (name == "PVEVMUser")
    return {"VM.Audit", "VM.Console", "VM.PowerMgmt", "VM.Backup", "VM.Config.CDROM",
            "VM.Config.Cloudinit", "VM.GuestAgent.Audit"};
  if (name == "PVEPoolAdmin") return {"Pool.Allocate", "Pool.Audit"};
  return {name};
}

Auth::Auth(const ClusterConfig& config) : users_(config.users), ticket_lifetime_(config.timing.ticket_lifetime) {
  unsigned char key[32];
  RAND_bytes(key, sizeof key);
  secret_.assign(reinterpret_cast<char*>(key), sizeof key);
}

const UserDef* Auth::user(const std::string& userid) const {
  for (const auto& u : users_)
    if (u.userid == userid) return &u;
  return nullptr;
}

std::string Auth::sign(const std::string& data) const {
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  HMAC(EVP_sha256(), secret_.data(), static_cast<int>(secret_.size()),
       reinterpret_cast<const unsigned char*>(data.data()), data.size(), md, &len);
  return base64(md, len);
}

std::string Auth::make_ticket(const std::string& userid, long now) const {
  std::string plain = "PVE:" + userid + ":" + hex8(now);
  return plain + "::" + sign(plain);
}

std::string Auth::make_csrf(const std::string& userid, long now) const {
  std::string t = hex8(now);
  return t + ":" + sign("csrf:" + t + ":" + userid);
}

std::string Auth::check_ticket(const std::string& ticket, long now) const {
  size_t sep = ticket.find("::");
  if (sep == std::string::npos) return "";
  std::string plain = ticket.substr(0, sep);
  if (!constant_time_equal(sign(plain), ticket.substr(sep + 2))) return "";
  // plain = PVE:user@realm:HEXTIME
  size_t last = plain.rfind(':');
  if (plain.rfind("PVE:", 0) != 0 || last <= 4) return "";
  long issued = std::stol(plain.substr(last + 1), nullptr, 16);
  if (now < issued - 300 || now > issued + ticket_lifetime_) return "";
  std::string userid = plain.substr(4, last - 4);
  return user(userid) ? userid : "";
}

bool Auth::check_csrf(const std::string& token, const std::string& userid, long now) const {
  size_t colon = token.find(':');
  if (colon == std::string::npos) return false;
  std::string t = token.substr(0, colon);
  if (!constant_time_equal(sign("csrf:" + t + ":" + userid), token.substr(colon + 1))) return false;
  long issued = std::stol(t, nullptr, 16);
  return now >= issued - 300 && now <= issued + ticket_lifetime_;
}

Caller Auth::authenticate(const std::string& authorization, const std::string& cookie,
                          const std::string& csrf, bool write, long now) const {
  // pve-http-server accepts "PVEAPIToken=<value>" and "PVEAPIToken <value>".
  const std::string scheme = "PVEAPIToken";
  if (authorization.rfind(scheme, 0) == 0 && authorization.size() > scheme.size() &&
      (authorization[scheme.size()] == '=' || authorization[scheme.size()] == ' ')) {
    std::string value = authorization.substr(scheme.size() + 1);
    // user@realm!tokenid=secret; some clients (as for PBS) write ':' before the secret.
    size_t bang = value.find('!');
    size_t sep = bang == std::string::npos ? std::string::npos : value.find_first_of("=:", bang);
    if (sep == std::string::npos) throw ApiError(401, "authentication failure");
    std::string userid = value.substr(0, bang);
    std::string tokenid = value.substr(bang + 1, sep - bang - 1);
    std::string secret = value.substr(sep + 1);
    if (const UserDef* u = user(userid))
      for (const auto& t : u->tokens)
        if (t.id == tokenid && constant_time_equal(t.secret, secret)) return {userid, tokenid};
    throw ApiError(401, "authentication failure");
  }
  std::string ticket = cookie_value(cookie, "PVEAuthCookie");
  if (ticket.empty()) throw ApiError(401, "No ticket");
  std::string userid = check_ticket(ticket, now);
  if (userid.empty()) throw ApiError(401, "authentication failure");
  if (write && !check_csrf(csrf, userid, now))
    throw ApiError(401, "Permission denied - invalid csrf token");
  return {userid, ""};
}

nlohmann::json Auth::login(const std::string& username, const std::string& password,
                           const std::string& realm, long now, int /*lifetime*/,
                           const std::string& cluster_name) const {
  std::string userid = username;
  if (userid.find('@') == std::string::npos && !realm.empty()) userid += "@" + realm;
  const UserDef* u = user(userid);
  bool ok = false;
  if (u) {
    if (!u->password.empty() && constant_time_equal(u->password, password)) ok = true;
    // Renewal: the old, still valid ticket as password.
    if (!ok && password.rfind("PVE:", 0) == 0) ok = check_ticket(password, now) == userid;
  }
  if (!ok) throw ApiError(401, "authentication failure");
  return {{"username", userid},
          {"ticket", make_ticket(userid, now)},
          {"CSRFPreventionToken", make_csrf(userid, now)},
          {"clustername", cluster_name},
          {"cap", nlohmann::json::object()}};
}

std::set<std::string> Auth::privileges(const Caller& caller, const std::string& path,
                                       const PoolOf& pool_of) const {
  const UserDef* u = user(caller.userid);
  if (!u) return {};
  std::vector<std::string> paths = {path};
  // Privileges on /pool/<id> apply to the pool's guests.
  if (path.rfind("/vms/", 0) == 0 && pool_of) {
    try {
      std::string pool = pool_of(std::stoi(path.substr(5)));
      if (!pool.empty()) paths.push_back("/pool/" + pool);
    } catch (...) {
    }
  }
  auto user_privs = acl_privs(u->acl, paths);
  if (caller.tokenid.empty()) return user_privs;
  for (const auto& t : u->tokens) {
    if (t.id != caller.tokenid) continue;
    if (!t.privsep) return user_privs;
    auto token_privs = acl_privs(t.acl, paths);
    std::set<std::string> both;
    for (const auto& p : token_privs)
      if (user_privs.count(p)) both.insert(p);
    return both;
  }
  return {};
}

bool Auth::allowed(const Caller& caller, const std::string& path, const std::vector<std::string>& privs,
                   bool any, const PoolOf& pool_of) const {
  auto have = privileges(caller, path, pool_of);
  if (any) {
    for (const auto& p : privs)
      if (have.count(p)) return true;
    return privs.empty();
  }
  for (const auto& p : privs)
    if (!have.count(p)) return false;
  return true;
}

void Auth::require(const Caller& caller, const std::string& path, const std::vector<std::string>& privs,
                   bool any, const PoolOf& pool_of) const {
  auto have = privileges(caller, path, pool_of);
  if (any) {
    for (const auto& p : privs)
      if (have.count(p)) return;
    std::string joined;
    for (const auto& p : privs) joined += (joined.empty() ? "" : "|") + p;
    throw ApiError(403, "Permission check failed (" + path + ", " + joined + ")");
  }
  for (const auto& p : privs)
    if (!have.count(p)) throw ApiError(403, "Permission check failed (" + path + ", " + p + ")");
}

}  // namespace sarga::pvesim
