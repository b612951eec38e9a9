#include "acceptance-tests/pve-sim/tags.h"

#include <algorithm>
#include <cctype>
#include <set>
#include <vector>

namespace sarga::pvesim {

namespace {

std::string lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

}  // namespace

std::string normalize_tags(std::string_view tags, GuestKind kind) {
  std::vector<std::string> unique;
  std::set<std::string> seen;
  std::string current;
  auto flush = [&] {
    if (current.empty()) return;
    std::string tag = kind == GuestKind::lxc ? lower(current) : current;
    if (seen.insert(lower(tag)).second) unique.push_back(tag);
    current.clear();
  };
  for (char c : tags) {
    if (c == ';' || c == ',' || std::isspace(static_cast<unsigned char>(c)))
      flush();
    else
      current.push_back(c);
  }
  flush();
  std::stable_sort(unique.begin(), unique.end(), [](const std::string& a, const std::string& b) {
    std::string la = lower(a), lb = lower(b);
    return la != lb ? la < lb : a < b;
  });
  std::string out;
  for (const auto& t : unique) {
    if (!out.empty()) out += ';';
    out += t;
  }
  return out;
}

}  // namespace sarga::pvesim
