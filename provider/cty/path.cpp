#include "provider/cty/path.h"

#include <cstdio>

namespace sarga::cty {
namespace {

// Quotes a key for people (HCL style): only quotes, backslashes and control characters are
// escaped, so "<" or "é" stay readable.
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
  for (size_t i = 0; i < s.size(); ++i) {
    char c = s[i];
    bool alpha = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
    bool digit = c >= '0' && c <= '9';
    if (!(alpha || (i > 0 && (digit || c == '-')))) return false;
  }
  return true;
}

}  // namespace

PathStep PathStep::attribute(std::string name) {
  return PathStep{Kind::Attribute, std::move(name), 0};
}
PathStep PathStep::key(std::string key) {
  return PathStep{Kind::ElementKeyString, std::move(key), 0};
}
PathStep PathStep::index_of(int64_t index) { return PathStep{Kind::ElementKeyInt, {}, index}; }

Path Path::attribute(std::string name) const {
  Path p = *this;
  p.push_attribute(std::move(name));
  return p;
}
Path Path::key(std::string key) const {
  Path p = *this;
  p.push_key(std::move(key));
  return p;
}
Path Path::index(int64_t index) const {
  Path p = *this;
  p.push_index(index);
  return p;
}
void Path::push_attribute(std::string name) { steps_.push_back(PathStep::attribute(std::move(name))); }
void Path::push_key(std::string key) { steps_.push_back(PathStep::key(std::move(key))); }
void Path::push_index(int64_t index) { steps_.push_back(PathStep::index_of(index)); }

std::string Path::to_string() const {
  std::string out;
  for (const PathStep& step : steps_) {
    switch (step.kind) {
      case PathStep::Kind::Attribute:
        if (is_identifier(step.name)) {
          if (!out.empty()) out += '.';
          out += step.name;
        } else {
          out += '[';
          append_quoted(out, step.name);
          out += ']';
        }
        break;
      case PathStep::Kind::ElementKeyString:
        out += '[';
        append_quoted(out, step.name);
        out += ']';
        break;
      case PathStep::Kind::ElementKeyInt:
        out += '[' + std::to_string(step.index) + ']';
        break;
    }
  }
  return out;
}

}  // namespace sarga::cty
