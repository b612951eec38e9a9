// PVE's value checks (JSONSchema.pm check_prop / check_type / parse_property_string),
// with its error texts word for word, including the trailing newlines of die messages.
#include <cstdlib>
#include <string>

#include "acceptance-tests/pve-sim/schema/model.h"

namespace sarga::pvesim::schema {
namespace {

bool all_digits(std::string_view v) {
  if (v.empty()) return false;
  for (char c : v)
    if (c < '0' || c > '9') return false;
  return true;
}

// Perl's length() on decoded text counts characters, not bytes.
size_t utf8_length(std::string_view v) {
  size_t n = 0;
  for (unsigned char c : v)
    if ((c & 0xC0) != 0x80) ++n;
  return n;
}

bool perl_true(const std::string& v) { return !v.empty() && v != "0"; }

}  // namespace

bool is_integer(std::string_view v) {
  if (!v.empty() && (v.front() == '+' || v.front() == '-')) v.remove_prefix(1);
  return all_digits(v);
}

// ^[+-]?(\d+\.\d+|\d+\.|\.\d+|\d+)([eE][+-]?\d+)?$
bool is_number(std::string_view v) {
  if (!v.empty() && (v.front() == '+' || v.front() == '-')) v.remove_prefix(1);
  auto e = v.find_first_of("eE");
  if (e != std::string_view::npos) {
    auto exp = v.substr(e + 1);
    if (!exp.empty() && (exp.front() == '+' || exp.front() == '-')) exp.remove_prefix(1);
    if (!all_digits(exp)) return false;
    v = v.substr(0, e);
  }
  auto dot = v.find('.');
  if (dot == std::string_view::npos) return all_digits(v);
  auto a = v.substr(0, dot), b = v.substr(dot + 1);
  if (a.empty() && b.empty()) return false;
  return (a.empty() || all_digits(a)) && (b.empty() || all_digits(b));
}

std::optional<bool> parse_boolean(std::string_view text) {
  std::string t(text);
  for (auto& c : t) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (t == "1" || t == "on" || t == "yes" || t == "true") return true;
  if (t == "0" || t == "off" || t == "no" || t == "false") return false;
  return std::nullopt;
}

// Several messages for one path are joined with a literal backslash-n, as PVE does
// (join('\n', ...) in single quotes).
void add_error(Errors& errors, const std::string& path, const std::string& message) {
  const std::string& key = path.empty() ? std::string("_root") : path;
  auto [it, inserted] = errors.emplace(key, message);
  if (!inserted) it->second += "\\n" + message;
}

namespace {

// check_type for a scalar; false (and an error) when it fails.
bool check_type(const std::string& value, const Prop& prop, const std::string& path, Errors& errors) {
  switch (prop.type) {
    case Type::boolean:
      if (value == "1" || value == "0") return true;
      break;
    case Type::integer:
      if (is_integer(value)) return true;
      break;
    case Type::number:
      if (is_number(value)) return true;
      break;
    case Type::array:
    case Type::object:
      add_error(errors, path, "type check ('" + prop.type_name + "') failed");
      return false;
    default:
      return true;
  }
  add_error(errors, path, "type check ('" + prop.type_name + "') failed - got '" + value + "'");
  return false;
}

// check_format: "" when valid, else the die text.
std::string check_format(const std::string& value, const Prop& prop, const std::string& path,
                         PropertyMap* parsed) {
  if (prop.check) {
    if (prop.format_list) {
      for (const auto& item : split_list(value)) {
        std::string msg = prop.check(item);
        if (!msg.empty()) return msg;
      }
      return "";
    }
    if (prop.format_opt && !perl_true(value)) return "";
    return prop.check(value);
  }
  if (prop.property_format) {
    PropertyMap local;
    PropertyMap& out = parsed ? *parsed : local;
    return parse_property_string_impl(*prop.property_format, value, path, out);
  }
  return "";
}

}  // namespace

void check_prop(const std::string* value, const Prop& prop, const std::string& path, Errors& errors,
                PropertyMap* parsed_out) {
  if (!value) {
    if (prop.type == Type::null_value) return;
    if (!prop.optional && prop.alias.empty())
      add_error(errors, path, "property is missing and it is not optional");
    return;
  }
  if (!check_type(*value, prop, path, errors)) return;

  if (prop.check || prop.property_format) {
    std::string msg = check_format(*value, prop, path, parsed_out);
    if (!msg.empty()) {
      add_error(errors, path, "invalid format - " + msg);
      return;
    }
  }
  if (prop.pattern && !RE2::PartialMatch(*value, *prop.pattern)) {
    add_error(errors, path, "value does not match the regex pattern");
    return;
  }
  if (prop.max_length && utf8_length(*value) > *prop.max_length) {
    add_error(errors, path, "value may only be " + std::to_string(*prop.max_length) + " characters long");
    return;
  }
  if (prop.min_length && utf8_length(*value) < *prop.min_length) {
    add_error(errors, path,
              "value must be at least " + std::to_string(*prop.min_length) + " characters long");
    return;
  }
  if ((prop.maximum || prop.minimum) && is_number(*value)) {
    double d = std::strtod(value->c_str(), nullptr);
    if (prop.maximum && d > *prop.maximum) {
      add_error(errors, path, "value must have a maximum value of " + prop.maximum_text);
      return;
    }
    if (prop.minimum && d < *prop.minimum) {
      add_error(errors, path, "value must have a minimum value of " + prop.minimum_text);
      return;
    }
  }
  if (!prop.enum_values.empty()) {
    for (const auto& e : prop.enum_values)
      if (e == *value) return;
    add_error(errors, path,
              "value '" + *value + "' does not have a value in the enumeration '" + prop.enum_text + "'");
  }
}

std::string parse_property_string_impl(const PropertyFormat& format, std::string_view data,
                                       const std::string& path, PropertyMap& out) {
  out.clear();
  std::string default_key;
  size_t start = 0;
  while (start <= data.size()) {
    size_t comma = data.find(',', start);
    std::string_view part =
        data.substr(start, comma == std::string_view::npos ? std::string_view::npos : comma - start);
    start = comma == std::string_view::npos ? data.size() + 1 : comma + 1;
    if (part.find_first_not_of(" \t\r\n\f\v") == std::string_view::npos) continue;

    size_t eq = part.find('=');
    if (eq != std::string_view::npos && eq > 0 && eq + 1 < part.size()) {
      std::string k(part.substr(0, eq));
      std::string v(part.substr(eq + 1));
      if (out.count(k)) return "duplicate key in comma-separated list property: " + k + "\n";
      auto sub = format.keys.find(k);
      if (sub != format.keys.end() && !sub->second.alias.empty()) {
        if (!sub->second.key_alias.empty()) {
          if (out.count(sub->second.key_alias))
            return "key alias '" + sub->second.key_alias + "' is already defined\n";
          out[sub->second.key_alias] = k;
        }
        k = sub->second.alias;
        sub = format.keys.find(k);
      }
      if (sub == format.keys.end()) return "invalid key in comma-separated list property: " + k + "\n";
      if (sub->second.type == Type::boolean) {
        if (auto b = parse_boolean(v)) v = *b ? "1" : "0";
      }
      out[k] = std::move(v);
    } else if (eq == std::string_view::npos) {
      if (!default_key.empty())
        return "duplicate key in comma-separated list property: " + default_key + "\n";
      if (format.default_key.empty())
        return "value without key, but schema does not define a default key\n";
      default_key = format.default_key;
      auto it = out.find(default_key);
      if (it != out.end() && perl_true(it->second))
        return "duplicate key in comma-separated list property: " + default_key + "\n";
      out[default_key] = std::string(part);
    } else {
      return "missing key in comma-separated list property\n";
    }
  }

  Errors errors;
  for (const auto& [key, sub] : format.keys) {
    auto it = out.find(key);
    check_prop(it == out.end() ? nullptr : &it->second, sub, path + "." + key, errors, nullptr);
  }
  for (const auto& [key, value] : out) {
    auto sub = format.keys.find(key);
    if (sub == format.keys.end()) {
      add_error(errors, path + "." + key,
                "property is not defined in schema and the schema does not allow additional properties");
      continue;
    }
    const std::string& req = sub->second.requires_key;
    if (!req.empty() && !out.count(req))
      add_error(errors, path + "." + req, "missing property - '" + path + "." + key + "' requires this property");
  }
  if (!errors.empty()) {
    std::string msg = "format error\n";
    for (const auto& [k, v] : errors) msg += k + ": " + v + "\n";
    return msg;
  }
  if (format.validator) return format.validator(out);
  return "";
}

}  // namespace sarga::pvesim::schema
