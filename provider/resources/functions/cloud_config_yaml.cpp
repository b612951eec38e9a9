#include "provider/resources/functions/cloud_config_yaml.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cctype>
#include <regex>
#include <vector>

namespace sarga::resources::functions {
namespace {

using Lines = std::vector<std::string>;

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return s;
}

// Plain (unquoted) only when the text starts with a letter or '/', uses a safe alphabet, and
// is none of the YAML 1.1 booleans / nulls PyYAML would convert.
bool plain_ok(const std::string& s) {
  static const std::regex safe(R"(^[A-Za-z/][A-Za-z0-9_./@+=,-]*( [A-Za-z0-9_./@+=,()-]+)*$)");
  static const char* words[] = {"true", "false", "yes", "no", "on", "off", "y", "n", "null"};
  if (!std::regex_match(s, safe)) return false;
  std::string l = lower(s);
  for (const char* w : words)
    if (l == w) return false;
  return true;
}

std::string quoted(const std::string& s) { return nlohmann::json(s).dump(); }

std::string scalar_string(const std::string& s) { return plain_ok(s) ? s : quoted(s); }

// Literal block scalars keep scripts and files readable; only for printable multi-line text.
bool block_ok(const std::string& s) {
  if (s.find('\n') == std::string::npos) return false;
  bool visible = false;
  for (unsigned char c : s) {
    if (c < 0x20 && c != '\n' && c != '\t') return false;
    if (c == 0x7f) return false;
    if (c != ' ' && c != '\n' && c != '\t') visible = true;
  }
  // Leading blanks would need an indentation indicator; quoting is simpler and exact.
  std::size_t first_text = s.find_first_not_of('\n');
  return visible && s[first_text] != ' ' && s[first_text] != '\t';
}

// Header ("|", "|-" without a final newline, "|+" with several) and the content lines, not yet
// indented.
std::pair<std::string, Lines> block_scalar(const std::string& s) {
  std::size_t trailing = 0;
  while (trailing < s.size() && s[s.size() - 1 - trailing] == '\n') ++trailing;
  std::string header = "|";
  if (trailing == 0) header += "-";
  if (trailing > 1) header += "+";
  Lines lines;
  std::string body = s.substr(0, s.size() - (trailing > 0 ? 1 : 0));
  std::size_t start = 0;
  while (true) {
    auto nl = body.find('\n', start);
    lines.push_back(body.substr(start, nl - start));
    if (nl == std::string::npos) break;
    start = nl + 1;
  }
  return {header, lines};
}

bool is_mapping(const cty::Value& v) { return v.type().is_object() || v.type().is_map(); }
bool is_sequence(const cty::Value& v) {
  return v.type().is_list() || v.type().is_set() || v.type().is_tuple();
}

std::string inline_scalar(const cty::Value& v, const cty::Path& path) {
  if (!v.is_known())
    throw CloudConfigError(path.to_string() + ": value is not known yet");
  if (v.is_null()) return "null";
  const cty::Type& t = v.type();
  if (t.kind() == cty::Kind::Bool) return v.as_bool() ? "true" : "false";
  if (t.kind() == cty::Kind::Number) {
    const cty::Number& n = v.as_number();
    if (n.is_infinity()) return n.is_negative() ? "-.inf" : ".inf";
    return n.to_string();
  }
  if (t.kind() == cty::Kind::String) return scalar_string(v.as_string());
  if (is_mapping(v)) return "{}";  // only reached for empty collections
  return "[]";
}

bool nonempty_collection(const cty::Value& v) {
  return v.is_known() && !v.is_null() && (is_mapping(v) || is_sequence(v)) && v.length() > 0;
}

bool block_string(const cty::Value& v) {
  return v.is_known() && !v.is_null() && v.type().kind() == cty::Kind::String &&
         block_ok(v.as_string());
}

Lines emit(const cty::Value& v, cty::Path& path);

// Lines for `prefix` followed by a value: inline scalars on the same line, collections and
// block strings below it.
void emit_entry(const std::string& prefix, const std::string& child_indent, const cty::Value& v,
                cty::Path& path, bool dash, Lines& out) {
  if (block_string(v)) {
    auto [header, lines] = block_scalar(v.as_string());
    out.push_back(prefix + " " + header);
    for (const auto& l : lines) out.push_back(l.empty() ? "" : child_indent + "  " + l);
    return;
  }
  if (!nonempty_collection(v)) {
    out.push_back(prefix + " " + inline_scalar(v, path));
    return;
  }
  Lines child = emit(v, path);
  if (dash) {  // "- a: 1" / "  b: 2"
    out.push_back(prefix + " " + child.front());
    for (std::size_t i = 1; i < child.size(); ++i)
      out.push_back(child[i].empty() ? "" : child_indent + "  " + child[i]);
  } else {
    out.push_back(prefix);
    for (const auto& l : child) out.push_back(l.empty() ? "" : child_indent + "  " + l);
  }
}

Lines emit(const cty::Value& v, cty::Path& path) {
  Lines out;
  if (!nonempty_collection(v)) {
    out.push_back(inline_scalar(v, path));
    return out;
  }
  if (is_mapping(v)) {
    const auto& entries = v.type().is_object() ? v.attributes() : v.map_elements();
    for (const auto& [key, child] : entries) {
      if (v.type().is_object())
        path.push_attribute(key);
      else
        path.push_key(key);
      emit_entry(scalar_string(key) + ":", "", child, path, false, out);
      path.pop();
    }
  } else {
    int64_t i = 0;
    for (const auto& child : v.elements()) {
      path.push_index(i++);
      emit_entry("-", "", child, path, true, out);
      path.pop();
    }
  }
  return out;
}

}  // namespace

std::string to_yaml(const cty::Value& value) {
  cty::Path path;
  std::string out;
  for (const auto& line : emit(value, path)) out += line + "\n";
  return out;
}

std::string render_cloud_config(const cty::Value& value) {
  if (!value.is_known()) throw CloudConfigError("the argument is not known yet");
  if (value.is_null()) throw CloudConfigError("the argument must not be null");
  if (!is_mapping(value))
    throw CloudConfigError("the argument must be an object or map of cloud-config keys, got " +
                           value.type().friendly_name());
  if (value.length() == 0) return "#cloud-config\n{}\n";
  return "#cloud-config\n" + to_yaml(value);
}

}  // namespace sarga::resources::functions
