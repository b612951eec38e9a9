// Who is calling and what they may do: API tokens (Authorization: PVEAPIToken=...), tickets
// from POST /access/ticket (PVEAuthCookie + CSRFPreventionToken on writes), and privilege
// checks over path ACLs with PVE's built-in roles.
#pragma once

#include <atomic>
#include <functional>
#include <set>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "acceptance-tests/pve-sim/cluster_config.h"

namespace sarga::pvesim {

struct Caller {
  std::string userid;   // user@realm
  std::string tokenid;  // token name, empty for ticket logins
  // "user@realm!token" or "user@realm": how PVE writes the task owner.
  std::string owner() const { return tokenid.empty() ? userid : userid + "!" + tokenid; }
};

// Gives the pool of a guest (for privileges granted on /pool/<id>), "" if none.
using PoolOf = std::function<std::string(int vmid)>;

class Auth {
 public:
  explicit Auth(const ClusterConfig& config);

  // Throws ApiError 401 ("No ticket", "authentication failure", "Permission denied - invalid
  // csrf token"). `write` is true for POST/PUT/DELETE (tickets then need the CSRF header).
  Caller authenticate(const std::string& authorization, const std::string& cookie,
                      const std::string& csrf, bool write, long now) const;

  // POST /access/ticket: password or a still-valid ticket as password (renewal).
  // Throws ApiError 401 "authentication failure".
  nlohmann::json login(const std::string& username, const std::string& password,
                       const std::string& realm, long now, int lifetime,
                       const std::string& cluster_name) const;

  // The privileges `caller` holds on `path` ("/vms/100", "/storage/local", "/").
  std::set<std::string> privileges(const Caller& caller, const std::string& path,
                                   const PoolOf& pool_of) const;
  bool allowed(const Caller& caller, const std::string& path, const std::vector<std::string>& privs,
               bool any, const PoolOf& pool_of) const;
  // Throws ApiError 403 "Permission check failed (<path>, <priv>)" like RPCEnvironment.
  void require(const Caller& caller, const std::string& path, const std::vector<std::string>& privs,
               bool any, const PoolOf& pool_of) const;

  // Every privilege PVE 9 knows; role names expand to subsets of it.
  static const std::set<std::string>& all_privileges();
  static std::set<std::string> expand(const std::string& priv_or_role);

  void set_ticket_lifetime(int seconds) { ticket_lifetime_ = seconds; }

 private:
  std::string sign(const std::string& data) const;
  std::string make_ticket(const std::string& userid, long now) const;
  std::string make_csrf(const std::string& userid, long now) const;
  // userid when `ticket` is valid at `now`, else "".
  std::string check_ticket(const std::string& ticket, long now) const;
  bool check_csrf(const std::string& token, const std::string& userid, long now) const;
  const UserDef* user(const std::string& userid) const;

  std::vector<UserDef> users_;
  std::string secret_;  // HMAC key for tickets, random per process
  std::atomic<int> ticket_lifetime_{7200};
};

}  // namespace sarga::pvesim
