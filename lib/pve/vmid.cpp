#include "lib/pve/vmid.h"

#include <algorithm>
#include <cctype>
#include <mutex>
#include <random>
#include <regex>
#include <set>

#include "lib/pve/cluster.h"
#include "lib/pve/guests.h"

namespace sarga::pve {

std::string validate(const VmidPolicy& p) {
  if (p.fixed && (*p.fixed < 100 || *p.fixed > 999'999'999))
    return "vmid must be between 100 and 999999999, got " + std::to_string(*p.fixed);
  if (p.from < 100 || p.from > 999'999'999) return "vmid_range.from must be between 100 and 999999999, got " + std::to_string(p.from);
  if (p.to < p.from || p.to > 999'999'999)
    return "vmid_range.to must be between vmid_range.from (" + std::to_string(p.from) + ") and 999999999, got " +
           std::to_string(p.to);
  if (p.max_attempts < 1) return "max_attempts must be at least 1";
  return {};
}

bool is_vmid_taken(const Error& e) {
  if (e.kind() != ErrorKind::already_exists) return false;
  if (e.param_errors().count("vmid") || e.param_errors().count("newid")) return true;
  static const std::regex taken(R"((config file already exists|\b(VM|CT) \d+ already exists))", std::regex::icase);
  return std::regex_search(std::string(e.what()), taken);
}

namespace {

// VMIDs some thread of this process is trying right now: threads of one process never
// race each other for the same candidate; only other processes can take one first.
std::mutex g_reserved_mu;
std::set<int> g_reserved;

struct Reservation {
  int vmid = 0;
  ~Reservation() {
    if (!vmid) return;
    std::lock_guard lock(g_reserved_mu);
    g_reserved.erase(vmid);
  }
};

// Smallest id >= start that no other thread here holds; 0 when none up to `to`.
int reserve_from(int start, int to, const std::set<int>& tried) {
  std::lock_guard lock(g_reserved_mu);
  for (long long id = start; id <= to; ++id)
    if (!g_reserved.count(static_cast<int>(id)) && !tried.count(static_cast<int>(id))) {
      g_reserved.insert(static_cast<int>(id));
      return static_cast<int>(id);
    }
  return 0;
}

bool reserve(int id) {
  std::lock_guard lock(g_reserved_mu);
  return g_reserved.insert(id).second;
}

int next_free(const Client& c) {
  auto data = c.get("/cluster/nextid");
  std::string s = scalar_string(data);
  try {
    return std::stoi(s);
  } catch (...) {
    throw Error(ErrorKind::server, 200, "PVE GET /cluster/nextid: not a number: \"" + s + "\"");
  }
}

RetryPolicy lock_retry() {
  RetryPolicy p;
  p.attempts = 8;
  p.server_errors = false;
  return p;
}

}  // namespace

int create_with_free_vmid(const Client& c, const VmidPolicy& policy, const std::function<std::string(int)>& create,
                          std::string* upid_out) {
  if (auto problem = validate(policy); !problem.empty()) throw std::invalid_argument(problem);
  auto attempt = [&](int vmid) {
    std::string upid = c.with_retry([&] { return create(vmid); }, lock_retry());
    if (upid_out) *upid_out = upid;
    return vmid;
  };
  if (policy.fixed) {
    try {
      return attempt(*policy.fixed);
    } catch (const Error& e) {
      if (!is_vmid_taken(e)) throw;
      throw Error(ErrorKind::already_exists, e.status(),
                  "VMID " + std::to_string(*policy.fixed) + " is already in use: " + e.what(), e.param_errors());
    }
  }

  thread_local std::mt19937_64 rng(std::random_device{}());
  std::set<int> tried;  // ids to skip: tried here, or known to be in use
  std::string last_error;
  bool index_consulted = false;
  int attempts = 0;
  for (int n = 0; n < policy.max_attempts; ++n) {
    c.check_cancelled("allocating a VMID");
    Reservation r;
    if (policy.random) {
      std::uniform_int_distribution<int> pick(policy.from, policy.to);
      for (int k = 0; k < 64 && !r.vmid; ++k) {
        int id = pick(rng);
        if (!tried.count(id) && reserve(id)) r.vmid = id;
      }
    } else {
      int next = next_free(c);
      if (next < policy.from && !index_consulted) {
        // nextid knows only the lowest free id; inside a range above it, skip the ids the
        // (possibly lagging) cluster index already shows as used.
        index_consulted = true;
        for (const auto& e : c.guest_index().find(c, std::nullopt, "", {}))
          if (e.vmid >= policy.from && e.vmid <= policy.to) tried.insert(e.vmid);
      }
      int start = std::max(policy.from, next);
      r.vmid = start <= policy.to ? reserve_from(start, policy.to, tried) : 0;
    }
    if (!r.vmid) break;
    tried.insert(r.vmid);
    ++attempts;
    try {
      return attempt(r.vmid);
    } catch (const Error& e) {
      if (!is_vmid_taken(e)) throw;
      last_error = e.what();  // someone else (another process) took it first: next one
    }
  }
  throw Error(ErrorKind::already_exists, 0,
              "no free VMID in " + std::to_string(policy.from) + ".." + std::to_string(policy.to) + " after " +
                  std::to_string(attempts) + " attempts" + (last_error.empty() ? "" : " (last: " + last_error + ")"));
}

}  // namespace sarga::pve
