#include "provider/framework/validators.h"

#include <regex>

namespace sarga::framework::validators {

namespace {

size_t utf8_length(const std::string& s) {
  size_t n = 0;
  for (unsigned char c : s) {
    if ((c & 0xC0) != 0x80) ++n;
  }
  return n;
}

std::string quoted(const std::string& s) { return "\"" + s + "\""; }

}  // namespace

Validator string_length(size_t min, size_t max) {
  return [min, max](const cty::Value& v, const cty::Path& path, Diagnostics& diags) {
    if (v.type().kind() != cty::Kind::String) return;
    size_t n = utf8_length(v.as_string());
    if (n < min || n > max) {
      diags.error(path, "Invalid value length",
                  path.to_string() + " must be " + std::to_string(min) + " to " + std::to_string(max) +
                      " characters long, got " + std::to_string(n) + ".");
    }
  };
}

Validator matches(const std::string& regex, const std::string& what) {
  auto re = std::make_shared<std::regex>(regex, std::regex::ECMAScript);
  return [re, what](const cty::Value& v, const cty::Path& path, Diagnostics& diags) {
    if (v.type().kind() != cty::Kind::String) return;
    if (!std::regex_match(v.as_string(), *re)) {
      diags.error(path, "Invalid value",
                  path.to_string() + " must be " + what + ", got " + quoted(v.as_string()) + ".");
    }
  };
}

Validator one_of(std::vector<std::string> allowed) {
  return [allowed = std::move(allowed)](const cty::Value& v, const cty::Path& path, Diagnostics& diags) {
    if (v.type().kind() != cty::Kind::String) return;
    for (const auto& a : allowed) {
      if (a == v.as_string()) return;
    }
    std::string list;
    for (const auto& a : allowed) list += (list.empty() ? "" : ", ") + quoted(a);
    diags.error(path, "Invalid value",
                path.to_string() + " must be one of " + list + ", got " + quoted(v.as_string()) + ".");
  };
}

Validator int_between(int64_t min, int64_t max) {
  return [min, max](const cty::Value& v, const cty::Path& path, Diagnostics& diags) {
    if (v.type().kind() != cty::Kind::Number) return;
    auto n = v.as_number().to_int64();
    if (!n) {
      diags.error(path, "Invalid value", path.to_string() + " must be a whole number, got " +
                                             v.as_number().to_string() + ".");
    } else if (*n < min || *n > max) {
      diags.error(path, "Value out of range",
                  path.to_string() + " must be between " + std::to_string(min) + " and " +
                      std::to_string(max) + ", got " + std::to_string(*n) + ".");
    }
  };
}

Validator absolute_path() {
  return [](const cty::Value& v, const cty::Path& path, Diagnostics& diags) {
    if (v.type().kind() != cty::Kind::String) return;
    if (v.as_string().empty() || v.as_string()[0] != '/') {
      diags.error(path, "Invalid path",
                  path.to_string() + " must be an absolute path, got " + quoted(v.as_string()) + ".");
    }
  };
}

Validator size_between(size_t min, size_t max) {
  return [min, max](const cty::Value& v, const cty::Path& path, Diagnostics& diags) {
    const cty::Type& t = v.type();
    if (!t.is_list() && !t.is_set() && !t.is_map() && !t.is_tuple()) return;
    size_t n = v.length();
    if (n < min || n > max) {
      diags.error(path, "Invalid number of elements",
                  path.to_string() + " must have " + std::to_string(min) + " to " + std::to_string(max) +
                      " elements, got " + std::to_string(n) + ".");
    }
  };
}

}  // namespace sarga::framework::validators
