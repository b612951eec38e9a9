// Turns the generated schema JSON into the compiled model: regexes built once, [n]
// families expanded, named formats resolved, paths indexed.
#include <algorithm>
#include <cctype>
#include <cstdio>
#include <stdexcept>

#include "acceptance-tests/pve-sim/schema/model.h"

namespace sarga::pvesim::schema {
namespace {

[[noreturn]] void fail(const std::string& where, const std::string& what) {
  throw std::runtime_error("pve schema: " + where + ": " + what);
}

// Perl prints numbers without a trailing ".0"; strings as written.
std::string number_text(const nlohmann::json& j) {
  if (j.is_string()) return j.get<std::string>();
  if (j.is_number_integer()) return std::to_string(j.get<long long>());
  if (j.is_number_unsigned()) return std::to_string(j.get<unsigned long long>());
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.15g", j.get<double>());
  return buf;
}

double number_value(const nlohmann::json& j, const std::string& where) {
  if (j.is_number()) return j.get<double>();
  if (j.is_string()) {
    const std::string& s = j.get_ref<const std::string&>();
    char* end = nullptr;
    double d = std::strtod(s.c_str(), &end);
    if (end != s.c_str() && *end == '\0') return d;
  }
  fail(where, "minimum/maximum is not a number: " + j.dump());
}

bool truthy(const nlohmann::json& j) {
  if (j.is_boolean()) return j.get<bool>();
  if (j.is_number()) return j.get<double>() != 0;
  if (j.is_string()) return !j.get<std::string>().empty() && j.get<std::string>() != "0";
  return !j.is_null();
}

Type type_of(const std::string& t) {
  if (t == "string") return Type::string;
  if (t == "integer") return Type::integer;
  if (t == "number") return Type::number;
  if (t == "boolean") return Type::boolean;
  if (t == "array") return Type::array;
  if (t == "object") return Type::object;
  if (t == "null") return Type::null_value;
  if (t == "any") return Type::any;
  return Type::none;
}

void compile_property_format(const nlohmann::json& keys, Prop& out, const std::string& where) {
  auto fmt = std::make_shared<PropertyFormat>();
  for (auto it = keys.begin(); it != keys.end(); ++it) {
    Prop& sub = fmt->keys[it.key()];
    compile_prop(it.value(), sub, where + "." + it.key());
    if (sub.default_key) {
      if (!fmt->default_key.empty()) fail(where, "two default keys");
      fmt->default_key = it.key();
    }
    if (!sub.key_alias.empty()) fmt->key_alias_targets[sub.key_alias] = sub.alias;
  }
  out.property_format = std::move(fmt);
}

void compile_named_format(const std::string& name, Prop& out) {
  out.format_name = name;
  if ((out.check = find_format_check(name))) return;
  if ((out.property_format = find_named_property_format(name))) return;
  // "<name>-list" / "<name>-opt" apply a code-checked format to each item / when set.
  auto dash = name.rfind('-');
  if (dash != std::string::npos) {
    std::string base = name.substr(0, dash), kind = name.substr(dash + 1);
    if (kind == "list" || kind == "opt") {
      if ((out.check = find_format_check(base))) {
        out.format_list = kind == "list";
        out.format_opt = kind == "opt";
      }
    }
  }
  // Formats not listed in formats.cpp are accepted unchecked (PVE knows them; we do not).
}

}  // namespace

std::string translate_perl_regex(std::string_view perl) {
  std::string out;
  out.reserve(perl.size() + 8);
  for (size_t i = 0; i < perl.size(); ++i) {
    char c = perl[i];
    if (c == '\\' && i + 1 < perl.size()) {
      char n = perl[i + 1];
      if (n == '0' && (i + 2 >= perl.size() || perl[i + 2] < '0' || perl[i + 2] > '7')) {
        out += "\\x00";  // Perl's \0 (NUL); RE2 has no octal escapes
      } else if (n == 'Z') {
        out += "\\z";
      } else if (std::isalnum(static_cast<unsigned char>(n)) || n == '\\') {
        out += c;
        out += n;
      } else {
        // Perl allows escaping any punctuation; RE2 rejects some (\@, \_): use a class.
        if (n == '_' || n == '@' || n == '/' || n == ':' || n == '!' || n == '%' || n == '~' ||
            n == '#' || n == '"' || n == '\'' || n == '<' || n == '>' || n == ',' || n == '=' ||
            n == '&' || n == ';' || n == '`') {
          out += n;
        } else {
          out += c;
          out += n;
        }
      }
      ++i;
      continue;
    }
    if (c == '(' && perl.substr(i, 3) == "(?^") {
      // (?^flags:  ->  (?flags:  (Perl's "reset to defaults" group)
      size_t j = i + 3;
      std::string flags;
      while (j < perl.size() && std::isalpha(static_cast<unsigned char>(perl[j]))) flags += perl[j++];
      if (j < perl.size() && perl[j] == ':') {
        out += flags.empty() ? "(?:" : "(?" + flags + ":";
        i = j;
        continue;
      }
    }
    if (c == '{' && i + 1 < perl.size() && std::isdigit(static_cast<unsigned char>(perl[i + 1]))) {
      // {m,n} with n > 1000 exceeds RE2's repetition limit: loosen to {m,} (only the
      // 4096-character API token "keys" pattern needs it).
      size_t comma = perl.find(',', i);
      size_t close = perl.find('}', i);
      if (comma != std::string_view::npos && close != std::string_view::npos && comma < close) {
        auto hi = perl.substr(comma + 1, close - comma - 1);
        if (!hi.empty() && std::all_of(hi.begin(), hi.end(), [](char d) { return std::isdigit(static_cast<unsigned char>(d)); }) &&
            std::stoul(std::string(hi)) > 1000) {
          out += perl.substr(i, comma - i + 1);
          out += '}';
          i = close;
          continue;
        }
      }
    }
    if (c == '{' && i + 1 < perl.size() && perl[i + 1] == ',') {
      // {,n} means {0,n} in Perl 5.34+
      size_t j = i + 2;
      while (j < perl.size() && std::isdigit(static_cast<unsigned char>(perl[j]))) ++j;
      if (j > i + 2 && j < perl.size() && perl[j] == '}') {
        out += "{0,";
        out += perl.substr(i + 2, j - i - 2);
        out += '}';
        i = j;
        continue;
      }
    }
    out += c;
  }
  return out;
}

void compile_prop(const nlohmann::json& in, Prop& out, const std::string& where) {
  if (!in.is_object()) fail(where, "schema is not an object");
  if (auto t = in.find("type"); t != in.end()) {
    if (!t->is_string()) fail(where, "type is not a string");
    out.type_name = t->get<std::string>();
    out.type = type_of(out.type_name);
  }
  if (auto v = in.find("optional"); v != in.end()) out.optional = truthy(*v);
  if (auto v = in.find("default_key"); v != in.end()) out.default_key = truthy(*v);
  if (auto v = in.find("alias"); v != in.end()) out.alias = v->get<std::string>();
  if (auto v = in.find("keyAlias"); v != in.end()) out.key_alias = v->get<std::string>();
  if (auto v = in.find("requires"); v != in.end() && v->is_string()) out.requires_key = v->get<std::string>();
  if (auto v = in.find("default"); v != in.end()) out.default_value = *v;
  if (auto v = in.find("minimum"); v != in.end()) {
    out.minimum = number_value(*v, where);
    out.minimum_text = number_text(*v);
  }
  if (auto v = in.find("maximum"); v != in.end()) {
    out.maximum = number_value(*v, where);
    out.maximum_text = number_text(*v);
  }
  if (auto v = in.find("minLength"); v != in.end()) out.min_length = static_cast<size_t>(v->get<double>());
  if (auto v = in.find("maxLength"); v != in.end()) out.max_length = static_cast<size_t>(v->get<double>());
  if (auto v = in.find("enum"); v != in.end() && v->is_array()) {
    for (const auto& e : *v) {
      std::string s = e.is_string() ? e.get<std::string>() : number_text(e);
      if (!out.enum_text.empty()) out.enum_text += ", ";
      out.enum_text += s;
      out.enum_values.push_back(std::move(s));
    }
  }
  if (auto v = in.find("pattern"); v != in.end()) {
    std::string re = "^" + translate_perl_regex(v->get<std::string>()) + "$";
    RE2::Options opts;
    opts.set_log_errors(false);
    opts.set_dot_nl(false);
    out.pattern = std::make_unique<RE2>(re, opts);
    if (!out.pattern->ok())
      fail(where, "pattern " + v->get<std::string>() + " does not compile: " + out.pattern->error());
  }
  if (auto v = in.find("format"); v != in.end()) {
    if (v->is_string()) {
      compile_named_format(v->get<std::string>(), out);
    } else if (v->is_object()) {
      compile_property_format(*v, out, where);
    }
  }
  if (auto v = in.find("items"); v != in.end() && v->is_object()) {
    out.items = std::make_unique<Prop>();
    compile_prop(*v, *out.items, where + "[]");
  }
  if (auto v = in.find("index_max"); v != in.end()) out.index_max = v->get<int>();
}

std::unique_ptr<Schema::Impl> compile_schema(const nlohmann::json& doc) {
  auto impl = std::make_unique<Schema::Impl>();
  auto eps = doc.find("endpoints");
  if (eps == doc.end() || !eps->is_array()) fail("document", "no \"endpoints\" array");
  for (const auto& e : *eps) {
    auto ce = std::make_unique<CompiledEndpoint>();
    Endpoint& info = ce->info;
    info.path = e.at("path").get<std::string>();
    info.method = e.at("method").get<std::string>();
    const std::string where = info.method + " " + info.path;
    info.name = e.value("name", "");
    info.protected_method = truthy(e.value("protected", nlohmann::json(0)));
    info.allow_token = truthy(e.value("allowtoken", nlohmann::json(1)));
    info.proxyto = e.value("proxyto", "");
    info.permissions = e.value("permissions", nlohmann::json::object());
    const auto& params = e.at("parameters");
    if (auto ap = params.find("additionalProperties"); ap != params.end() && !ap->is_null()) {
      ce->additional_properties_defined = true;
      ce->additional_properties = ap->is_object() || truthy(*ap);
    }
    for (auto it = params.at("properties").begin(); it != params.at("properties").end(); ++it) {
      Prop& p = ce->props[it.key()];
      compile_prop(it.value(), p, where + " parameter " + it.key());
    }
    // cdrom's named format is the ide disk format (qemu-server): reuse ide[n]'s.
    for (auto& [name, p] : ce->props) {
      if (p.format_name == "pve-qm-ide" && !p.property_format) {
        auto ide = ce->props.find("ide[n]");
        if (ide != ce->props.end()) p.property_format = ide->second.property_format;
      }
    }
    for (auto& [name, p] : ce->props) {
      const std::string suffix = "[n]";
      if (p.index_max >= 0 && name.size() > suffix.size() &&
          name.compare(name.size() - suffix.size(), suffix.size(), suffix) == 0) {
        std::string family = name.substr(0, name.size() - suffix.size());
        for (int i = 0; i <= p.index_max; ++i) ce->by_name[family + std::to_string(i)] = &p;
      } else {
        ce->by_name[name] = &p;
        if (!p.optional && p.alias.empty()) ce->required.push_back(name);
      }
    }
    // index the path
    PathNode* node = &impl->root;
    std::string prev;
    size_t start = 0;
    const std::string& path = info.path;
    while (start < path.size()) {
      size_t slash = path.find('/', start);
      std::string seg = path.substr(start, slash == std::string::npos ? std::string::npos : slash - start);
      start = slash == std::string::npos ? path.size() : slash + 1;
      if (seg.empty()) continue;
      if (seg.size() > 2 && seg.front() == '{' && seg.back() == '}') {
        if (!node->param) {
          node->param = std::make_unique<PathNode>();
          node->param_name = seg.substr(1, seg.size() - 2);
          node->param_takes_rest = node->param_name == "volume" && prev == "content";
        }
        node = node->param.get();
      } else {
        auto& child = node->fixed[seg];
        if (!child) child = std::make_unique<PathNode>();
        node = child.get();
      }
      prev = seg;
    }
    node->methods[info.method] = ce.get();
    impl->by_template[info.method + " " + info.path] = ce.get();
    impl->by_info[&ce->info] = ce.get();
    impl->endpoints.push_back(std::move(ce));
  }
  return impl;
}

}  // namespace sarga::pvesim::schema
