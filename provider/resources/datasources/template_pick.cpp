#include "provider/resources/datasources/template_pick.h"

#include <algorithm>
#include <cctype>
#include <ctime>
#include <regex>
#include <tuple>

namespace sarga::resources::datasources {
namespace {

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return std::tolower(c); });
  return s;
}

bool has_all_tags(const TemplateCandidate& c, const std::vector<std::string>& tags) {
  for (const auto& want : tags) {
    bool found = std::any_of(c.tags.begin(), c.tags.end(), [&](const std::string& t) { return lower(t) == lower(want); });
    if (!found) return false;
  }
  return true;
}

}  // namespace

std::vector<TemplateCandidate> filter_candidates(const std::vector<TemplateCandidate>& all,
                                                 const std::string& name_regex, const std::vector<std::string>& tags) {
  std::regex re(name_regex.empty() ? std::string(".*") : name_regex, std::regex::ECMAScript);
  std::vector<TemplateCandidate> out;
  for (const auto& c : all)
    if (std::regex_search(c.name, re) && has_all_tags(c, tags)) out.push_back(c);
  return out;
}

std::optional<TemplateCandidate> newest(const std::vector<TemplateCandidate>& candidates) {
  if (candidates.empty()) return std::nullopt;
  auto key = [](const TemplateCandidate& c) { return std::tie(c.created, c.vmid, c.volume_id, c.node); };
  return *std::max_element(candidates.begin(), candidates.end(),
                           [&](const TemplateCandidate& a, const TemplateCandidate& b) { return key(a) < key(b); });
}

std::string volume_file_name(const std::string& volume_id) {
  size_t slash = volume_id.rfind('/');
  if (slash != std::string::npos) return volume_id.substr(slash + 1);
  size_t colon = volume_id.find(':');
  return colon == std::string::npos ? volume_id : volume_id.substr(colon + 1);
}

std::int64_t meta_ctime(const std::string& meta) {
  static const std::regex re("(^|,)ctime=(\\d{1,18})(,|$)");
  std::smatch m;
  if (!std::regex_search(meta, m, re)) return 0;
  return std::stoll(m[2].str());
}

std::string rfc3339(std::int64_t unix_seconds) {
  std::time_t t = static_cast<std::time_t>(unix_seconds);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

}  // namespace sarga::resources::datasources
