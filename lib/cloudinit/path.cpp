#include "lib/cloudinit/path.h"

#include <cstdio>
#include <string_view>

namespace sarga::cloudinit {
namespace {

// HCL-style quoting for people: only quotes, backslashes and control characters are escaped.
void append_quoted(std::string& out, std::string_view s) {
  out += '"';
  for (char c : s) {
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\t': out += "\\t"; break;
      case '\r': out += "\\r"; break;
      default:
        if (static_cast<unsigned char>(c) < 0x20) {
          char buf[8];
          std::snprintf(buf, sizeof buf, "\\u%04x", static_cast<unsigned>(c));
          out += buf;
        } else {
          out += c;
        }
    }
  }
  out += '"';
}

bool is_identifier(std::string_view s) {
  if (s.empty()) return false;
  for (std::size_t i = 0; i < s.size(); ++i) {
    char c = s[i];
    bool alpha = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
    bool digit = c >= '0' && c <= '9';
    if (!(alpha || (i > 0 && (digit || c == '-')))) return false;
  }
  return true;
}

}  // namespace

Path Path::attribute(std::string name) const {
  Path p = *this;
  p.steps_.push_back({PathStep::Kind::attribute, std::move(name), 0});
  return p;
}

Path Path::key(std::string key) const {
  Path p = *this;
  p.steps_.push_back({PathStep::Kind::key, std::move(key), 0});
  return p;
}

Path Path::index(std::int64_t index) const {
  Path p = *this;
  p.steps_.push_back({PathStep::Kind::index, {}, index});
  return p;
}

std::string Path::to_string() const {
  std::string out;
  for (const PathStep& step : steps_) {
    switch (step.kind) {
      case PathStep::Kind::attribute:
        if (is_identifier(step.name)) {
          if (!out.empty()) out += '.';
          out += step.name;
        } else {
          out += '[';
          append_quoted(out, step.name);
          out += ']';
        }
        break;
      case PathStep::Kind::key:
        out += '[';
        append_quoted(out, step.name);
        out += ']';
        break;
      case PathStep::Kind::index:
        out += '[' + std::to_string(step.index) + ']';
        break;
    }
  }
  return out;
}

}  // namespace sarga::cloudinit
