#include "provider/resources/org_intermediate/renewal.h"

#include <algorithm>
#include <chrono>
#include <mutex>
#include <set>

namespace sarga::resources::org_intermediate {
namespace {

std::mutex clock_mutex;
std::function<int64_t()>& clock_override() {
  static std::function<int64_t()> f;
  return f;
}

std::set<std::string> as_set(const std::vector<std::string>& v) { return {v.begin(), v.end()}; }

std::string joined(const std::set<std::string>& s) {
  std::string out;
  for (const auto& x : s) out += (out.empty() ? "" : ", ") + x;
  return out.empty() ? "none" : out;
}

}  // namespace

int64_t now_unix() {
  {
    std::lock_guard<std::mutex> lock(clock_mutex);
    if (clock_override()) return clock_override()();
  }
  return std::chrono::duration_cast<std::chrono::seconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

void set_clock_for_tests(std::function<int64_t()> clock) {
  std::lock_guard<std::mutex> lock(clock_mutex);
  clock_override() = std::move(clock);
}

bool renewal_due(int64_t not_after, int64_t renew_before_seconds, int64_t now) {
  return now >= not_after - renew_before_seconds;
}

std::string reissue_reason(const CertFacts& current, const OrgSpec& planned) {
  if (current.common_name != planned.common_name)
    return "common_name changed from \"" + current.common_name + "\" to \"" + planned.common_name + "\"";
  if (planned.max_path_length && current.path_len != planned.max_path_length)
    return "max_path_length changed to " + std::to_string(*planned.max_path_length) + " (certificate has " +
           (current.path_len ? std::to_string(*current.path_len) : std::string("none")) + ")";
  auto want = as_set(planned.permitted_dns_domains), have = as_set(current.permitted_dns);
  if (want != have)
    return "permitted_dns_domains changed to " + joined(want) + " (certificate has " + joined(have) + ")";
  return {};
}

}  // namespace sarga::resources::org_intermediate
