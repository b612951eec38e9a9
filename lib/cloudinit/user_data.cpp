#include "lib/cloudinit/user_data.h"

#include <algorithm>
#include <regex>

#include "lib/cloudinit/encoding.h"
#include "lib/cloudinit/yaml_check.h"

namespace sarga::cloudinit {
namespace {

std::string first_line(std::string_view text) {
  auto end = text.find('\n');
  std::string line(text.substr(0, end));
  if (!line.empty() && line.back() == '\r') line.pop_back();
  return line;
}

bool starts_with(std::string_view s, std::string_view prefix) {
  return s.substr(0, prefix.size()) == prefix;
}

std::string shorten(std::string s) {
  if (s.size() > 40) s = s.substr(0, 40) + "...";
  return s;
}

// cloud-config must be a YAML mapping of module settings (or empty).
void check_cloud_config(std::string_view text, const Path& path, Problems& out) {
  YamlParse parsed = parse_yaml(text);
  if (parsed.error) {
    out.push_back({path, "Invalid cloud-config YAML", *parsed.error});
    return;
  }
  const YAML::Node& root = parsed.root;
  if (root.IsNull() || root.IsMap()) return;
  out.push_back({path, "Invalid cloud-config",
                 "the document must be a mapping of cloud-config keys (packages:, users:, ...), "
                 "but " + line_of(root) + " starts " + kind_name(root)});
}

void check_yaml_syntax(std::string_view text, const Path& path, Problems& out) {
  YamlParse parsed = parse_yaml(text);
  if (parsed.error) out.push_back({path, "Invalid YAML", *parsed.error});
}

bool is_script_type(std::string_view type) {
  return type == "text/x-shellscript" || starts_with(type, "text/x-shellscript-per-");
}

bool is_ascii(std::string_view s) {
  return std::all_of(s.begin(), s.end(), [](char c) { return static_cast<unsigned char>(c) < 0x80; });
}

}  // namespace

const std::vector<std::string>& known_part_content_types() {
  static const std::vector<std::string> types = {
      "text/cloud-config",          "text/cloud-config-archive",
      "text/cloud-boothook",        "text/jinja2",
      "text/part-handler",          "text/x-include-once-url",
      "text/x-include-url",         "text/x-shellscript",
      "text/x-shellscript-per-boot", "text/x-shellscript-per-instance",
      "text/x-shellscript-per-once"};
  return types;
}

void validate_user_data(std::string_view text, const Path& path, Problems& out) {
  std::string head = first_line(text);
  if (starts_with(head, "#cloud-config-archive")) return check_yaml_syntax(text, path, out);
  if (starts_with(head, "#cloud-config-jsonp")) return;
  if (starts_with(head, "#cloud-config")) return check_cloud_config(text, path, out);
  for (std::string_view ok : {"#!", "#include", "#cloud-boothook", "#part-handler",
                              "## template: jinja", "Content-Type:", "MIME-Version:"})
    if (starts_with(head, ok)) return;
  out.push_back({path, "Unrecognised user data",
                 "the first line must be \"#cloud-config\" (YAML), \"#!\" (a script) or another "
                 "cloud-init header (#include, #cloud-boothook, #part-handler, ## template: "
                 "jinja, a MIME document); got \"" + shorten(head) + "\""});
}

void validate_part(const Part& part, const Path& path, Problems& out) {
  const auto& known = known_part_content_types();
  Path type_path = path.attribute("content_type");
  if (std::find(known.begin(), known.end(), part.content_type) == known.end()) {
    std::string list;
    for (const auto& t : known) list += (list.empty() ? "" : ", ") + t;
    out.push_back({type_path, "Unsupported part content type",
                   "\"" + part.content_type + "\" is not a cloud-init content type; use one of: " +
                       list});
  }
  Path content_path = path.attribute("content");
  if (part.content.find("--" + std::string(kMimeBoundary)) != std::string::npos)
    out.push_back({content_path, "Part content contains the MIME boundary",
                   "the text \"--" + std::string(kMimeBoundary) +
                       "\" would end the part early; remove it"});
  if (part.content_type == "text/cloud-config") {
    check_cloud_config(part.content, content_path, out);
  } else if (part.content_type == "text/cloud-config-archive") {
    check_yaml_syntax(part.content, content_path, out);
  } else if (is_script_type(part.content_type) && !starts_with(part.content, "#!")) {
    out.push_back({content_path, "Script part without interpreter line",
                   "a " + part.content_type + " part must start with \"#!\" (e.g. #!/bin/sh); "
                   "got \"" + shorten(first_line(part.content)) + "\""});
  }
  if (part.filename.find_first_of("\"\r\n\\") != std::string::npos)
    out.push_back({path.attribute("filename"), "Invalid part filename",
                   "the filename may not contain quotes, backslashes or line breaks"});
  static const std::regex merge_re(
      R"(^(list|dict|str)(\([a-z_, ]*\))?(\+(list|dict|str)(\([a-z_, ]*\))?)*$)");
  if (!part.merge_type.empty() && !std::regex_match(part.merge_type, merge_re))
    out.push_back({path.attribute("merge_type"), "Invalid merge_type",
                   "expected cloud-init merger syntax such as "
                   "\"list(append)+dict(recurse_array)+str()\", got \"" + shorten(part.merge_type) +
                       "\""});
}

std::string render_multipart(const std::vector<Part>& parts) {
  const std::string b(kMimeBoundary);
  std::string out = "Content-Type: multipart/mixed; boundary=\"" + b + "\"\r\nMIME-Version: 1.0\r\n\r\n";
  for (const Part& p : parts) {
    bool ascii = is_ascii(p.content);
    out += "--" + b + "\r\n";
    if (!p.filename.empty())
      out += "Content-Disposition: attachment; filename=\"" + p.filename + "\"\r\n";
    // Non-ASCII text travels as base64: cloud-init decodes it byte-exactly.
    out += std::string("Content-Transfer-Encoding: ") + (ascii ? "7bit" : "base64") + "\r\n";
    out += "Content-Type: " + p.content_type + "; charset=\"utf-8\"\r\n";
    out += "Mime-Version: 1.0\r\n";
    if (!p.merge_type.empty()) out += "X-Merge-Type: " + p.merge_type + "\r\n";
    out += "\r\n";
    out += ascii ? p.content : base64_encode(p.content);
    out += "\r\n";
  }
  out += "--" + b + "--\r\n";
  return out;
}

std::optional<std::vector<Part>> parse_multipart(std::string_view text) {
  const std::string b(kMimeBoundary);
  const std::string head =
      "Content-Type: multipart/mixed; boundary=\"" + b + "\"\r\nMIME-Version: 1.0\r\n\r\n";
  const std::string sep = "--" + b + "\r\n", end = "--" + b + "--\r\n";
  if (!starts_with(text, head)) return std::nullopt;
  std::string_view rest = text.substr(head.size());
  std::vector<Part> parts;
  while (starts_with(rest, sep)) {
    rest.remove_prefix(sep.size());
    auto headers_end = rest.find("\r\n\r\n");
    if (headers_end == std::string_view::npos) return std::nullopt;
    std::string_view headers = rest.substr(0, headers_end + 2);
    rest.remove_prefix(headers_end + 4);
    // The body ends right before "\r\n--MIMEBOUNDARY" (content never holds the boundary).
    auto body_end = rest.find("\r\n--" + b);
    if (body_end == std::string_view::npos) return std::nullopt;
    std::string_view body = rest.substr(0, body_end);
    rest.remove_prefix(body_end + 2);
    Part p;
    bool base64 = false;
    while (!headers.empty()) {
      auto eol = headers.find("\r\n");
      std::string_view line = headers.substr(0, eol);
      headers.remove_prefix(eol + 2);
      auto value_of = [&](std::string_view name) -> std::optional<std::string> {
        if (!starts_with(line, name)) return std::nullopt;
        return std::string(line.substr(name.size()));
      };
      if (auto v = value_of("Content-Disposition: attachment; filename=\"")) {
        if (v->empty() || v->back() != '"') return std::nullopt;
        p.filename = v->substr(0, v->size() - 1);
      } else if (auto v = value_of("Content-Transfer-Encoding: ")) {
        base64 = *v == "base64";
      } else if (auto v = value_of("Content-Type: ")) {
        p.content_type = v->substr(0, v->find(';'));
      } else if (auto v = value_of("X-Merge-Type: ")) {
        p.merge_type = *v;
      }
    }
    try {
      p.content = base64 ? base64_decode(body) : std::string(body);
    } catch (const std::exception&) {
      return std::nullopt;
    }
    parts.push_back(std::move(p));
  }
  if (rest != end) return std::nullopt;
  return parts;
}

}  // namespace sarga::cloudinit
